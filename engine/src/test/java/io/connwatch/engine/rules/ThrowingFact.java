package io.connwatch.engine.rules;

/** A fact whose getter throws, as a broken fact class in a rule's own Java code would. */
public final class ThrowingFact {
    /** Always throws. */
    public String getName() {
        throw new IllegalStateException("getName is broken");
    }
}
