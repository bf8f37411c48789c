package io.connwatch.engine.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** The version {@code connwatch --version} prints: the release and the commit the build was made from. */
public final class BuildVersion implements IVersionProvider {
    static final String RESOURCE = "/connwatch-build.properties";

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
        String version = p.getProperty("version", "unknown");
        String[] head = p.getProperty("head", "").strip().split(" ", 2);
        if (head[0].isBlank()) {
            return "connwatch " + version + " (commit unknown: built outside a git clone)";
        }
        String dirty = Boolean.parseBoolean(p.getProperty("dirty", "false")) ? "-dirty" : "";
        return "connwatch " + version + " (commit " + head[0] + dirty + (head.length > 1 ? ", " + head[1] : "") + ")";
    }

    @Override
    public String[] getVersion() {
        return new String[] {line(), "Java " + Runtime.version() + " (" + System.getProperty("java.vendor", "?") + ")"};
    }
}
