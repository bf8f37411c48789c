package io.connwatch.engine.cli;

import io.connwatch.engine.config.ConfigException;
import io.connwatch.engine.rules.RuleCompilationException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code connwatch} command line: the service, replay, rule checks, data generation and benchmarks. */
@Command(name = "connwatch", mixinStandardHelpOptions = true, versionProvider = BuildVersion.class,
    description = "Security alerting rules engine for VM network connection data (VMConnection, VMBoundPort).",
    subcommands = {RunCommand.class, ReplayCommand.class, ValidateRulesCommand.class, TestRulesCommand.class, ReloadCommand.class, FeedsCommand.class, NotifyCommand.class, SilenceCommand.class, GenerateCommand.class, KafkaCommand.class,
        BenchCommand.class, CommandLine.HelpCommand.class})
public final class ConnwatchCommand implements Runnable {
    /** Exit code for invalid rules or configuration. */
    static final int INVALID = 1;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with connwatch's error handling; tests run commands through it. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new ConnwatchCommand());
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
