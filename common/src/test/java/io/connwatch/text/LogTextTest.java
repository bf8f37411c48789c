package io.connwatch.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LogTextTest {
    @Test
    void controlCharactersCannotForgeALineAndLongTextIsCut() {
        assertEquals("m-1?2024 ERROR forged?x", LogText.printable("m-1\n2024 ERROR forged\rx"));
        assertEquals("tab?and?bell", LogText.printable("tab\tand\u0007bell"));
        assertEquals("a".repeat(80) + "\u2026", LogText.printable("a".repeat(10_000)));
        assertEquals("null", LogText.printable(null));
        assertEquals("ünïcode ✓", LogText.printable("ünïcode ✓"));
        assertEquals("b".repeat(80) + "\u2026", LogText.shortened("b".repeat(81)));
        assertEquals("b".repeat(80), LogText.shortened("b".repeat(80)));
        assertEquals("keeps\nbreaks", LogText.shortened("keeps\nbreaks"), "shortened only: escaping is the destination's");
    }
}
