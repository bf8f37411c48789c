package io.connwatch.engine.cli;

import io.connwatch.engine.config.ConfigException;
import io.connwatch.engine.config.ConnwatchConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --config} option every command shares. */
final class ConfigOption {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
        description = "Configuration file (default: config/connwatch.yaml when it exists, else built-in defaults).")
    Path file;

    ConnwatchConfig load() throws ConfigException {
        Path f = file;
        if (f == null) {
            if (!Files.exists(ConnwatchConfig.DEFAULT_PATH)) {
                return ConnwatchConfig.defaults();
            }
            f = ConnwatchConfig.DEFAULT_PATH;
        }
        return ConnwatchConfig.load(f, System.getenv());
    }
}
