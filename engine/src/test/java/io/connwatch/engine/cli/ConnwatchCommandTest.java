package io.connwatch.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line builds only the subcommand it is asked for, and everything when it must show or suggest. */
class ConnwatchCommandTest {
    @Test
    void aCommandLineNamingASubcommandHoldsThatOneOnlyUnderItsOwnName() {
        for (String name : ConnwatchCommand.SUBCOMMANDS.keySet()) {
            if (name.equals("help")) {
                continue;
            }
            CommandLine cl = ConnwatchCommand.commandLine(name, "--config", "x.yaml");
            assertEquals(Set.of(name), cl.getSubcommands().keySet(), name);
            assertEquals(name, cl.getSubcommands().get(name).getCommandName(), "the annotation's name and the map's disagree");
        }
    }

    @Test
    void withoutASubcommandOrForHelpEverySubcommandIsThereInTheUsageOrder() {
        List<String> all = List.copyOf(ConnwatchCommand.SUBCOMMANDS.keySet());
        for (String[] args : List.of(new String[0], new String[] {"help"}, new String[] {"--version"}, new String[] {"valdate-rules"})) {
            assertEquals(all, List.copyOf(ConnwatchCommand.commandLine(args).getSubcommands().keySet()), String.join(" ", args));
        }
        String usage = ConnwatchCommand.commandLine().getUsageMessage();
        int at = -1;
        for (String name : all) {
            int next = usage.indexOf("  " + name + " ");
            assertTrue(next > at, name + " is missing or out of order in:\n" + usage);
            at = next;
        }
    }

    @Test
    void aMistypedSubcommandStillGetsItsSuggestionAndTheExitCodeForUsageErrors() {
        StringWriter err = new StringWriter();
        CommandLine cl = ConnwatchCommand.commandLine("valdate-rules");
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        assertEquals(CommandLine.ExitCode.USAGE, cl.execute("valdate-rules"));
        assertTrue(err.toString().contains("validate-rules"), err.toString());
    }

    @Test
    void helpForOneSubcommandShowsItsOptions() {
        StringWriter out = new StringWriter();
        CommandLine cl = ConnwatchCommand.commandLine("help", "validate-rules");
        cl.setOut(new PrintWriter(out, true));
        assertEquals(0, cl.execute("help", "validate-rules"));
        assertTrue(out.toString().contains("Usage: connwatch validate-rules"), out.toString());
    }

    @Test
    void theErrorHandlerCoversTheOneSubcommandBuilt() {
        CommandLine cl = ConnwatchCommand.commandLine("validate-rules");
        assertEquals(cl.getExecutionExceptionHandler(), cl.getSubcommands().get("validate-rules").getExecutionExceptionHandler());
    }
}
