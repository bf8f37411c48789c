package io.connwatch.notify;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import io.connwatch.alert.Alert;
import io.connwatch.alert.Evidence;
import io.connwatch.alert.Notification;
import io.connwatch.alert.Notification.AlertStatus;
import io.connwatch.alert.Notification.NotifiedAlert;
import io.connwatch.alert.Severity;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The user-editable, logic-less (Mustache) templates of subjects and bodies, rendered for one
 * notification (one alert group). Built-in templates ship in the jar; a file of the same name in
 * the override directory replaces one. HTML templates escape values; text templates do not.
 *
 * <p>Names: {@code email-subject}, {@code email-text}, {@code email-html}, {@code slack-text}.
 * Values of the notification: notificationId, receiver, groupKey, status (firing, resolved),
 * STATUS, isResolved, headline ({@code FIRING 3 (2 new) · 1 resolved}), group (its labels as
 * {@code key=value, ...}, or {@code <rule> on <host>} for one ungrouped alert), groupLabels and
 * commonLabels (key, value), severity, SEVERITY and colour (of the worst firing alert), counts
 * (firing, resolved, newFiring, newResolved, truncated, silenced, inhibited, muted), heldBack
 * ({@code 3 silenced, 1 inhibited}, or none), acknowledged (who, when, until, why; or none), ack
 * (by, comment, at, until), ackUrl, repeat, at, alerts, firing, resolved (lists of alerts),
 * hasFiring, hasResolved, more (alerts the channel left out, or none).
 * Values of each alert: id, status, STATUS, isResolved, isNew, markedNew (new while others of the
 * group are not: worth saying), rule, severity, SEVERITY, colour,
 * summary, computer, machine, process, host (computer or machine), startsAt, endsAt,
 * evidenceTime, detectedAt, occurrences, fingerprint, labels (key, value), silencedBy,
 * inhibitedBy, evidence (kind, title, text, time, facts (label, value), fields (key, value)).
 * Times read {@code 2026-01-05 14:03:00 UTC}. For templates written for a single alert, the
 * first alert's values are also at the top level (its id as {@code id}).
 */
public final class Templates {
    public static final List<String> NAMES = List.of("email-subject", "email-text", "email-html", "slack-text");

    private final Path overrides;
    private final Map<String, Mustache> compiled = new HashMap<>();
    private final DefaultMustacheFactory html = new DefaultMustacheFactory();
    private final DefaultMustacheFactory text = new DefaultMustacheFactory() {
        @Override
        public void encode(String value, Writer writer) {
            try {
                writer.write(value);
            } catch (IOException e) {
                throw new MustacheException(e);
            }
        }
    };

    /** @param overrides a directory whose {@code NAME.mustache} files replace the built-in ones, or null */
    public Templates(Path overrides) {
        this.overrides = overrides;
    }

    /** Checks every template compiles; returns the problems, each naming the file. */
    public List<String> check() {
        List<String> problems = new ArrayList<>();
        for (String n : NAMES) {
            try {
                mustache(n);
            } catch (RuntimeException e) {
                problems.add(source(n) + ": " + e.getMessage());
            }
        }
        return problems;
    }

    /** Renders a template for a notification, with all its alerts and every value whole. */
    public String render(String name, Notification n) {
        return render(name, context(n, n.alerts().size(), Integer.MAX_VALUE));
    }

    /** Renders a template for values made by {@link #context(Notification, int, int)}. */
    public String render(String name, Map<String, Object> context) {
        StringWriter out = new StringWriter();
        mustache(name).execute(out, context);
        return out.toString();
    }

