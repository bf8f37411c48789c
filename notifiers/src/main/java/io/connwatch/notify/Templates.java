package io.connwatch.notify;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import io.connwatch.alert.Alert;
import io.connwatch.alert.Evidence;
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
 * The user-editable, logic-less (Mustache) templates of subjects and bodies. Built-in templates
 * ship in the jar; a file of the same name in the override directory replaces one. HTML templates
 * escape values; text templates do not.
 *
 * <p>Names: {@code email-subject}, {@code email-text}, {@code email-html}, {@code slack-text}.
 * Values: id, rule, severity, SEVERITY, colour, summary, computer, machine, process, host
 * (computer or machine), evidenceTime, detectedAt, fingerprint, labels (key, value), evidence
 * (kind, time, fields (key, value)).
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

    /** Renders a template for an alert. */
    public String render(String name, Alert alert) {
        StringWriter out = new StringWriter();
        mustache(name).execute(out, context(alert));
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

    /** The values templates see. */
    public static Map<String, Object> context(Alert a) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("id", a.id());
        c.put("rule", a.rule());
        c.put("severity", a.severity().label());
        c.put("SEVERITY", a.severity().label().toUpperCase(Locale.ROOT));
        c.put("colour", switch (a.severity()) {
            case CRITICAL -> "#b00020";
            case HIGH -> "#e65100";
            case MEDIUM -> "#b58900";
            case LOW -> "#1565c0";
            case INFO -> "#555555";
        });
        c.put("summary", a.summary());
        c.put("computer", a.computer());
        c.put("machine", a.machine());
        c.put("process", a.process());
        c.put("host", a.computer() != null ? a.computer() : a.machine());
        c.put("evidenceTime", a.evidenceTime().toString());
        c.put("detectedAt", a.detectedAt().toString());
        c.put("fingerprint", a.fingerprint());
        List<Map<String, Object>> labels = new ArrayList<>();
        a.labels().forEach((k, v) -> labels.add(Map.of("key", k, "value", v)));
        c.put("labels", labels);
        List<Map<String, Object>> evidence = new ArrayList<>();
        for (Evidence e : a.evidence()) {
            List<Map<String, Object>> fields = new ArrayList<>();
            e.fields().forEach((k, v) -> fields.add(Map.of("key", k, "value", String.valueOf(v))));
            Map<String, Object> m = new HashMap<>();
            m.put("kind", e.kind());
            m.put("time", e.time() == null ? "" : e.time().toString());
            m.put("fields", fields);
            evidence.add(m);
        }
        c.put("evidence", evidence);
        return c;
    }
}
