package io.connwatch.engine.rules;

import java.lang.reflect.Field;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.drools.base.RuleBase;
import org.drools.base.base.ObjectType;
import org.drools.base.base.ValueResolver;
import org.drools.base.reteoo.BaseTuple;
import org.drools.base.rule.Declaration;
import org.drools.base.rule.EvalCondition;
import org.drools.base.rule.IndexableConstraint;
import org.drools.base.rule.Pattern;
import org.drools.base.rule.accessor.EvalExpression;
import org.drools.base.rule.constraint.AlphaNodeFieldConstraint;
import org.drools.base.rule.constraint.BetaConstraint;
import org.drools.base.rule.constraint.Constraint;
import org.drools.core.common.BaseNode;
import org.drools.core.common.BetaConstraints;
import org.drools.core.common.DefaultBetaConstraints;
import org.drools.core.common.MultipleBetaConstraint;
import org.drools.core.common.SingleBetaConstraints;
import org.drools.core.impl.InternalRuleBase;
import org.drools.core.reteoo.AlphaNode;
import org.drools.core.reteoo.BetaNode;
import org.drools.core.reteoo.EvalConditionNode;
import org.drools.core.reteoo.ObjectTypeNode;
import org.drools.util.bitmask.BitMask;
import org.kie.api.KieBase;
import org.kie.api.definition.rule.Rule;
import org.kie.api.runtime.rule.FactHandle;

/**
 * Makes a condition that throws at run time fail alone: every alpha constraint, non-indexed join
 * constraint and {@code eval} of a knowledge base is wrapped so that an exception counts as "no
 * match" for that rule and is reported to the partition running on the current thread, instead of
 * escaping into Drools, where it drops the rest of the pending inserts (every other rule then sees
 * none of the batch) or leaves half-evaluated tuples behind (later NullPointerExceptions).
 *
 * <p>Drools offers no hook for this (only consequences have an exception handler), so the guard
 * reaches into the built network; it is applied after every compile and reload, while no session
 * of the knowledge base fires, and skips what is already guarded.
 */
final class ConditionGuard {
    /** A condition that threw: the rules of its node, the constraint's text when known, whether an eval, and the exception. */
    record Failure(Rule[] rules, String expression, boolean eval, RuntimeException error) {
    }

    private static final ThreadLocal<Consumer<Failure>> REPORTER = new ThreadLocal<>();
    private static final Field ALPHA = field(AlphaNode.class, "constraint");
    private static final Field SINGLE = field(SingleBetaConstraints.class, "constraint");
    private static final Field SINGLE_INDEXED = field(SingleBetaConstraints.class, "indexed");
    private static final Field MULTIPLE = field(MultipleBetaConstraint.class, "constraints");
    private static final Field MULTIPLE_INDEXED = field(MultipleBetaConstraint.class, "indexed");
    private static final Field DEFAULT = field(DefaultBetaConstraints.class, "constraints");
    private static final Field DEFAULT_INDEXED = field(DefaultBetaConstraints.class, "indexed");

    private ConditionGuard() {
    }

    private static Field field(Class<?> type, String name) {
        try {
            Field f = type.getDeclaredField(name);
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ExceptionInInitializerError("this Drools version has no " + type.getSimpleName() + "." + name + ": " + e);
        }
    }

    /** Sends the failures of conditions evaluated on this thread to {@code reporter} (a partition's own thread). */
    static void reportOnThisThread(Consumer<Failure> reporter) {
        REPORTER.set(reporter);
    }

    private static void report(Rule[] rules, Object constraint, RuntimeException e) {
        Consumer<Failure> r = REPORTER.get();
        if (r != null) {
            r.accept(new Failure(rules, expression(constraint), constraint == null, e));
        }
    }

