package io.connwatch.engine.facts;

/**
 * A per-minute rollup. Rules anchor on the minute being closed ({@code current == true}) and put
 * windows over all of a key's minutes; once its minute has been judged the engine marks it
 * {@link #judged()}, so an old minute never fires again when its window changes later.
 */
public interface MinuteFact extends EventFact {
    boolean isCurrent();

    /** Called by the engine after the rules judged the minute. */
    void judged();
}
