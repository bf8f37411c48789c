package io.connwatch.notify;

import io.connwatch.alert.Evidence;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Evidence as a person reads it: each kind the engine and the shipped rules produce
 * ({@code VMConnection}, {@code ThreatIntel}, {@code FailureWindow}, ...) named in words, with the
 * values that tell what happened ({@code Failed connections: failed 120, usual 4.2, window 5 min,
 * top remotes: 10.1.0.7:445 (120 failed), ...});
 * a kind it does not know is named by splitting its name into words and listing its columns.
 */
public final class EvidenceText {
    /** One value of the evidence, in words: {@code label} as a person says it, {@code value} formatted. */
    public record Fact(String label, String value) {
        @Override
        public String toString() {
            return label + " " + value;
        }
    }

    /** How a kind is told: its title, and which columns to show under which words. */
    private record Kind(Function<Map<String, Object>, String> title, List<Column> columns) {
    }

    private record Column(String label, List<String> keys, Function<Object, String> format) {
    }

    private static final Function<Object, String> PLAIN = EvidenceText::plain;
    /** Columns every fact has and the message shows elsewhere (the alert's computer, its time). */
    private static final Set<String> HOUSEKEEPING = Set.of("TimeGenerated", "Computer", "AgentId", "Machine");
    /** Values a list shows before {@code and N more}. */
    private static final int LISTED = 5;
    /** Columns listed for a kind this class does not know. */
    private static final int UNKNOWN_COLUMNS = 10;

    private static final Map<String, Kind> KINDS = Map.ofEntries(
        Map.entry("VMConnection", new Kind(f -> switch (String.valueOf(f.get("Direction")).toLowerCase(Locale.ROOT)) {
            case "outbound" -> "Outbound connection";
            case "inbound" -> "Inbound connection";
            default -> "Connection";
        }, List.of(
            col("remote", "RemoteIp"), col("port", "DestinationPort"), col("process", "ProcessName", "Process"),
            col("country", "RemoteCountry"), col("established", "LinksEstablished"), col("failed", "LinksFailed"),
            col("sent", EvidenceText::bytes, "BytesSent"), col("received", EvidenceText::bytes, "BytesReceived"),
            col("threat", "IndicatorThreatType")))),
        Map.entry("VMBoundPort", new Kind(f -> Boolean.TRUE.equals(f.get("IsWildcardBind")) || "true".equals(String.valueOf(
            f.get("IsWildcardBind"))) ? "Listening on every interface" : "Listening port", List.of(
            col("address", "Ip"), col("port", "Port"), col("process", "ProcessName", "Process"), col("protocol", "Protocol")))),
        Map.entry("ThreatIntel", new Kind(f -> "Threat intelligence match", List.of(
            col("indicator", "Indicator"), col("threat", "ThreatType"), col("feeds", "Feeds"), col("source", "Source"),
            col("confidence", "Confidence"), col("TLP", "TLPLevel"), col("severity", "Severity"),
            col("active", EvidenceText::yesNo, "Active"), col("description", "Description"), col("reference", "ReportReferenceLink"),
            col("first seen", "FirstSeen"), col("last seen", "LastSeen")))),
        Map.entry("MachineMinute", new Kind(f -> "Machine traffic in one minute", List.of(
            col("rows", "Rows"), col("established", "LinksEstablished"), col("failed", "LinksFailed"),
            col("sent", EvidenceText::bytes, "BytesSent"), col("received", EvidenceText::bytes, "BytesReceived"),
            col("admin-port targets", "AdminTargets")))),
        Map.entry("ProcessMinute", new Kind(f -> "Process traffic in one minute", List.of(
            col("process", "ProcessName", "Process"), col("remote IPs", "DistinctRemotes"), col("ports", "DistinctPorts"),
            col("failed rows", "FailedRows"), col("established", "LinksEstablished"), col("failed", "LinksFailed"),
            col("sent", EvidenceText::bytes, "BytesSent"), col("received", EvidenceText::bytes, "BytesReceived")))),
        Map.entry("FanOutMinute", new Kind(f -> "Outbound fan-out in one minute", List.of(
            col("process", "ProcessName", "Process"), col("remote IPs", "DistinctRemotes"), col("ports", "DistinctPorts"),
            col("failed rows", "FailedRows"), col("outbound rows", "OutboundRows")))),
        Map.entry("AdminMinute", new Kind(f -> "Administrative-port connections in one minute", List.of(
            col("internal hosts", "Targets")))),
        Map.entry("FailureWindow", new Kind(f -> "Failed connections", List.of(
            col("failed", "FailedInWindow"), col("usual", "BaselineFailedPerWindow"), col("window", EvidenceText::window, "Window"),
            col("top remotes", "TopRemotes")))),
        Map.entry("FailureRatio", new Kind(f -> "Connection failure ratio", List.of(
            col("failed", v -> plain(v) + "%", "PercentFailed"), col("failed links", "Failed"), col("established", "Established"),
            col("window", EvidenceText::window, "Window"), col("top remotes", "TopRemotes")))),
        Map.entry("FanOut", new Kind(f -> "Fan-out to many remotes", List.of(
            col("remote IPs", "DistinctRemotes"), col("ports", "DistinctPorts"), col("failed rows", "FailedRows"),
            col("outbound rows", "OutboundRows"), col("window", EvidenceText::window, "Window"), col("top remotes", "TopRemotes")))),
        Map.entry("AdminFanOut", new Kind(f -> "Administrative-port fan-out", List.of(
            col("internal hosts", "DistinctInternalTargets"), col("window", EvidenceText::window, "Window"),
            col("top remotes", "TopRemotes")))),
        Map.entry("Baseline", new Kind(f -> "Usual traffic", List.of(
            col("usual sent per minute", EvidenceText::bytes, "MeanBytesSentPerMinute"),
            col("learned over", v -> plain(v) + " min", "Minutes")))));

