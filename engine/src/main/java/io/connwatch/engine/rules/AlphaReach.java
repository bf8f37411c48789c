package io.connwatch.engine.rules;

import org.drools.base.rule.constraint.AlphaNodeFieldConstraint;
import org.drools.core.WorkingMemoryEntryPoint;
import org.drools.core.common.DefaultFactHandle;
import org.drools.core.reteoo.AlphaNode;
import org.drools.core.reteoo.ObjectSink;
import org.drools.core.reteoo.ObjectTypeConf;
import org.drools.core.reteoo.ObjectTypeNode;
import org.kie.api.runtime.KieSession;

/**
 * Tells, without inserting it, whether a fact would get past the single-fact (alpha) conditions of
 * any pattern of a session's rules: it walks the session's network from the fact's object type
 * nodes down the alpha nodes whose constraints the fact passes, as Drools' own propagation would,
 * and answers yes at the first node that is not an alpha node (a join's input, a rule's left input,
 * a one-pattern rule's terminal, a window) or at a constraint that throws (the real insert then
 * reports it, once, through {@link ConditionGuard}).
 *
 * <p>A fact for which this says no reaches no join, accumulate, {@code not}, {@code exists}, rule
 * or query: inserting it would cost an insert, its propagation and its delete, and change nothing.
 * A fact that passes is evaluated again by its insert, so a condition with side effects (or one
 * reading a clock or random numbers) would see it twice; Drools gives no such condition a promise
 * of how often it runs either.
 * The rows and the minute rollups are most of what a partition inserts and most of them are
 * ordinary traffic that no pattern passes, so the partition skips those (see
 * {@link RulePartition#process}). Not thread-safe: one per partition, used on its thread.
 */
final class AlphaReach {
    /** False only in tests that compare the engine with one that inserts every fact. */
    static volatile boolean enabled = true;

    private KieSession session;
    private WorkingMemoryEntryPoint entryPoint;

    /** Whether {@code fact}, inserted into {@code s}'s default entry point, would pass any pattern's alpha conditions. */
    boolean reaches(KieSession s, Object fact) {
        if (!enabled) {
            return true;
        }
        if (s != session) {
            entryPoint = (WorkingMemoryEntryPoint) s.getEntryPoint("DEFAULT");
            session = s;
        }
        if (entryPoint == null) {
            return true;
        }
        ObjectTypeConf conf = entryPoint.getObjectTypeConfigurationRegistry().getOrCreateObjectTypeConf(entryPoint.getEntryPoint(), fact);
        // a handle of its own, never cleared: Drools' MVEL constraints hand the handle they are
        // evaluated with to a background thread that compiles them (ConditionJitter)
        DefaultFactHandle probe = new DefaultFactHandle(0, fact);
        for (ObjectTypeNode otn : conf.getObjectTypeNodes()) {
            if (reaches(otn.getObjectSinkPropagator().getSinks(), probe)) {
                return true;
            }
        }
        return false;
    }

    private boolean reaches(ObjectSink[] sinks, DefaultFactHandle probe) {
        if (sinks == null) {
            return false;
        }
        for (ObjectSink sink : sinks) {
            if (!(sink instanceof AlphaNode alpha)) {
                return true;
            }
            boolean allowed;
            try {
                AlphaNodeFieldConstraint c = ConditionGuard.unguarded(alpha.getConstraint());
                allowed = c.isAllowed(probe, entryPoint.getReteEvaluator());
            } catch (RuntimeException e) {
                return true;
            }
            if (allowed && reaches(alpha.getObjectSinkPropagator().getSinks(), probe)) {
                return true;
            }
        }
        return false;
    }
}
