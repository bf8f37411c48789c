package io.connwatch.engine.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** The version {@code connwatch --version} prints: the release and the commit the build was made from. */
public final class BuildVersion implements IVersionProvider {
    static final String RESOURCE = "/connwatch-git.properties";

    /** One line: {@code connwatch 0.1.0 (commit 1a2b3c4, 2026-12-01T05:45:00Z)}, "-dirty" when built from uncommitted changes. */
    public static String line() {
        Properties p = new Properties();
        try (InputStream in = BuildVersion.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // an unreadable resource reads as an unknown build
        }
        String version = p.getProperty("git.build.version", "unknown");
        String commit = p.getProperty("git.commit.id.abbrev", "");
        if (commit.isBlank()) {
            return "connwatch " + version + " (commit unknown: built outside a git clone)";
        }
        String dirty = Boolean.parseBoolean(p.getProperty("git.dirty", "false")) ? "-dirty" : "";
        String time = p.getProperty("git.commit.time", "");
        return "connwatch " + version + " (commit " + commit + dirty + (time.isBlank() ? "" : ", " + time) + ")";
    }

    @Override
    public String[] getVersion() {
        return new String[] {line(), "Java " + Runtime.version() + " (" + System.getProperty("java.vendor", "?") + ")"};
    }
}