    private static String expression(Object constraint) {
        if (constraint == null) {
            return null;
        }
        try {
            Object text = constraint.getClass().getMethod("getExpression").invoke(constraint);
            return text == null ? null : text.toString();
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** Guards every condition of the knowledge base not guarded yet; no session of it may be firing. */
    static void guard(KieBase kieBase) {
        synchronized (kieBase) {
            Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
            Deque<Object> todo = new ArrayDeque<>();
            for (ObjectTypeNode otn : ((InternalRuleBase) kieBase).getRete().getObjectTypeNodes()) {
                todo.push(otn);
            }
            try {
                while (!todo.isEmpty()) {
                    Object node = todo.pop();
                    if (!seen.add(node)) {
                        continue;
                    }
                    if (node instanceof AlphaNode a) {
                        guardAlpha(a);
                    } else if (node instanceof BetaNode b) {
                        guardBeta(b);
                    } else if (node instanceof EvalConditionNode e) {
                        guardEval(e);
                    }
                    if (node instanceof BaseNode n && n.getSinks() != null) {
                        for (Object sink : n.getSinks()) {
                            if (sink != null) {
                                todo.push(sink);
                            }
                        }
                    }
                }
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("cannot guard the rule conditions: " + e, e);
            }
        }
    }

    private static void guardAlpha(AlphaNode node) throws IllegalAccessException {
        AlphaNodeFieldConstraint c = (AlphaNodeFieldConstraint) ALPHA.get(node);
        if (!(c instanceof GuardedAlpha)) {
            ALPHA.set(node, GuardedAlpha.of(c, node));
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void guardBeta(BetaNode node) throws IllegalAccessException {
        BetaConstraints<?> all = node.getRawConstraints();
        // Indexed constraints are read through their index (and cast to it): left as they are.
        if (all instanceof SingleBetaConstraints s) {
            BetaConstraint c = (BetaConstraint) SINGLE.get(s);
            if (!(boolean) SINGLE_INDEXED.get(s) && c != null && !(c instanceof GuardedBeta)) {
                SINGLE.set(s, new GuardedBeta(c, node));
            }
        } else if (all instanceof MultipleBetaConstraint m) {
            BetaConstraint[] cs = (BetaConstraint[]) MULTIPLE.get(m);
            boolean[] indexed = (boolean[]) MULTIPLE_INDEXED.get(m);
            for (int i = 0; i < cs.length; i++) {
                if ((indexed == null || i >= indexed.length || !indexed[i]) && !(cs[i] instanceof GuardedBeta)) {
                    cs[i] = new GuardedBeta(cs[i], node);
                }
            }
        } else if (all instanceof DefaultBetaConstraints d) {
            BetaConstraint[] cs = (BetaConstraint[]) DEFAULT.get(d);
            int indexed = (int) DEFAULT_INDEXED.get(d);
            for (int i = indexed; i < cs.length; i++) {
                if (!(cs[i] instanceof GuardedBeta)) {
                    cs[i] = new GuardedBeta(cs[i], node);
                }
            }
        }
    }

    private static void guardEval(EvalConditionNode node) {
        EvalCondition condition = node.getCondition();
        EvalExpression e = condition.getEvalExpression();
        if (e != null && !(e instanceof GuardedEval)) {
            condition.setEvalExpression(new GuardedEval(e, node));
        }
    }

    /** An alpha constraint (one fact's fields) that answers false instead of throwing. */
    private static class GuardedAlpha implements AlphaNodeFieldConstraint {
        final AlphaNodeFieldConstraint delegate;
        final BaseNode node;

        /** Keeps an indexable constraint indexable: the node's parent hashes and finds its sinks by it. */
        static GuardedAlpha of(AlphaNodeFieldConstraint c, BaseNode node) {
            return c instanceof IndexableConstraint ? new GuardedIndexable(c, node) : new GuardedAlpha(c, node);
        }

        GuardedAlpha(AlphaNodeFieldConstraint delegate, BaseNode node) {
            this.delegate = delegate;
            this.node = node;
        }

        @Override
        public boolean isAllowed(FactHandle handle, ValueResolver resolver) {
            try {
                return delegate.isAllowed(handle, resolver);
            } catch (RuntimeException e) {
                report(node.getAssociatedRules(), delegate, e);
                return false;
            }
        }

        @Override
        public AlphaNodeFieldConstraint cloneIfInUse() {
            AlphaNodeFieldConstraint c = delegate.cloneIfInUse();
            return c == delegate ? this : of(c, node);
        }

        @Override
        public Declaration[] getRequiredDeclarations() {
            return delegate.getRequiredDeclarations();
        }

        @Override
        public void replaceDeclaration(Declaration oldDecl, Declaration newDecl) {
            delegate.replaceDeclaration(oldDecl, newDecl);
        }

        @Override
        public Constraint clone() {
            return of((AlphaNodeFieldConstraint) delegate.clone(), node);
        }

        @Override
        public ConstraintType getType() {
            return delegate.getType();
        }

        @Override
        public boolean isTemporal() {
            return delegate.isTemporal();
        }

        @Override
        public BitMask getListenedPropertyMask(Optional<Pattern> pattern, ObjectType type, java.util.List<String> settable) {
            return delegate.getListenedPropertyMask(pattern, type, settable);
        }

        @Override
        public boolean equals(Object other, RuleBase ruleBase) {
            return delegate.equals(other instanceof GuardedAlpha g ? g.delegate : other, ruleBase);
        }

        @Override
        public java.util.Collection<String> getPackageNames() {
            return delegate.getPackageNames();
        }

        @Override
        public void addPackageNames(java.util.Collection<String> names) {
            delegate.addPackageNames(names);
        }

        @Override
        public boolean equals(Object o) {
            return o == this || delegate.equals(o instanceof GuardedAlpha g ? g.delegate : o);
        }

        @Override
        public int hashCode() {
            return delegate.hashCode();
        }

        @Override
        public String toString() {
            return delegate.toString();
        }

        @Override
        public void writeExternal(java.io.ObjectOutput out) throws java.io.IOException {
            delegate.writeExternal(out);
        }

        @Override
        public void readExternal(java.io.ObjectInput in) throws java.io.IOException, ClassNotFoundException {
            delegate.readExternal(in);
        }
    }

    /** A guarded alpha constraint the node's parent may hash on, like the constraint it wraps. */
    private static final class GuardedIndexable extends GuardedAlpha implements IndexableConstraint {
        GuardedIndexable(AlphaNodeFieldConstraint delegate, BaseNode node) {
            super(delegate, node);
        }

        private IndexableConstraint indexable() {
            return (IndexableConstraint) delegate;
        }

        @Override
        public boolean isUnification() {
            return indexable().isUnification();
        }

        @Override
        public boolean isIndexable(int nodeType, org.kie.api.KieBaseConfiguration config) {
            return indexable().isIndexable(nodeType, config);
        }

        @Override
        public org.drools.base.util.index.ConstraintTypeOperator getConstraintType() {
            return indexable().getConstraintType();
        }

        @Override
        public org.drools.base.rule.accessor.FieldValue getField() {
            return indexable().getField();
        }

        @Override
        public org.drools.base.util.IndexedValueReader getFieldIndex() {
            return indexable().getFieldIndex();
        }

        @Override
        public org.drools.base.rule.accessor.ReadAccessor getFieldExtractor() {
            return indexable().getFieldExtractor();
        }

        @Override
        public void unsetUnification() {
            indexable().unsetUnification();
        }

        @Override
        public org.drools.base.rule.accessor.TupleValueExtractor getRightIndexExtractor() {
            return indexable().getRightIndexExtractor();
        }

        @Override
        public org.drools.base.rule.accessor.TupleValueExtractor getLeftIndexExtractor() {
            return indexable().getLeftIndexExtractor();
        }
    }

    /** A join constraint (a fact against the facts matched before it) that answers false instead of throwing. */
    private static final class GuardedBeta<C> implements BetaConstraint<C> {
        private final BetaConstraint<C> delegate;
        private final BaseNode node;

        GuardedBeta(BetaConstraint<C> delegate, BaseNode node) {
            this.delegate = delegate;
            this.node = node;
        }

        @Override
        public boolean isAllowedCachedLeft(C context, FactHandle handle) {
            try {
                return delegate.isAllowedCachedLeft(context, handle);
            } catch (RuntimeException e) {
                report(node.getAssociatedRules(), delegate, e);
                return false;
            }
        }

        @Override
        public boolean isAllowedCachedRight(BaseTuple tuple, C context) {
            try {
                return delegate.isAllowedCachedRight(tuple, context);
            } catch (RuntimeException e) {
                report(node.getAssociatedRules(), delegate, e);
                return false;
            }
        }

        @Override
        public C createContext() {
            return delegate.createContext();
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T cloneIfInUse() {
            Object c = delegate.cloneIfInUse();
            return (T) (c == delegate ? this : new GuardedBeta<>((BetaConstraint<C>) c, node));
        }

        @Override
        public Declaration[] getRequiredDeclarations() {
            return delegate.getRequiredDeclarations();
        }

        @Override
        public void replaceDeclaration(Declaration oldDecl, Declaration newDecl) {
            delegate.replaceDeclaration(oldDecl, newDecl);
        }

        @Override
        @SuppressWarnings("unchecked")
        public Constraint clone() {
            return new GuardedBeta<>((BetaConstraint<C>) delegate.clone(), node);
        }

        @Override
        public ConstraintType getType() {
            return delegate.getType();
        }

        @Override
        public boolean isTemporal() {
            return delegate.isTemporal();
        }

        @Override
        public BitMask getListenedPropertyMask(Optional<Pattern> pattern, ObjectType type, java.util.List<String> settable) {
            return delegate.getListenedPropertyMask(pattern, type, settable);
        }

        @Override
        public boolean equals(Object other, RuleBase ruleBase) {
            return delegate.equals(other instanceof GuardedBeta<?> g ? g.delegate : other, ruleBase);
        }

        @Override
        public java.util.Collection<String> getPackageNames() {
            return delegate.getPackageNames();
        }

        @Override
        public void addPackageNames(java.util.Collection<String> names) {
            delegate.addPackageNames(names);
        }

        @Override
        public boolean equals(Object o) {
            return o == this || delegate.equals(o instanceof GuardedBeta<?> g ? g.delegate : o);
        }

        @Override
        public int hashCode() {
            return delegate.hashCode();
        }

        @Override
        public String toString() {
            return delegate.toString();
        }

        @Override
        public void writeExternal(java.io.ObjectOutput out) throws java.io.IOException {
            delegate.writeExternal(out);
        }

        @Override
        public void readExternal(java.io.ObjectInput in) throws java.io.IOException, ClassNotFoundException {
            delegate.readExternal(in);
        }
    }

    /** An {@code eval} that answers false instead of throwing. */
    private static final class GuardedEval implements EvalExpression {
        private final EvalExpression delegate;
        private final BaseNode node;

        GuardedEval(EvalExpression delegate, BaseNode node) {
            this.delegate = delegate;
            this.node = node;
        }

        @Override
        public Object createContext() {
            return delegate.createContext();
        }

        @Override
        public boolean evaluate(BaseTuple tuple, Declaration[] declarations, ValueResolver resolver, Object context) throws Exception {
            try {
                return delegate.evaluate(tuple, declarations, resolver, context);
            } catch (RuntimeException e) {
                report(node.getAssociatedRules(), null, e);
                return false;
            }
        }

        @Override
        public void replaceDeclaration(Declaration oldDecl, Declaration newDecl) {
            delegate.replaceDeclaration(oldDecl, newDecl);
        }

        @Override
        public EvalExpression clone() {
            return new GuardedEval(delegate.clone(), node);
        }

        @Override
        public boolean wrapsCompiledInvoker() {
            return delegate.wrapsCompiledInvoker();
        }
    }
}
