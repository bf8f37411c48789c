package io.connwatch.feeds.format;

import io.connwatch.feeds.FeedDefaults;
import io.connwatch.feeds.ThreatType;
import io.connwatch.feeds.TlpLevel;
import java.util.List;
import java.util.Map;

/** The registry of feed formats by name: adding a format is one class and one line here. */
public final class FeedFormats {
    private FeedFormats() {
    }

    /** The format names, for help texts and error messages. */
    public static final List<String> NAMES = List.of("plain", "tor-exit-addresses", "spamhaus-drop", "feodo-csv", "csv", "stix21",
        "misp-event", "misp-csv", "misp-warninglist");

    /**
     * What a format's indicators get for fields neither the feed nor its configuration gives:
     * Feodo Tracker lists botnet C2s, Spamhaus DROP hijacked netblocks, Tor exits proxies.
     */
    public static FeedDefaults defaults(String format) {
        return switch (format) {
            case "feodo-csv" -> new FeedDefaults(ThreatType.C2, 4, 80, TlpLevel.WHITE, null);
            case "spamhaus-drop" -> new FeedDefaults(ThreatType.DARKNET, 3, 70, TlpLevel.WHITE, null);
            case "tor-exit-addresses" -> new FeedDefaults(ThreatType.PROXY, 2, 90, TlpLevel.WHITE, null);
            case "stix21", "misp-event", "misp-csv" -> new FeedDefaults(ThreatType.MALWARE, 3, 50, TlpLevel.AMBER, null);
            default -> FeedDefaults.GENERIC;
        };
    }

    /**
     * The format of a name; {@code csv} needs a column mapping.
     *
     * @throws IllegalArgumentException for an unknown name or a bad mapping
     */
    public static FeedFormat byName(String name, Map<String, String> csvMapping) {
        return switch (name) {
            case "plain" -> new PlainListFormat();
            case "tor-exit-addresses" -> new TorExitAddressesFormat();
            case "spamhaus-drop" -> new SpamhausDropFormat();
            case "feodo-csv" -> new FeodoCsvFormat();
            case "csv" -> new MappedCsvFormat(CsvMapping.of(csvMapping == null ? Map.of() : csvMapping));
            case "stix21" -> new Stix21Format();
            case "misp-event" -> new MispEventFormat();
            case "misp-csv" -> new MispCsvFormat();
            case "misp-warninglist" -> new MispWarninglistFormat();
            default -> throw new IllegalArgumentException("unknown feed format '" + name + "' (expected one of "
                + String.join(", ", NAMES) + ")");
        };
    }
}
