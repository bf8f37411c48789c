package io.connwatch.feeds;

import java.util.Locale;

/** The threat categories of Azure's IndicatorThreatType column, the vocabulary every feed maps to. */
public enum ThreatType {
    BOTNET("Botnet"),
    C2("C2"),
    CRYPTO_MINING("CryptoMining"),
    DARKNET("Darknet"),
    DDOS("DDos"),
    MALICIOUS_URL("MaliciousUrl"),
    MALWARE("Malware"),
    PHISHING("Phishing"),
    PROXY("Proxy"),
    PUA("PUA"),
    WATCHLIST("Watchlist");

    private final String azureName;

    ThreatType(String azureName) {
        this.azureName = azureName;
    }

    /** The spelling Azure uses in IndicatorThreatType. */
    public String azureName() {
        return azureName;
    }

    /**
     * Reads Azure's spelling, case-insensitively (also {@code DDoS}, {@code cryptomining}).
     *
     * @throws IllegalArgumentException listing the accepted names
     */
    public static ThreatType parse(String text) {
        String key = text.trim().toLowerCase(Locale.ROOT);
        for (ThreatType t : values()) {
            if (t.azureName.toLowerCase(Locale.ROOT).equals(key) || t.name().toLowerCase(Locale.ROOT).equals(key)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown threat type '" + text
            + "' (expected one of Botnet, C2, CryptoMining, Darknet, DDos, MaliciousUrl, Malware, Phishing, Proxy, PUA, Watchlist)");
    }

    @Override
    public String toString() {
        return azureName;
    }
}