    private EvidenceText() {
    }

    private static Column col(String label, String... keys) {
        return new Column(label, List.of(keys), PLAIN);
    }

    private static Column col(String label, Function<Object, String> format, String... keys) {
        return new Column(label, List.of(keys), format);
    }

    /** The kind in words ({@code Outbound connection}, {@code Failed connections}). */
    public static String title(Evidence e) {
        Kind k = KINDS.get(e.kind());
        return k != null ? k.title().apply(e.fields()) : words(e.kind());
    }

    /**
     * The telling values, in words, each value cut to {@code maxValue} characters (a host's value
     * can be long): for a known kind its chosen columns that are present, for another kind its
     * first columns other than time, computer and machine.
     */
    public static List<Fact> facts(Evidence e, int maxValue) {
        List<Fact> out = new ArrayList<>();
        Kind k = KINDS.get(e.kind());
        if (k != null) {
            for (Column c : k.columns()) {
                for (String key : c.keys()) {
                    Object v = e.fields().get(key);
                    if (v != null && !String.valueOf(v).isEmpty()) {
                        out.add(new Fact(c.label(), cut(c.format().apply(v), maxValue)));
                        break;
                    }
                }
            }
            return out;
        }
        for (Map.Entry<String, Object> f : e.fields().entrySet()) {
            if (out.size() == UNKNOWN_COLUMNS) {
                break;
            }
            if (!HOUSEKEEPING.contains(f.getKey()) && f.getValue() != null) {
                out.add(new Fact(words(f.getKey()).toLowerCase(Locale.ROOT), cut(plain(f.getValue()), maxValue)));
            }
        }
        return out;
    }

    /** Title and facts on one line: {@code Failed connections: failed 120, usual 4.2, window 5 min}. */
    public static String sentence(Evidence e, int maxValue) {
        List<Fact> facts = facts(e, maxValue);
        return title(e) + (facts.isEmpty() ? "" : ": " + facts.stream().map(Fact::toString).collect(Collectors.joining(", ")));
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, Math.max(0, max - 1)) + "\u2026";
    }

    /** {@code FailureWindow} -> {@code Failure window}; {@code VMBoundPort} -> {@code VM bound port}. */
    static String words(String name) {
        String spaced = name.replaceAll("(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ").replace('_', ' ').replace('-', ' ');
        StringBuilder sb = new StringBuilder();
        String[] parts = spaced.trim().split("\\s+");
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            boolean acronym = p.length() > 1 && p.equals(p.toUpperCase(Locale.ROOT));
            sb.append(i == 0 ? "" : " ").append(i == 0 || acronym ? p : p.toLowerCase(Locale.ROOT));
        }
        return sb.toString();
    }

    private static String plain(Object v) {
        if (v instanceof Collection<?> c) {
            List<String> shown = c.stream().limit(LISTED).map(String::valueOf).toList();
            return String.join(", ", shown) + (c.size() > LISTED ? " and " + (c.size() - LISTED) + " more" : "");
        }
        if (v instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d)) {
            return String.valueOf(d.longValue());
        }
        return String.valueOf(v);
    }

    private static String yesNo(Object v) {
        String s = String.valueOf(v);
        return s.equalsIgnoreCase("true") ? "yes" : s.equalsIgnoreCase("false") ? "no" : s;
    }

    /** A byte count as {@code 512 B}, {@code 12.3 KB}, {@code 1.2 MB} (powers of 1000); other values as they are. */
    static String bytes(Object v) {
        double b;
        try {
            b = v instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(v));
        } catch (NumberFormatException e) {
            return String.valueOf(v);
        }
        String[] units = {"B", "KB", "MB", "GB", "TB"};
        int u = 0;
        while (Math.abs(b) >= 1000 && u < units.length - 1) {
            b /= 1000;
            u++;
        }
        return u == 0 ? Math.round(b) + " B" : String.format(Locale.ROOT, "%.1f %s", b, units[u]);
    }

    /** An ISO-8601 duration ({@code PT5M}) as {@code 5 min}, {@code 1 h 30 min}, {@code 45 s}; other values as they are. */
    static String window(Object v) {
        Duration d;
        try {
            d = Duration.parse(String.valueOf(v));
        } catch (DateTimeParseException e) {
            return String.valueOf(v);
        }
        List<String> parts = new ArrayList<>();
        if (d.toDaysPart() > 0) {
            parts.add(d.toDaysPart() + " d");
        }
        if (d.toHoursPart() > 0) {
            parts.add(d.toHoursPart() + " h");
        }
        if (d.toMinutesPart() > 0) {
            parts.add(d.toMinutesPart() + " min");
        }
        if (d.toSecondsPart() > 0 || parts.isEmpty()) {
            parts.add(d.toSecondsPart() + " s");
        }
        return String.join(" ", parts);
    }
}
