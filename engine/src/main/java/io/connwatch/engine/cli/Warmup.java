package io.connwatch.engine.cli;

import java.text.ParseException;
import java.text.SimpleDateFormat;
import java.util.Set;

/**
 * Start-up work that a command needs later and that nothing before it needs, begun on a spare core
 * at launch while the main thread reads the command line and the configuration.
 */
final class Warmup {
    /** The commands that compile the rules. */
    private static final Set<String> COMPILING = Set.of("run", "replay", "validate-rules", "test-rules", "bench");

    private Warmup() {
    }

    static void start(String[] args) {
        if (args.length == 0 || !COMPILING.contains(args[0])) {
            return;
        }
        Thread t = new Thread(Warmup::zoneNames, "connwatch-warmup");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Drools reads and writes the rules' kmodule.xml with XStream, whose first use parses "UTC"
     * with a time-zone pattern; that loads the names of every time zone for the default locale
     * (about 300 ms of one core). The JDK keeps them, so the compile later finds them loaded.
     */
    static void zoneNames() {
        try {
            new SimpleDateFormat("z").parse("UTC");
        } catch (ParseException | RuntimeException notNeeded) {
            // only a warm-up: the compile does the same and reports what fails
        }
    }
}
