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
import org.drools.base.rule.Accumulate;
import org.drools.base.rule.Declaration;
import org.drools.base.rule.EvalCondition;
import org.drools.base.rule.IndexableConstraint;
import org.drools.base.rule.MultiAccumulate;
import org.drools.base.rule.Pattern;
import org.drools.base.rule.SingleAccumulate;
import org.drools.base.rule.accessor.Accumulator;
import org.drools.base.rule.accessor.DataProvider;
import org.drools.base.rule.accessor.EvalExpression;
import org.drools.base.rule.constraint.AlphaNodeFieldConstraint;
import org.drools.base.rule.constraint.BetaConstraint;
import org.drools.base.rule.constraint.Constraint;
import org.drools.base.util.IndexedValueReader;
import org.drools.base.util.index.ConstraintTypeOperator;
import org.drools.core.common.BaseNode;
import org.drools.core.common.BetaConstraints;
import org.drools.core.common.DefaultBetaConstraints;
import org.drools.core.common.MultipleBetaConstraint;
import org.drools.core.common.SingleBetaConstraints;
import org.drools.core.impl.InternalRuleBase;
import org.drools.core.reteoo.AccumulateNode;
import org.drools.core.reteoo.AlphaNode;
import org.drools.core.reteoo.BetaNode;
import org.drools.core.reteoo.EvalConditionNode;
import org.drools.core.reteoo.FromNode;
import org.drools.core.reteoo.ObjectTypeNode;
import org.drools.util.bitmask.BitMask;
import org.kie.api.KieBase;
import org.kie.api.definition.rule.Rule;
import org.kie.api.runtime.rule.FactHandle;

