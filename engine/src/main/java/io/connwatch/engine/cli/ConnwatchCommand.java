package io.connwatch.engine.cli;

import io.connwatch.engine.config.ConfigException;
import io.connwatch.engine.rules.RuleCompilationException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code connwatch} command line: the service, replay, rule checks, data generation and benchmarks. */
@Command(name = "connwatch", mixinStandardHelpOptions = true, versionProvider = BuildVersion.class,
    description = "Security alerting rules engine for VM network connection data (VMConnection, VMBoundPort).")
public final class ConnwatchCommand implements Runnable {
    /** Exit code for invalid rules or configuration. */
    static final int INVALID = 1;

    /**
     * Every subcommand by name, in the order the usage lists them. picocli reads a command's
     * annotations when it is added, and reading all of them took about 0.4 s of every start, so a
     * command line whose first word names a subcommand gets only that one.
     */
    static final Map<String, Supplier<Object>> SUBCOMMANDS = subcommands();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    public static void main(String[] args) {
        Warmup.start(args);
        System.exit(commandLine(args).execute(args));
    }

    private static Map<String, Supplier<Object>> subcommands() {
        Map<String, Supplier<Object>> all = new LinkedHashMap<>();
        all.put("run", RunCommand::new);
        all.put("replay", ReplayCommand::new);
        all.put("validate-rules", ValidateRulesCommand::new);
        all.put("test-rules", TestRulesCommand::new);
        all.put("reload", ReloadCommand::new);
        all.put("feeds", FeedsCommand::new);
        all.put("notify", NotifyCommand::new);
        all.put("silence", SilenceCommand::new);
        all.put("generate", GenerateCommand::new);
        all.put("kafka", KafkaCommand::new);
        all.put("bench", BenchCommand::new);
        all.put("help", CommandLine.HelpCommand::new);
        return Collections.unmodifiableMap(all);
    }

    /** The command line with every subcommand and connwatch's error handling. */
    public static CommandLine commandLine() {
        return commandLine(new String[0]);
    }

    /**
     * The command line to execute these arguments with, and connwatch's error handling: when the
     * first argument names a subcommand, only that subcommand is built; otherwise (no command,
     * an option, {@code help}, a mistyped name that picocli suggests a fix for) all of them are.
     */
    public static CommandLine commandLine(String... args) {
        CommandLine cl = new CommandLine(new ConnwatchCommand());
        Supplier<Object> only = args.length > 0 && !"help".equals(args[0]) ? SUBCOMMANDS.get(args[0]) : null;
        if (only != null) {
            cl.addSubcommand(args[0], only.get());
        } else {
            SUBCOMMANDS.forEach((name, command) -> cl.addSubcommand(name, command.get()));
        }
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof RuleCompilationException || ex instanceof ConfigException) {
                commandLine.getErr().println(ex.getMessage());
                commandLine.getErr().flush();
                return INVALID;
            }
            throw ex;
        });
        return cl;
    }
}