    private synchronized Mustache mustache(String name) {
        Mustache m = compiled.get(name);
        if (m == null) {
            DefaultMustacheFactory f = name.endsWith("-html") ? html : text;
            try (Reader r = new StringReader(load(name))) {
                m = f.compile(r, name);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            compiled.put(name, m);
        }
        return m;
    }

    private String source(String name) {
        Path p = overrides == null ? null : overrides.resolve(name + ".mustache");
        return p != null && Files.exists(p) ? p.toString() : "built-in " + name + ".mustache";
    }

    private String load(String name) throws IOException {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("no template named " + name + " (expected one of " + NAMES + ")");
        }
        if (overrides != null) {
            Path p = overrides.resolve(name + ".mustache");
            if (Files.exists(p)) {
                return Files.readString(p, StandardCharsets.UTF_8);
            }
        }
        try (var in = Templates.class.getResourceAsStream("templates/" + name + ".mustache")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The colour of a severity, as the HTML mail shows it. */
    public static String colour(Severity s) {
        return switch (s) {
            case CRITICAL -> "#b00020";
            case HIGH -> "#e65100";
            case MEDIUM -> "#b58900";
            case LOW -> "#1565c0";
            case INFO -> "#555555";
        };
    }

    /** The colour of a resolved group or alert. */
    public static final String RESOLVED_COLOUR = "#2e7d32";

    /**
     * The values templates see for a notification, listing its first {@code listed} alerts (the
     * others counted in {@code more}) with every text value from a host cut to {@code maxValue}
     * characters (a channel with a size limit should not render megabytes to cut them).
     */
    public static Map<String, Object> context(Notification n, int listed, int maxValue) {
        List<NotifiedAlert> shown = n.alerts().subList(0, Math.max(0, Math.min(listed, n.alerts().size())));
        List<Map<String, Object>> alerts = new ArrayList<>(shown.size());
        List<Map<String, Object>> firing = new ArrayList<>();
        List<Map<String, Object>> resolved = new ArrayList<>();
        boolean marksNew = MessageText.marksNew(n);
        for (NotifiedAlert a : shown) {
            Map<String, Object> m = context(a, marksNew, maxValue);
            alerts.add(m);
            (a.status() == AlertStatus.RESOLVED ? resolved : firing).add(m);
        }
        Map<String, Object> c = new LinkedHashMap<>();
        if (!alerts.isEmpty()) {
            c.putAll(alerts.get(0)); // for templates written for one alert
        }
        boolean isResolved = n.status() == AlertStatus.RESOLVED;
        Severity worst = n.worstSeverity();
        c.put("notificationId", n.id());
        c.put("receiver", n.receiver());
        c.put("groupKey", cut(n.groupKey(), maxValue));
        c.put("status", n.status().label());
        c.put("STATUS", n.status().label().toUpperCase(Locale.ROOT));
        c.put("isResolved", isResolved);
        c.put("headline", MessageText.headline(n));
        c.put("group", blankToNull(cut(MessageText.group(n), maxValue)));
        c.put("groupLabels", pairs(n.groupLabels(), maxValue));
        c.put("commonLabels", pairs(n.commonLabels(), maxValue));
        c.put("severity", worst.label());
        c.put("SEVERITY", worst.label().toUpperCase(Locale.ROOT));
        c.put("colour", isResolved ? RESOLVED_COLOUR : colour(worst));
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("firing", n.counts().firing());
        counts.put("resolved", n.counts().resolved());
        counts.put("newFiring", n.counts().newFiring());
        counts.put("newResolved", n.counts().newResolved());
        counts.put("truncated", n.counts().truncated());
        counts.put("silenced", n.counts().silenced());
        counts.put("inhibited", n.counts().inhibited());
        counts.put("muted", n.counts().muted());
        c.put("counts", counts);
        c.put("heldBack", blankToNull(MessageText.heldBack(n.counts())));
        c.put("acknowledged", blankToNull(cut(MessageText.acknowledged(n), maxValue)));
        if (n.ack() == null) {
            c.put("ack", null);
        } else {
            Map<String, Object> ack = new LinkedHashMap<>();
            ack.put("by", cut(n.ack().by(), maxValue));
            ack.put("comment", blankToNull(cut(n.ack().comment(), maxValue)));
            ack.put("at", MessageText.time(n.ack().at()));
            ack.put("until", n.ack().until() == null ? null : MessageText.time(n.ack().until()));
            c.put("ack", ack);
        }
        c.put("ackUrl", n.ackUrl());
        c.put("repeat", n.repeat());
        c.put("at", MessageText.time(n.at()));
        c.put("alerts", alerts);
        c.put("firing", firing);
        c.put("resolved", resolved);
        c.put("hasFiring", !firing.isEmpty());
        c.put("hasResolved", !resolved.isEmpty());
        int more = n.alerts().size() - shown.size();
        c.put("more", more > 0 ? more : null);
        return c;
    }

    /** The values of one alert; every key is present (null when it has no value), so none falls through to the notification's. */
    static Map<String, Object> context(NotifiedAlert na, boolean marksNew, int maxValue) {
        Alert a = na.alert();
        boolean resolved = na.status() == AlertStatus.RESOLVED;
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("id", a.id());
        c.put("status", na.status().label());
        c.put("STATUS", na.status().label().toUpperCase(Locale.ROOT));
        c.put("isResolved", resolved);
        c.put("isNew", na.isNew());
        c.put("markedNew", marksNew && na.isNew() && !resolved);
        c.put("rule", a.rule());
        c.put("severity", a.severity().label());
        c.put("SEVERITY", a.severity().label().toUpperCase(Locale.ROOT));
        c.put("colour", resolved ? RESOLVED_COLOUR : colour(a.severity()));
        c.put("summary", cut(a.summary(), maxValue));
        c.put("computer", cut(a.computer(), maxValue));
        c.put("machine", cut(a.machine(), maxValue));
        c.put("process", cut(a.process(), maxValue));
        c.put("host", blankToNull(cut(MessageText.host(a), maxValue)));
        c.put("startsAt", MessageText.time(na.startsAt()));
        c.put("endsAt", na.endsAt() == null ? null : MessageText.time(na.endsAt()));
        c.put("evidenceTime", MessageText.time(a.evidenceTime()));
        c.put("detectedAt", MessageText.time(a.detectedAt()));
        c.put("occurrences", na.occurrences());
        c.put("fingerprint", a.fingerprint());
        c.put("labels", pairs(a.labels(), maxValue));
        c.put("silencedBy", na.silencedBy().isEmpty() ? null : String.join(", ", na.silencedBy()));
        c.put("inhibitedBy", na.inhibitedBy().isEmpty() ? null : String.join(", ", na.inhibitedBy()));
        List<Map<String, Object>> evidence = new ArrayList<>();
        for (Evidence e : a.evidence()) {
            List<Map<String, Object>> facts = new ArrayList<>();
            for (EvidenceText.Fact f : EvidenceText.facts(e, maxValue)) {
                facts.add(Map.of("label", f.label(), "value", f.value()));
            }
            List<Map<String, Object>> fields = new ArrayList<>();
            e.fields().forEach((k, v) -> fields.add(Map.of("key", k, "value", cut(String.valueOf(v), maxValue))));
            Map<String, Object> m = new HashMap<>();
            m.put("kind", e.kind());
            m.put("title", EvidenceText.title(e));
            m.put("text", EvidenceText.sentence(e, maxValue));
            m.put("time", MessageText.time(e.time()));
            m.put("facts", facts);
            m.put("fields", fields);
            evidence.add(m);
        }
        c.put("evidence", evidence);
        return c;
    }

    private static List<Map<String, Object>> pairs(Map<String, String> m, int maxValue) {
        List<Map<String, Object>> out = new ArrayList<>(m.size());
        m.forEach((k, v) -> out.add(Map.of("key", k, "value", cut(v, maxValue))));
        return out;
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, Math.max(0, max - 1)) + "\u2026";
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