/**
 * Makes a condition that throws at run time fail alone: every alpha constraint, join constraint
 * (the value an indexed one is hashed by too), {@code eval}, {@code from} expression, accumulate
 * function and accumulate result constraint of a knowledge base is wrapped so that an exception
 * counts as "no match" for that rule and is reported to the partition running on the current
 * thread, instead of escaping into Drools, where it drops the rest of the pending inserts (every
 * other rule then sees none of the batch) or leaves half-evaluated tuples behind (later
 * NullPointerExceptions).
 *
 * <p>Drools offers no hook for this (only consequences have an exception handler), so the guard
 * reaches into the built network; it is applied after every compile and reload, while no session
 * of the knowledge base fires, and skips what is already guarded. Not contained: a range-indexed
 * join ({@code not X( a > $b )}), whose sorted index cannot hold a failed value: its failure is
 * reported under the rule's name and still escapes.
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
    private static final Field FROM = field(FromNode.class, "dataProvider");
    private static final Field FROM_ALPHA = field(FromNode.class, "alphaConstraints");
    private static final Field ACCUMULATOR = field(SingleAccumulate.class, "accumulator");
    private static final Field RESULT_ALPHA = field(AccumulateNode.class, "resultConstraints");
    /** The result of an accumulation one of whose functions threw: never matches (see {@link NoFailedResult}). */
    private static final Object FAILED = new Object() {
        @Override
        public String toString() {
            return "a failed accumulation";
        }
    };

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

    private static void reportText(Rule[] rules, String expression, RuntimeException e) {
        Consumer<Failure> r = REPORTER.get();
        if (r != null) {
            r.accept(new Failure(rules, expression, false, e));
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
                        guardBeta(b.getRawConstraints(), b);
                        if (b instanceof AccumulateNode acc) {
                            guardAccumulate(acc);
                        }
                    } else if (node instanceof EvalConditionNode e) {
                        guardEval(e);
                    } else if (node instanceof FromNode<?> f) {
                        guardFrom(f);
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

    /** The constraint a guard wraps (itself when not guarded): evaluating it reports nothing. */
    static AlphaNodeFieldConstraint unguarded(AlphaNodeFieldConstraint c) {
        return c instanceof GuardedAlpha g ? g.delegate : c;
    }

    private static void guardAlpha(AlphaNode node) throws IllegalAccessException {
        AlphaNodeFieldConstraint c = (AlphaNodeFieldConstraint) ALPHA.get(node);
        if (!(c instanceof GuardedAlpha)) {
            ALPHA.set(node, GuardedAlpha.of(c, node));
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void guardBeta(BetaConstraints<?> all, BaseNode node) throws IllegalAccessException {
        if (all instanceof SingleBetaConstraints s) {
            BetaConstraint c = (BetaConstraint) SINGLE.get(s);
            if (c != null && !(c instanceof GuardedBeta)) {
                SINGLE.set(s, GuardedBeta.of(c, (boolean) SINGLE_INDEXED.get(s), node));
            }
        } else if (all instanceof MultipleBetaConstraint m) {
            BetaConstraint[] cs = (BetaConstraint[]) MULTIPLE.get(m);
            boolean[] indexed = (boolean[]) MULTIPLE_INDEXED.get(m);
            for (int i = 0; i < cs.length; i++) {
                if (!(cs[i] instanceof GuardedBeta)) {
                    cs[i] = GuardedBeta.of(cs[i], indexed != null && i < indexed.length && indexed[i], node);
                }
            }
        } else if (all instanceof DefaultBetaConstraints d) {
            BetaConstraint[] cs = (BetaConstraint[]) DEFAULT.get(d);
            int indexed = (int) DEFAULT_INDEXED.get(d);
            for (int i = 0; i < cs.length; i++) {
                if (!(cs[i] instanceof GuardedBeta)) {
                    cs[i] = GuardedBeta.of(cs[i], i < indexed, node);
                }
            }
        }
    }

    private static void guardAlphas(AlphaNodeFieldConstraint[] cs, BaseNode node) {
        for (int i = 0; i < cs.length; i++) {
            if (!(cs[i] instanceof GuardedAlpha) && !(cs[i] instanceof NoFailedResult)) {
                cs[i] = GuardedAlpha.of(cs[i], node);
            }
        }
    }

    /** The functions (their expressions and code) and the result pattern's constraints of an accumulate. */
    private static void guardAccumulate(AccumulateNode node) throws IllegalAccessException {
        Accumulate acc = node.getAccumulate();
        if (acc instanceof SingleAccumulate single) {
            Accumulator a = (Accumulator) ACCUMULATOR.get(single);
            if (a != null && !(a instanceof GuardedAccumulator)) {
                ACCUMULATOR.set(single, new GuardedAccumulator(a, node));
            }
        } else if (acc instanceof MultiAccumulate multi) {
            Accumulator[] as = multi.getAccumulators();
            for (int i = 0; i < as.length; i++) {
                if (as[i] != null && !(as[i] instanceof GuardedAccumulator)) {
                    as[i] = new GuardedAccumulator(as[i], node);
                }
            }
        }
        AlphaNodeFieldConstraint[] results = node.getResultConstraints();
        if (results == null) {
            results = new AlphaNodeFieldConstraint[0];
        }
        guardAlphas(results, node);
        if (results.length == 0 || !(results[0] instanceof NoFailedResult)) {
            // first: the result's own constraints would throw on the marker of a failed accumulation
            AlphaNodeFieldConstraint[] withFilter = new AlphaNodeFieldConstraint[results.length + 1];
            withFilter[0] = NoFailedResult.INSTANCE;
            System.arraycopy(results, 0, withFilter, 1, results.length);
            RESULT_ALPHA.set(node, withFilter);
        }
        if (node.getResultBinder() != null) {
            guardBeta(node.getResultBinder(), node);
        }
    }

    /** The expression a {@code from} reads, and the constraints on what it returns. */
    private static void guardFrom(FromNode<?> node) throws IllegalAccessException {
        DataProvider p = (DataProvider) FROM.get(node);
        if (p != null && !(p instanceof GuardedDataProvider)) {
            FROM.set(node, new GuardedDataProvider(p, node));
        }
        AlphaNodeFieldConstraint[] alphas = (AlphaNodeFieldConstraint[]) FROM_ALPHA.get(node);
        if (alphas != null) {
            guardAlphas(alphas, node);
        }
        if (node.getBetaConstraints() != null) {
            guardBeta(node.getBetaConstraints(), node);
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
    private static class GuardedBeta<C> implements BetaConstraint<C> {
        final BetaConstraint<C> delegate;
        final BaseNode node;

        /** Keeps an indexed constraint indexable: the node's memories are built from it, and hash by its values. */
        @SuppressWarnings({"unchecked", "rawtypes"})
        static BetaConstraint of(BetaConstraint c, boolean indexed, BaseNode node) {
            return indexed && c instanceof IndexableConstraint ? new GuardedIndexedBeta<>(c, node) : new GuardedBeta<>(c, node);
        }

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
            return (T) (c == delegate ? this : rewrap((BetaConstraint<C>) c));
        }

        BetaConstraint<C> rewrap(BetaConstraint<C> c) {
            return new GuardedBeta<>(c, node);
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
            return rewrap((BetaConstraint<C>) delegate.clone());
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

    /**
     * An indexed join constraint: the node hashes facts and tuples by the values it reads (a fact's
     * field, a variable bound before), and a read that throws files the fact or tuple under a value
     * nothing else equals, so it matches nothing, instead of escaping from the hash table.
     */
    private static final class GuardedIndexedBeta<C> extends GuardedBeta<C> implements IndexableConstraint {
        GuardedIndexedBeta(BetaConstraint<C> delegate, BaseNode node) {
            super(delegate, node);
        }

        private IndexableConstraint indexable() {
            return (IndexableConstraint) delegate;
        }

        @Override
        BetaConstraint<C> rewrap(BetaConstraint<C> c) {
            return new GuardedIndexedBeta<>(c, node);
        }

        @Override
        public IndexedValueReader getFieldIndex() {
            IndexedValueReader r = indexable().getFieldIndex();
            return r == null || r.getLeftExtractor() == null || r.getRightExtractor() == null ? r : new GuardedReader(r, this);
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
        public ConstraintTypeOperator getConstraintType() {
            return indexable().getConstraintType();
        }

        @Override
        public org.drools.base.rule.accessor.FieldValue getField() {
            return indexable().getField();
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

    /**
     * Reads the value an equality index hashes by; a read that throws gives a marker of its side,
     * equal to no value (the other side's marker included), so the tuple or fact matches nothing.
     * A range index (a sorted tree, which reads through the extractors) cannot hold a marker: there
     * the failure is reported under the rule's name and rethrown.
     */
    private static final class GuardedReader extends IndexedValueReader {
        private static final Object LEFT_FAILED = new Object();
        private static final Object RIGHT_FAILED = new Object();
        private final IndexedValueReader delegate;
        private final GuardedIndexedBeta<?> constraint;
        private final boolean equality;
        private final org.drools.base.rule.accessor.TupleValueExtractor left;
        private final org.drools.base.rule.accessor.TupleValueExtractor right;

        GuardedReader(IndexedValueReader delegate, GuardedIndexedBeta<?> constraint) {
            super(delegate.getLeftExtractor(), delegate.getRightExtractor());
            this.delegate = delegate;
            this.constraint = constraint;
            this.equality = constraint.getConstraintType() == ConstraintTypeOperator.EQUAL;
            this.left = equality ? delegate.getLeftExtractor() : new NamingExtractor(delegate.getLeftExtractor(), constraint);
            this.right = equality ? delegate.getRightExtractor() : new NamingExtractor(delegate.getRightExtractor(), constraint);
        }

        @Override
        public Object indexedValueOf(BaseTuple tuple, boolean left) {
            try {
                return delegate.indexedValueOf(tuple, left);
            } catch (RuntimeException e) {
                report(constraint.node.getAssociatedRules(), constraint.delegate, e);
                if (!equality) {
                    throw e;
                }
                return left ? LEFT_FAILED : RIGHT_FAILED;
            }
        }

        @Override
        public org.drools.base.rule.accessor.TupleValueExtractor getLeftExtractor() {
            return left;
        }

        @Override
        public org.drools.base.rule.accessor.TupleValueExtractor getRightExtractor() {
            return right;
        }
    }

    /** Reads a range index's value: a read that throws is reported under the rule's name, then rethrown. */
    private static final class NamingExtractor implements org.drools.base.rule.accessor.TupleValueExtractor {
        private final org.drools.base.rule.accessor.TupleValueExtractor delegate;
        private final GuardedIndexedBeta<?> constraint;

        NamingExtractor(org.drools.base.rule.accessor.TupleValueExtractor delegate, GuardedIndexedBeta<?> constraint) {
            this.delegate = delegate;
            this.constraint = constraint;
        }

        @Override
        public org.drools.base.base.ValueType getValueType() {
            return delegate.getValueType();
        }

        @Override
        public Object getValue(ValueResolver resolver, BaseTuple tuple) {
            try {
                return delegate.getValue(resolver, tuple);
            } catch (RuntimeException e) {
                report(constraint.node.getAssociatedRules(), constraint.delegate, e);
                throw e;
            }
        }

        @Override
        public org.drools.base.rule.accessor.TupleValueExtractor clone() {
            return new NamingExtractor(delegate.clone(), constraint);
        }

        @Override
        public int getIndex() {
            return delegate.getIndex();
        }
    }

    /**
     * The result of an accumulate passes only if none of its functions threw: a failed one leaves
     * {@link #FAILED} as its result, and this filter, first of the result's constraints, stops it.
     */
    private static final class NoFailedResult implements AlphaNodeFieldConstraint {
        static final NoFailedResult INSTANCE = new NoFailedResult();

        @Override
        public boolean isAllowed(FactHandle handle, ValueResolver resolver) {
            Object result = handle.getObject();
            if (result == FAILED) {
                return false;
            }
            if (result instanceof Object[] results) {
                for (Object r : results) {
                    if (r == FAILED) {
                        return false;
                    }
                }
            }
            return true;
        }

        @Override
        public AlphaNodeFieldConstraint cloneIfInUse() {
            return this;
        }

        @Override
        public Declaration[] getRequiredDeclarations() {
            return new Declaration[0];
        }

        @Override
        public void replaceDeclaration(Declaration oldDecl, Declaration newDecl) {
        }

        @Override
        public Constraint clone() {
            return this;
        }

        @Override
        public ConstraintType getType() {
            return ConstraintType.ALPHA;
        }

        @Override
        public boolean isTemporal() {
            return false;
        }

        @Override
        public BitMask getListenedPropertyMask(Optional<Pattern> pattern, ObjectType type, java.util.List<String> settable) {
            return org.drools.util.bitmask.EmptyBitMask.get();
        }

        @Override
        public boolean equals(Object other, RuleBase ruleBase) {
            return other == this;
        }

        @Override
        public java.util.Collection<String> getPackageNames() {
            return java.util.List.of();
        }

        @Override
        public void addPackageNames(java.util.Collection<String> names) {
        }

        @Override
        public void writeExternal(java.io.ObjectOutput out) {
        }

        @Override
        public void readExternal(java.io.ObjectInput in) {
        }
    }

    /** One accumulate function's state, and whether a call of it threw since the accumulation began. */
    private static final class GuardedContext {
        Object delegate;
        boolean failed;

        GuardedContext(Object delegate) {
            this.delegate = delegate;
        }
    }

    /**
     * An accumulate function (its argument expressions, or inline init/action/reverse/result code)
     * whose failure fails the accumulation: the result is {@link #FAILED} (no match) until the
     * accumulation starts over, which a failed reverse asks for.
     */
    private static final class GuardedAccumulator implements Accumulator {
        private final Accumulator delegate;
        private final BaseNode node;

        GuardedAccumulator(Accumulator delegate, BaseNode node) {
            this.delegate = delegate;
            this.node = node;
        }

        private void failed(GuardedContext c, RuntimeException e) {
            c.failed = true;
            reportText(node.getAssociatedRules(), RuleLocator.ACCUMULATE, e);
        }

        @Override
        public Object createWorkingMemoryContext() {
            return delegate.createWorkingMemoryContext();
        }

        @Override
        public Object createContext() {
            return new GuardedContext(delegate.createContext());
        }

        // A context not made here was made before the guard (a reload's update propagates the facts a
        // session holds into the new rules before the guard is applied): it is used unguarded.

        @Override
        public Object init(Object wmContext, Object context, BaseTuple leftTuple, Declaration[] declarations, ValueResolver resolver) {
            if (!(context instanceof GuardedContext c)) {
                return delegate.init(wmContext, context, leftTuple, declarations, resolver);
            }
            c.failed = false;
            try {
                c.delegate = delegate.init(wmContext, c.delegate, leftTuple, declarations, resolver);
            } catch (RuntimeException e) {
                failed(c, e);
            }
            return c;
        }

        @Override
        public Object accumulate(Object wmContext, Object context, BaseTuple leftTuple, FactHandle handle, Declaration[] declarations,
                                 Declaration[] innerDeclarations, ValueResolver resolver) {
            if (!(context instanceof GuardedContext c)) {
                return delegate.accumulate(wmContext, context, leftTuple, handle, declarations, innerDeclarations, resolver);
            }
            if (c.failed) {
                return null; // the result is lost until the accumulation starts over
            }
            try {
                return delegate.accumulate(wmContext, c.delegate, leftTuple, handle, declarations, innerDeclarations, resolver);
            } catch (RuntimeException e) {
                failed(c, e);
                return null;
            }
        }

        @Override
        public boolean supportsReverse() {
            return delegate.supportsReverse();
        }

        @Override
        public boolean tryReverse(Object wmContext, Object context, BaseTuple leftTuple, FactHandle handle, Object value,
                                  Declaration[] declarations, Declaration[] innerDeclarations, ValueResolver resolver) {
            if (!(context instanceof GuardedContext c)) {
                return delegate.tryReverse(wmContext, context, leftTuple, handle, value, declarations, innerDeclarations, resolver);
            }
            if (c.failed) {
                return false; // Drools then accumulates again from init: the fact that threw may be the one going
            }
            try {
                return delegate.tryReverse(wmContext, c.delegate, leftTuple, handle, value, declarations, innerDeclarations, resolver);
            } catch (RuntimeException e) {
                failed(c, e);
                return false;
            }
        }

        @Override
        public Object getResult(Object wmContext, Object context, BaseTuple leftTuple, Declaration[] declarations, ValueResolver resolver) {
            if (!(context instanceof GuardedContext c)) {
                return delegate.getResult(wmContext, context, leftTuple, declarations, resolver);
            }
            if (c.failed) {
                return FAILED;
            }
            try {
                return delegate.getResult(wmContext, c.delegate, leftTuple, declarations, resolver);
            } catch (RuntimeException e) {
                failed(c, e);
                return FAILED;
            }
        }

        @Override
        public void replaceDeclaration(Declaration declaration, Declaration resolved) {
            delegate.replaceDeclaration(declaration, resolved);
        }

        @Override
        public Declaration[] getRequiredDeclarations() {
            return delegate.getRequiredDeclarations();
        }

        @Override
        public boolean wrapsCompiledInvoker() {
            return delegate.wrapsCompiledInvoker();
        }

        @Override
        public boolean equals(Object o) {
            return o == this || delegate.equals(o instanceof GuardedAccumulator g ? g.delegate : o);
        }

        @Override
        public int hashCode() {
            return delegate.hashCode();
        }
    }

    /** The expression of a {@code from}: one that throws gives nothing to match. */
    private static final class GuardedDataProvider implements DataProvider {
        private final DataProvider delegate;
        private final BaseNode node;
        private final String expression;

        GuardedDataProvider(DataProvider delegate, BaseNode node) {
            this.delegate = delegate;
            this.node = node;
            this.expression = text(delegate);
        }

        /** The expression's source text (drools-mvel keeps it in the provider's compilation unit), or null. */
        private static String text(DataProvider p) {
            try {
                Field unit = p.getClass().getDeclaredField("unit");
                unit.setAccessible(true);
                Object u = unit.get(p);
                Object text = u == null ? null : u.getClass().getMethod("getExpression").invoke(u);
                return text == null ? null : text.toString();
            } catch (ReflectiveOperationException | RuntimeException e) {
                return null;
            }
        }

        @Override
        public java.util.Iterator<?> getResults(BaseTuple tuple, ValueResolver resolver, Object context) {
            try {
                return delegate.getResults(tuple, resolver, context);
            } catch (RuntimeException e) {
                reportText(node.getAssociatedRules(), expression, e);
                return Collections.emptyIterator();
            }
        }

        @Override
        public Declaration[] getRequiredDeclarations() {
            return delegate.getRequiredDeclarations();
        }

        @Override
        public Object createContext() {
            return delegate.createContext();
        }

        @Override
        public DataProvider clone() {
            return new GuardedDataProvider(delegate.clone(), node);
        }

        @Override
        public void replaceDeclaration(Declaration declaration, Declaration resolved) {
            delegate.replaceDeclaration(declaration, resolved);
        }

        @Override
        public boolean isReactive() {
            return delegate.isReactive();
        }

        @Override
        public boolean equals(Object o) {
            return o == this || delegate.equals(o instanceof GuardedDataProvider g ? g.delegate : o);
        }

        @Override
        public int hashCode() {
            return delegate.hashCode();
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
