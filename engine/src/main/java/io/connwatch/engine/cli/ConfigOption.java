package io.connwatch.engine.cli;

import io.connwatch.engine.config.ConfigException;
import io.connwatch.engine.config.ConnwatchConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/** The {@code --config} option every command that reads the configuration shares; it says which file it used. */
final class ConfigOption {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigOption.class);

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
        description = "Configuration file (default: config/connwatch.yaml under the working directory when it exists, "
            + "else built-in defaults, with a warning).")
    Path file;

    ConnwatchConfig load() throws ConfigException {
        Path f = file;
        if (f == null) {
            if (!Files.exists(ConnwatchConfig.DEFAULT_PATH)) {
                LOG.warn("no configuration file: {} does not exist, so connwatch runs on built-in defaults "
                    + "(no receivers; rules from {}); give the file with -c FILE",
                    ConnwatchConfig.DEFAULT_PATH.toAbsolutePath(), Path.of("rules").toAbsolutePath());
                return ConnwatchConfig.defaults();
            }
            f = ConnwatchConfig.DEFAULT_PATH;
        }
        ConnwatchConfig config = ConnwatchConfig.load(f, System.getenv());
        LOG.info("configuration {} (relative paths from {})", f.toAbsolutePath().normalize(), config.home());
        return config;
    }
}
