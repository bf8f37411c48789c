package io.connwatch.engine.rules;

import io.connwatch.engine.facts.BoundPort;
import io.connwatch.engine.facts.Connection;
import io.connwatch.engine.facts.MachineMinute;
import io.connwatch.engine.facts.ProcessMinute;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.kie.api.KieBase;
import org.kie.api.KieServices;
import org.kie.api.builder.KieBuilder;
import org.kie.api.builder.KieFileSystem;
import org.kie.api.builder.Message;
import org.kie.api.builder.ReleaseId;
import org.kie.api.builder.Results;
import org.kie.api.builder.model.KieBaseModel;
import org.kie.api.builder.model.KieModuleModel;
import org.kie.api.conf.EventProcessingOption;
import org.kie.api.definition.KiePackage;
import org.kie.api.definition.rule.Rule;
import org.kie.api.runtime.KieContainer;

/**
 * Compiles every {@code *.drl} file under a rules directory into a STREAM-mode knowledge base,
 * together with the engine's own event declarations, and reports all compile errors with their
 * file, line and column.
 */
public final class RuleCompiler {
    /** The resource path of the generated declarations, which no user file can clash with. */
    static final String DECLARATIONS = "src/main/resources/io/connwatch/generated/connwatch-events.drl";
    private static final String RESOURCE_ROOT = "src/main/resources/";
    private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)", Pattern.MULTILINE);
    private static final Pattern LINE_COLUMN = Pattern.compile("\\[?Line (\\d+):(\\d+)\\]?");
    private static final Pattern ERR_PREFIX = Pattern.compile("^\\[ERR \\d+\\]\\s*");
    private static final String GROUP = "io.connwatch.rules";
    private static final Pattern DECLARE = Pattern.compile("^\\s*declare\\s+(\\w+)", Pattern.MULTILINE);
    private static final Pattern UNRESOLVED = Pattern.compile("Unable to resolve ObjectType '(\\w+)'|(\\w+) cannot be resolved to a type");
    private static final Pattern SYNTAX = Pattern.compile("no viable alternative|mismatched input|extraneous input|missing \\S+ at|"
        + "unexpected token|Parser returned a null Package");
    /** Drools' own words for a rule name used twice, and the generated-class error that follows them. */
    private static final Pattern DUPLICATE = Pattern.compile("Duplicate rule name|The type Rule_\\w+ is already defined");
    /** Each compile chain (an engine and its reloads) has its own artifact in the KIE repository. */
    private static final AtomicLong CHAINS = new AtomicLong();

    private RuleCompiler() {
    }

    /**
     * Compiles the rules under {@code rulesDir}.
     *
     * @throws RuleCompilationException with every problem found, when any file does not compile
     *                                  or the directory holds no rule file
     */
    public static CompiledRules compile(Path rulesDir, EventRetention retention) throws RuleCompilationException {
        KieServices ks = KieServices.get();
        ReleaseId releaseId = ks.newReleaseId(GROUP, "rules-" + CHAINS.incrementAndGet(), "1");
        Built built = build(rulesDir, retention, releaseId);
        KieContainer container = ks.newKieContainer(releaseId);
        return new CompiledRules(container, container.getKieBase("connwatch"), releaseId, built.files(),
            ruleNames(container.getKieBase("connwatch")), built.retention(), rulesDir, retention);
    }

    /**
     * Compiles the rules directory again and, when it compiles, updates the running knowledge base
     * in place (KieContainer.updateToVersion): sessions keep their facts and window state, rules
     * that did not change do not fire again on old facts. The caller must make sure no session is
     * firing while this runs.
     *
     * @throws RuleCompilationException with every problem; the running rules are then untouched
     */
    static CompiledRules update(CompiledRules current) throws RuleCompilationException {
        return apply(current, prepare(current));
    }

    /** A new version of the rules, built into the KIE repository but not yet running. */
    record Prepared(ReleaseId releaseId, List<Path> files, EventRetention retention) {
    }

    /** What a build wrote: the DRL files, and the retention declared to Drools (the floor raised by the rules' {@code @retain}). */
    private record Built(List<Path> files, EventRetention retention) {
    }

    /** Builds the next version of the rules (slow: compiles everything); the running rules are untouched. */
    static Prepared prepare(CompiledRules current) throws RuleCompilationException {
        ReleaseId now = current.releaseId();
        ReleaseId next = KieServices.get().newReleaseId(now.getGroupId(), now.getArtifactId(),
            String.valueOf(Integer.parseInt(now.getVersion()) + 1));
        Built built = build(current.directory(), current.floor(), next);
        return new Prepared(next, built.files(), built.retention());
    }

    /** Switches the running knowledge base to a prepared version in place; no session may be firing. */
    static CompiledRules apply(CompiledRules current, Prepared prepared) throws RuleCompilationException {
        Results results = current.container().updateToVersion(prepared.releaseId());
        List<Message> errors = results.getMessages(Message.Level.ERROR);
        if (!errors.isEmpty()) {
            List<RuleProblem> problems = new ArrayList<>();
            for (Message m : errors) {
                problems.add(problem(m, Map.of()));
            }
            throw new RuleCompilationException(problems);
        }
        KieBase kieBase = current.container().getKieBase("connwatch");
        return new CompiledRules(current.container(), kieBase, prepared.releaseId(), prepared.files(), ruleNames(kieBase),
            prepared.retention(), current.directory(), current.floor());
    }

    /** An error caused by a declared type that a syntax error elsewhere in its package left unbuilt. */
    private static boolean isCascade(String message, java.util.Set<String> declared) {
        Matcher m = UNRESOLVED.matcher(message);
        return m.find() && declared.contains(m.group(1) != null ? m.group(1) : m.group(2));
    }

    private static List<String> ruleNames(KieBase kieBase) {
        List<String> names = new ArrayList<>();
        for (KiePackage p : kieBase.getKiePackages()) {
            for (Rule r : p.getRules()) {
                names.add(r.getName());
            }
        }
        names.sort(null);
        return names;
    }

    /** Builds the rules into a kjar with this release id in the KIE repository; returns the DRL files and the retention used. */
    private static Built build(Path rulesDir, EventRetention floor, ReleaseId releaseId) throws RuleCompilationException {
        List<Path> files = ruleFiles(rulesDir);
        if (files.isEmpty()) {
            throw new RuleCompilationException(List.of(new RuleProblem(rulesDir.toString(), 0, -1, "no .drl rule files found")));
        }
        Map<Path, DrlText> texts = new java.util.LinkedHashMap<>();
        for (Path file : files) {
            try {
                texts.put(file, new DrlText(Files.readString(file, StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new RuleCompilationException(List.of(new RuleProblem(file.toString(), 0, -1, "cannot read: " + e)));
            }
        }
        // Mistakes found by reading the text come first, each once, where the fix goes.
        List<RuleProblem> ours = new ArrayList<>();
        java.util.Set<String> unparsable = new java.util.HashSet<>();
        for (Map.Entry<Path, DrlText> e : texts.entrySet()) {
            List<RuleProblem> structure = DrlDiagnosis.structure(e.getKey(), e.getValue());
            if (!structure.isEmpty()) {
                unparsable.add(e.getKey().toString());
            }
            ours.addAll(structure);
            ours.addAll(DrlDiagnosis.literalTypes(e.getKey(), e.getValue()));
        }
        ours.addAll(DrlDiagnosis.duplicateNames(texts));
        EventRetention retention = floor.withRecordsAtLeast(DeclaredRetention.longest(DeclaredRetention.read(texts, ours)));
        KieServices ks = KieServices.get();
        KieFileSystem kfs = ks.newKieFileSystem();
        kfs.generateAndWritePomXML(releaseId);
        KieModuleModel module = ks.newKieModuleModel();
        KieBaseModel base = module.newKieBaseModel("connwatch")
            .setDefault(true)
            .setEventProcessingMode(EventProcessingOption.STREAM)
            .addPackage("*");
        base.newKieSessionModel("connwatch-session").setDefault(true);
        kfs.writeKModuleXML(module.toXML());
        kfs.write(DECLARATIONS, declarations(retention));
        RuleParameters params = ParameterInlining.parametersOrNull(rulesDir);
        Map<String, Path> byResource = new HashMap<>();
        java.util.Set<String> declared = new java.util.HashSet<>();
        for (Map.Entry<Path, DrlText> e : texts.entrySet()) {
            Path file = e.getKey();
            String text = e.getValue().text;
            Matcher d = DECLARE.matcher(text);
            while (d.find()) {
                declared.add(d.group(1));
            }
            // Drools wants a file's folder to match its package; the user's layout need not.
            Matcher pkg = PACKAGE.matcher(text);
            String folder = pkg.find() ? pkg.group(1).replace('.', '/') + "/" : "";
            String relative = folder + rulesDir.relativize(file).toString().replace('\\', '/');
            byResource.put(relative, file);
            byResource.put(RESOURCE_ROOT + relative, file);
            kfs.write(RESOURCE_ROOT + relative, params == null ? text : ParameterInlining.apply(text, params));
        }
        KieBuilder builder;
        try {
            builder = ks.newKieBuilder(kfs).buildAll();
        } catch (RuntimeException e) {
            // Drools throws instead of reporting for a few mistakes (an @expires it cannot read); ours name them first.
            List<RuleProblem> thrown = new ArrayList<>(ours);
            if (thrown.isEmpty()) {
                thrown.add(new RuleProblem(rulesDir.toString(), 0, -1, "the rules could not be compiled: " + e.getMessage()));
            }
            throw new RuleCompilationException(thrown);
        }
        List<Message> errors = builder.getResults().getMessages(Message.Level.ERROR);
        List<RuleProblem> reported = new ArrayList<>(ours);
        if (!errors.isEmpty()) {
            List<RuleProblem> problems = new ArrayList<>();
            for (Message m : errors) {
                problems.add(DrlDiagnosis.explain(problem(m, byResource)));
            }
            // A syntax error also yields "Parser returned a null Package" for its file, and makes the
            // package's declared types unresolvable in every other file: both are noise until the
            // syntax is fixed, so only syntax errors are reported while there are any.
            List<RuleProblem> useful = problems.stream()
                .filter(p -> !p.message().startsWith("Parser returned a null Package")
                    || problems.stream().noneMatch(o -> o != p && o.file().equals(p.file())))
                .toList();
            boolean syntax = useful.stream().anyMatch(p -> SYNTAX.matcher(p.message()).find()) || !unparsable.isEmpty();
            for (RuleProblem p : syntax ? useful.stream().filter(p -> !isCascade(p.message(), declared)).toList() : useful) {
                if (unparsable.contains(p.file()) && (SYNTAX.matcher(p.message()).find() || p.line() == 0)) {
                    continue; // what our reading found (a missing end, a parenthesis) is the cause, said once and better
                }
                if (DUPLICATE.matcher(p.message()).find()) {
                    continue; // duplicateNames says it once, naming both places
                }
                reported.add(p);
            }
        }
        if (!reported.isEmpty()) {
            List<RuleProblem> sorted = new ArrayList<>(reported);
            sorted.sort(java.util.Comparator.comparing(RuleProblem::file).thenComparingInt(RuleProblem::line));
            throw new RuleCompilationException(sorted);
        }
        return new Built(files, retention);
    }

    static List<Path> ruleFiles(Path rulesDir) throws RuleCompilationException {
        if (!Files.isDirectory(rulesDir)) {
            throw new RuleCompilationException(List.of(new RuleProblem(rulesDir.toString(), 0, -1, "not a directory")));
        }
        try (Stream<Path> s = Files.walk(rulesDir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".drl") && Files.isRegularFile(p)).sorted().toList();
        } catch (IOException | UncheckedIOException e) {
            throw new RuleCompilationException(List.of(new RuleProblem(rulesDir.toString(), 0, -1, "cannot list: " + e)));
        }
    }

    private static RuleProblem problem(Message m, Map<String, Path> byResource) {
        String path = m.getPath();
        Path file = path == null ? null : byResource.get(path);
        String name = file != null ? file.toString() : (path == null ? "(rules)" : path);
        String text = m.getText() == null ? "" : m.getText().trim();
        int line = m.getLine();
        int column = m.getColumn() > 0 ? m.getColumn() : -1;
        // Drools 10 puts the column in the message text ("[ERR 102] Line 5:10 ...") and reports 0.
        Matcher lc = LINE_COLUMN.matcher(text);
        if (lc.find()) {
            if (line <= 0) {
                line = Integer.parseInt(lc.group(1));
            }
            if (column < 0) {
                column = Integer.parseInt(lc.group(2));
            }
            text = (text.substring(0, lc.start()) + text.substring(lc.end())).trim();
        }
        text = ERR_PREFIX.matcher(text).replaceFirst("");
        return new RuleProblem(name, Math.max(line, 0), column, text.replaceAll("\\s+", " "));
    }

    static String declarations(EventRetention retention) {
        StringBuilder sb = new StringBuilder("package io.connwatch.generated;\n\n");
        event(sb, Connection.class.getName(), retention.records());
        event(sb, BoundPort.class.getName(), retention.records());
        event(sb, MachineMinute.class.getName(), retention.rollups());
        event(sb, ProcessMinute.class.getName(), retention.rollups());
        event(sb, io.connwatch.engine.facts.AdminMinute.class.getName(), retention.rollups());
        event(sb, io.connwatch.engine.facts.FanOutMinute.class.getName(), retention.rollups());
        event(sb, io.connwatch.engine.facts.RemoteMinute.class.getName(), retention.rollups());
        return sb.toString();
    }

    private static void event(StringBuilder sb, String type, Duration expires) {
        sb.append("declare ").append(type).append('\n')
            .append("    @role( event )\n")
            .append("    @timestamp( timestamp )\n");
        if (!expires.isZero()) {
            sb.append("    @expires( value = ").append(expires.toMillis()).append("ms, policy = TIME_HARD )\n");
        }
        sb.append("end\n\n");
    }
}
