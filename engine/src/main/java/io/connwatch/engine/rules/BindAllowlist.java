package io.connwatch.engine.rules;

import io.connwatch.config.Glob;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.connwatch.engine.facts.BoundPort;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Services expected to listen on every interface, from {@code wildcard-allowlist.yaml} in the
 * rules directory. Bound to the DRL global {@code bindAllowlist}. An entry covers a bound port
 * when every field it gives matches: {@code process} (a glob on ProcessName, any case),
 * {@code port} (a number, a list, or a range {@code 8000-8099}) and {@code machine} (a glob on
 * Computer or Machine).
 */
public final class BindAllowlist {
    public static final String FILE_NAME = "wildcard-allowlist.yaml";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** One allowlist line. */
    public record Entry(Pattern process, List<int[]> ports, Pattern machine, String text) {
        boolean covers(BoundPort b) {
            if (process != null && (b.getProcessName() == null || !process.matcher(b.getProcessName().toLowerCase(Locale.ROOT)).matches())) {
                return false;
            }
            if (ports != null) {
                boolean hit = false;
                for (int[] r : ports) {
                    if (b.getPort() >= r[0] && b.getPort() <= r[1]) {
                        hit = true;
                        break;
                    }
                }
                if (!hit) {
                    return false;
                }
            }
            if (machine != null) {
                boolean computer = b.getComputer() != null && machine.matcher(b.getComputer().toLowerCase(Locale.ROOT)).matches();
                boolean id = machine.matcher(b.getMachine().toLowerCase(Locale.ROOT)).matches();
                return computer || id;
            }
            return true;
        }
    }

    private final List<Entry> entries;

    private BindAllowlist(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    public static BindAllowlist empty() {
        return new BindAllowlist(List.of());
    }

    /** True when some entry expects this port to be open on every interface. */
    public boolean covers(BoundPort b) {
        for (Entry e : entries) {
            if (e.covers(b)) {
                return true;
            }
        }
        return false;
    }

    public List<Entry> entries() {
        return entries;
    }

    /** Reads the allowlist from the rules directory; an absent file allows nothing. */
    public static BindAllowlist load(Path rulesDir) throws RuleCompilationException {
        Path file = rulesDir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            return empty();
        }
        String name = file.toString();
        JsonNode root;
        try {
            root = YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new RuleCompilationException(List.of(new RuleProblem(name, 0, -1, "cannot read YAML: " + e.getMessage())));
        }
        List<RuleProblem> problems = new ArrayList<>();
        List<Entry> entries = new ArrayList<>();
        JsonNode allow = root == null ? null : root.get("allow");
        if (root != null && !root.isNull() && !root.isMissingNode() && (allow == null || !allow.isArray())) {
            problems.add(new RuleProblem(name, 0, -1, "expected a list under 'allow:'"));
        } else if (allow != null) {
            for (int i = 0; i < allow.size(); i++) {
                JsonNode e = allow.get(i);
                String where = "allow[" + i + "]";
                if (!e.isObject()) {
                    problems.add(new RuleProblem(name, 0, -1, where + ": expected process/port/machine fields"));
                    continue;
                }
                for (var it = e.fieldNames(); it.hasNext(); ) {
                    String field = it.next();
                    if (!field.equals("process") && !field.equals("port") && !field.equals("machine") && !field.equals("reason")) {
                        problems.add(new RuleProblem(name, 0, -1, where + "." + field + ": unknown field (expected process, port, machine, reason)"));
                    }
                }
                Pattern process = e.hasNonNull("process") ? glob(e.get("process").asText()) : null;
                Pattern machine = e.hasNonNull("machine") ? glob(e.get("machine").asText()) : null;
                List<int[]> ports = null;
                if (e.hasNonNull("port")) {
                    try {
                        ports = ports(e.get("port"));
                    } catch (IllegalArgumentException ex) {
                        problems.add(new RuleProblem(name, 0, -1, where + ".port: " + ex.getMessage()));
                        continue;
                    }
                }
                if (process == null && ports == null) {
                    problems.add(new RuleProblem(name, 0, -1, where + ": needs at least a process or a port"));
                    continue;
                }
                entries.add(new Entry(process, ports, machine, e.toString()));
            }
        }
        if (!problems.isEmpty()) {
            throw new RuleCompilationException(problems);
        }
        return new BindAllowlist(entries);
    }

    private static List<int[]> ports(JsonNode node) {
        List<int[]> out = new ArrayList<>();
        if (node.isArray()) {
            for (JsonNode n : node) {
                out.add(range(n.asText()));
            }
        } else {
            out.add(range(node.asText()));
        }
        return out;
    }

    private static int[] range(String text) {
        String t = text.trim();
        int dash = t.indexOf('-');
        try {
            int lo = Integer.parseInt(dash < 0 ? t : t.substring(0, dash).trim());
            int hi = dash < 0 ? lo : Integer.parseInt(t.substring(dash + 1).trim());
            if (lo < 0 || hi > 65535 || lo > hi) {
                throw new IllegalArgumentException("'" + text + "' is not a port or range within 0..65535");
            }
            return new int[] {lo, hi};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a port number or a range like 8000-8099");
        }
    }

    /** A glob ({@code *}, {@code ?}), any case: the same matching routes use. */
    static Pattern glob(String glob) {
        return Glob.compile(glob);
    }
}
