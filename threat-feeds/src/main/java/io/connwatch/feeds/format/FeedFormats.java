package io.connwatch.feeds.format;

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
