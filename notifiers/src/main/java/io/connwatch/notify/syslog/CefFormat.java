package io.connwatch.notify.syslog;

import io.connwatch.alert.Alert;
import io.connwatch.alert.Notification;
import io.connwatch.alert.Notification.AlertStatus;
import io.connwatch.alert.Notification.NotifiedAlert;
import io.connwatch.notify.AlertFacts;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * ArcSight Common Event Format (CEF) version 0 for one alert:
 * {@code CEF:0|connwatch|connwatch|<version>|<rule>|<summary>|<severity 0-10>|<extension>}. In the
 * header a backslash and a pipe are escaped ({@code \\}, {@code \|}) and line breaks become spaces;
 * in extension values a backslash, an equals sign and line breaks are escaped ({@code \\},
 * {@code \=}, {@code \n}, {@code \r}); keys are fixed. The summary is the Name and, last, the
 * extension's {@code msg}: a record made to fit a size limit has its summary cut, never a field.
 */
public final class CefFormat {
    public static final String VENDOR = "connwatch";
    public static final String PRODUCT = "connwatch";
    /** CEF's limit for the Name header field. */
    static final int MAX_NAME = 512;

    private CefFormat() {
    }

    /** The CEF record of one alert of a notification, sent by {@code productVersion}. */
    public static String format(Notification n, NotifiedAlert na, String productVersion) {
        return format(n, na, productVersion, Integer.MAX_VALUE);
    }

    /**
     * The CEF record with the summary (the Name header field and {@code msg}) cut to
     * {@code summaryChars} characters, to fit a size limit without losing a field.
     */
    public static String format(Notification n, NotifiedAlert na, String productVersion, int summaryChars) {
        Alert a = na.alert();
        String summary = cut(a.summary(), summaryChars);
        StringBuilder sb = new StringBuilder(512);
        sb.append("CEF:0|").append(header(VENDOR)).append('|').append(header(PRODUCT)).append('|').append(header(productVersion))
            .append('|').append(header(a.rule())).append('|').append(header(cut(summary, MAX_NAME))).append('|')
            .append(AlertFacts.severity10(a.severity())).append('|');
        boolean first = true;
        Map<String, String> extension = extension(n, na);
        extension.put("msg", summary);
        for (Map.Entry<String, String> e : extension.entrySet()) {
            sb.append(first ? "" : " ").append(e.getKey()).append('=').append(value(e.getValue()));
            first = false;
        }
        return sb.toString();
    }

    /** The extension's keys and (unescaped) values, in the order written; {@code msg} last. */
    static Map<String, String> extension(Notification n, NotifiedAlert na) {
        Alert a = na.alert();
        AlertFacts.Endpoints ends = AlertFacts.endpoints(a);
        Map<String, String> x = new LinkedHashMap<>();
        x.put("rt", millis(n.at()));
        x.put("start", millis(na.startsAt()));
        if (na.endsAt() != null) {
            x.put("end", millis(na.endsAt()));
        }
        x.put("act", na.status() == AlertStatus.RESOLVED ? "resolved" : "firing");
        x.put("externalId", a.id());
        put(x, "dvchost", a.computer());
        put(x, "deviceExternalId", a.machine());
        put(x, "src", ends.sourceIp());
        put(x, "spt", ends.sourcePort() == null ? null : ends.sourcePort().toString());
        put(x, "dst", ends.destinationIp());
        put(x, "dpt", ends.destinationPort() == null ? null : ends.destinationPort().toString());
        put(x, "proto", ends.protocol() == null ? null : ends.protocol().toUpperCase(java.util.Locale.ROOT));
        if (ends.direction() != null) {
            x.put("deviceDirection", "inbound".equals(ends.direction()) ? "0" : "1");
        }
        // the process connected out (source), or accepted or listens (destination)
        put(x, "outbound".equals(ends.direction()) ? "sproc" : "dproc", a.process());
        x.put("cs1Label", "fingerprint");
        x.put("cs1", a.fingerprint());
        String tactic = AlertFacts.tactic(a);
        if (tactic != null) {
            x.put("cs2Label", "mitreTactic");
            x.put("cs2", tactic);
        }
        String technique = AlertFacts.technique(a);
        if (technique != null) {
            x.put("cs3Label", "mitreTechnique");
            x.put("cs3", technique);
        }
        x.put("cs4Label", "groupKey");
        x.put("cs4", n.groupKey());
        x.put("cs5Label", "notificationId");
        x.put("cs5", n.id());
        x.put("cs6Label", "severity");
        x.put("cs6", a.severity().label());
        x.put("msg", a.summary());
        return x;
    }

    private static void put(Map<String, String> x, String key, String value) {
        if (value != null) {
            x.put(key, value);
        }
    }

    private static String millis(Instant t) {
        return String.valueOf(t.toEpochMilli());
    }

    private static String cut(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        int end = max > 0 && Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max;
        return s.substring(0, end);
    }

    /** A header field: backslash and pipe escaped, line breaks as spaces. */
    public static String header(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '|' -> sb.append("\\|");
                case '\r', '\n' -> sb.append(' ');
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    /** An extension value: backslash and equals sign escaped, line breaks as {@code \n} and {@code \r}. */
    public static String value(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '=' -> sb.append("\\=");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
