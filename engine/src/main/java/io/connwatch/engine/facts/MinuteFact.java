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

    /**
     * Called by the engine only: makes a judged minute current again, for a rollup it did not
     * insert (no pattern passed it) that would pass one once judged: it is then inserted as it
     * would have come, and judged again by an update.
     */
    void unjudged();
}
