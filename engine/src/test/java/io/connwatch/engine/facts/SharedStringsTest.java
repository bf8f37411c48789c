package io.connwatch.engine.facts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import org.junit.jupiter.api.Test;

class SharedStringsTest {
    @Test
    void oneStringPerValueWhetherGivenAsCharsOrString() {
        SharedStrings shared = new SharedStrings(1_000);
        char[] buf = "xxmachine-1yy".toCharArray();
        String first = shared.of(buf, 2, 9);
        assertEquals("machine-1", first);
        assertSame(first, shared.of(buf, 2, 9));
        assertSame(first, shared.of(new String("machine-1")));
        assertEquals("machine-", shared.of(buf, 2, 8));
        for (int i = 0; i < 500; i++) {
            shared.of("m-" + i);
        }
        assertSame(first, shared.of("machine-1".toCharArray(), 0, 9));
        assertEquals(502, shared.size());
    }

    @Test
    void forgetsEverythingPastItsLimit() {
        SharedStrings shared = new SharedStrings(10);
        String a = shared.of(new String("a"));
        for (int i = 0; i < 10; i++) {
            shared.of("v" + i);
        }
        assertEquals(1, shared.size());
        assertNotSame(a, shared.of(new String("a")));
    }

    @Test
    void plainStringArraysAreReadAsTheParserWouldAndAnythingElseIsLeftToIt() {
        assertEquals(List.of("a.example", "b.example"), FactBuilder.plainStringArray("[\"a.example\", \"b.example\"]"));
        assertEquals(List.of(""), FactBuilder.plainStringArray("[\"\"]"));
        assertEquals(List.of(), FactBuilder.plainStringArray("[ ]"));
        for (String other : List.of("[\"a\",]", "['a']", "[\"a\\\"b\"]", "[1]", "[\"a\" \"b\"]", "[\"a\"]]", "[\"a", "[,\"a\"]")) {
            assertNull(FactBuilder.plainStringArray(other), other);
        }
    }
}
