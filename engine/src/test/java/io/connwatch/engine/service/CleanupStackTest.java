package io.connwatch.engine.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one cleanup stack of the composition root. */
class CleanupStackTest {
    @Test
    void closesInTheReverseOrderOfPushing() {
        List<String> closed = new ArrayList<>();
        CleanupStack stack = new CleanupStack();
        stack.push("sinks", () -> closed.add("sinks"));
        stack.push("engine", () -> closed.add("engine"));
        stack.push("http", () -> closed.add("http"));
        stack.close();
        assertEquals(List.of("http", "engine", "sinks"), closed);
    }

    @Test
    void aCloserThatThrowsDoesNotStopTheOthersAndNothingIsThrown() {
        List<String> closed = new ArrayList<>();
        CleanupStack stack = new CleanupStack();
        stack.push("first", () -> closed.add("first"));
        stack.push("checked", () -> {
            throw new IOException("disk gone");
        });
        stack.push("middle", () -> closed.add("middle"));
        stack.push("unchecked", () -> {
            throw new IllegalStateException("already broken");
        });
        stack.push("last", () -> closed.add("last"));
        stack.close();
        assertEquals(List.of("last", "middle", "first"), closed);
    }

    @Test
    void closingTwiceClosesEachPartOnce() {
        List<String> closed = new ArrayList<>();
        CleanupStack stack = new CleanupStack();
        stack.add("resource", () -> closed.add("resource"));
        stack.close();
        stack.close();
        assertEquals(List.of("resource"), closed);
    }

    @Test
    void refusesAPartPushedAfterClosingSoItsOwnerClosesIt() {
        CleanupStack stack = new CleanupStack();
        stack.close();
        assertThrows(IllegalStateException.class, () -> stack.push("late", () -> { }));
    }
}
