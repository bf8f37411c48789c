package io.connwatch.engine.rules;

import java.nio.file.Path;
import java.util.List;
import org.kie.api.KieBase;
import org.kie.api.KieServices;
import org.kie.api.runtime.KieSession;
import org.kie.api.runtime.KieContainer;
import org.kie.api.builder.ReleaseId;
import org.kie.api.runtime.KieSessionConfiguration;
import org.kie.api.runtime.conf.ClockTypeOption;

/**
 * A compiled, immutable set of rules in STREAM mode, from which partitions open sessions.
 *
 * @param kieBase   the compiled knowledge base
 * @param files     the DRL files it was built from
 * @param ruleNames the names of every rule, sorted
 * @param retention how long facts are kept, as declared to Drools: the configured retention, with rows
 *                  kept as long as the longest {@code @retain} of the rules
 * @param floor     the configured retention ({@code rules.retention}), which a reload starts from
 * @param container the container the knowledge base lives in (reloads update it in place)
 * @param releaseId the version of the rules now loaded
 * @param directory the rules directory
 */
public record CompiledRules(KieContainer container, KieBase kieBase, ReleaseId releaseId, List<Path> files, List<String> ruleNames,
                            EventRetention retention, Path directory, EventRetention floor) {
    /** Rules whose retention is the configured one (no rule declared more). */
    public CompiledRules(KieContainer container, KieBase kieBase, ReleaseId releaseId, List<Path> files, List<String> ruleNames,
                         EventRetention retention, Path directory) {
        this(container, kieBase, releaseId, files, ruleNames, retention, directory, retention);
    }

    public CompiledRules {
        files = List.copyOf(files);
        ruleNames = List.copyOf(ruleNames);
    }

    /** A new session on a pseudo clock, which the engine drives from event time. */
    public KieSession newSession() {
        return newSession(kieBase);
    }

    /** A new session of {@code kieBase} on a pseudo clock. */
    static KieSession newSession(KieBase kieBase) {
        KieSessionConfiguration conf = KieServices.get().newKieSessionConfiguration();
        conf.setOption(ClockTypeOption.PSEUDO);
        return kieBase.newKieSession(conf, null);
    }
}
