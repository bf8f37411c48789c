package io.connwatch.engine.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.connwatch.engine.facts.Connection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The countries each machine group may connect out to, from {@code countries.yaml} in the rules
 * directory. Bound to the DRL global {@code countries}. A machine belongs to the first group whose
 * {@code machines} globs match its Computer or Machine; machines in no group are not checked.
 */
public final class CountryPolicy {
    public static final String FILE_NAME = "countries.yaml";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** One machine group. */
    public record Group(String name, List<Pattern> machines, Set<String> countries) {
    }

    private final List<Group> groups;
    /** A machine's group, found once: rules ask for every outbound row. */
    private final Map<String, java.util.Optional<Group>> byMachine = new java.util.concurrent.ConcurrentHashMap<>();

    private CountryPolicy(List<Group> groups) {
        this.groups = List.copyOf(groups);
    }

    public static CountryPolicy empty() {
        return new CountryPolicy(List.of());
    }

    /** The group of the connection's machine, or null. */
    public Group group(Connection c) {
        return byMachine.computeIfAbsent(c.getMachine(), m -> java.util.Optional.ofNullable(find(c))).orElse(null);
    }

    private Group find(Connection c) {
        for (Group g : groups) {
            for (Pattern p : g.machines()) {
                if ((c.getComputer() != null && p.matcher(c.getComputer().toLowerCase(Locale.ROOT)).matches())
                    || p.matcher(c.getMachine().toLowerCase(Locale.ROOT)).matches()) {
                    return g;
                }
            }
        }
        return null;
    }

    /** True when the machine is in a group and the remote country is not among the group's. */
    public boolean unusual(Connection c) {
        Group g = group(c);
        return g != null && c.getRemoteCountry() != null && !g.countries().contains(c.getRemoteCountry());
    }

    public List<Group> groups() {
        return groups;
    }

    public static CountryPolicy load(Path rulesDir) throws RuleCompilationException {
        Path file = rulesDir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            return empty();
        }
        JsonNode root;
        try {
            root = YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new RuleCompilationException(List.of(new RuleProblem(file.toString(), 0, -1, "cannot read YAML: " + e.getMessage())));
        }
        List<RuleProblem> problems = new ArrayList<>();
        List<Group> groups = new ArrayList<>();
        JsonNode list = root == null ? null : root.get("groups");
        if (list == null || !list.isArray()) {
            problems.add(new RuleProblem(file.toString(), 0, -1, "expected a list under 'groups:'"));
        } else {
            for (int i = 0; i < list.size(); i++) {
                JsonNode g = list.get(i);
                String name = g.path("name").asText("groups[" + i + "]");
                List<Pattern> machines = new ArrayList<>();
                g.path("machines").forEach(m -> machines.add(BindAllowlist.glob(m.asText())));
                Set<String> countries = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
                g.path("countries").forEach(c -> countries.add(c.asText()));
                if (machines.isEmpty() || countries.isEmpty()) {
                    problems.add(new RuleProblem(file.toString(), 0, -1, "group " + name + ": needs machines and countries"));
                    continue;
                }
                groups.add(new Group(name, machines, countries));
            }
        }
        if (!problems.isEmpty()) {
            throw new RuleCompilationException(problems);
        }
        return new CountryPolicy(groups);
    }
}
