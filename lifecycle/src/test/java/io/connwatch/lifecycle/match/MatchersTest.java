package io.connwatch.lifecycle.match;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.connwatch.lifecycle.match.Matcher.Op;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Matchers that must all match: the list forms operators write, the canonical form, matching nothing-in-particular. */
class MatchersTest {
    private static final Matchers TWO = Matchers.of(Matcher.eq("a", "b"), new Matcher("c", Op.RE, "d.*"));

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "{a=\"b\", c=~\"d.*\"}", "a=\"b\",c=~\"d.*\"", "  { a = b ,  c =~ d.* }  ", "{a=\"b\",c=~\"d.*\",}", "a=b, c=~\"d.*\","})
    void readsBracedAndBareLists(String text) {
        assertEquals(TWO, Matchers.parse(text));
    }

    @Test
    void commasAndBracesInsideQuotesBelongToTheValue() {
        Matchers m = Matchers.parse("{msg=\"a, b}\", x=~\"{1,2}|y\"}");
        assertEquals(List.of(Matcher.eq("msg", "a, b}"), Matcher.re("x", "{1,2}|y")), m.all());
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"", "  ", "{}", " { } "})
    void emptyTextIsNoMatchersWhichMatchEverything(String text) {
        Matchers m = Matchers.parse(text);
        assertTrue(m.isEmpty());
        assertTrue(m.matches(Map.of("a", "b")));
        assertTrue(m.matchesEmpty());
        assertEquals("{}", m.toString());
    }

    @Test
    void allMustMatch() {
        assertTrue(TWO.matches(Map.of("a", "b", "c", "dx")));
        assertFalse(TWO.matches(Map.of("a", "b", "c", "x")));
        assertFalse(TWO.matches(Map.of("c", "d")));
    }

    @Test
    void matchesEmptyWhenEveryMatcherMatchesTheEmptyLabelSet() {
        assertTrue(Matchers.parse("{a=\"\", b=~\".*\", c!=\"x\", d!~\".+\"}").matchesEmpty());
        assertFalse(Matchers.parse("{a=\"\", b=~\".+\"}").matchesEmpty());
        assertFalse(Matchers.parse("{a!=\"\"}").matchesEmpty());
        assertFalse(TWO.matchesEmpty());
    }

    @Test
    void canonicalFormReadsBack() {
        assertEquals("{a=\"b\", c=~\"d.*\"}", TWO.toString());
        assertEquals(TWO, Matchers.parse(TWO.toString()));
        assertEquals("{q=\"x\\\", y=\\\"z\"}", Matchers.of(Matcher.eq("q", "x\", y=\"z")).toString());
        assertEquals(Matchers.of(Matcher.eq("q", "x\", y=\"z")), Matchers.parse("{q=\"x\\\", y=\\\"z\"}"));
    }

    @Test
    void oneMatcherPerTextAsInConfigLists() {
        assertEquals(TWO, Matchers.of(List.of("a=\"b\"", "c=~\"d.*\"")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Matchers.of(List.of("a=b", "c=\"d\", e=f")));
        assertEquals("matcher 2: unexpected ',' after the matcher (quote a value that has spaces, commas or braces)"
            + " at character 6 in 'c=\"d\", e=f'", e.getMessage());
        assertEquals("expected a label name but found the end at character 1 in ''",
            assertThrows(IllegalArgumentException.class, () -> Matchers.of(List.of(""))).getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "`{a=b`            | missing the closing '}' at character 5 in '{a=b'",
        "`a=b}`            | a '}' without its '{' at character 4 in 'a=b}'",
        "`{a=b} c=d`       | unexpected 'c' after the closing '}' at character 7 in '{a=b} c=d'",
        "`{a=b c=d}`       | expected ',' or '}' but found 'c' (quote a value that has spaces, commas or braces) at character 6 in '{a=b c=d}'",
        "`a=b c=d`         | expected ',' but found 'c' (quote a value that has spaces, commas or braces) at character 5 in 'a=b c=d'",
        "`{a=b,,c=d}`      | expected a label name but found ',' at character 6 in '{a=b,,c=d}'",
        "`{,}`             | expected a label name but found ',' at character 2 in '{,}'",
        "`{a=\"b, c=d}`    | the quoted value starting here has no closing '\"' at character 4 in '{a=\"b, c=d}'"})
    void errorsNameTheTextAndThePosition(String text, String message) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, () -> Matchers.parse(text)).getMessage());
    }

    @Test
    void hostileSizesAreRefused() {
        String many = "a=b,".repeat(Matchers.MAX_MATCHERS + 1);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Matchers.parse(many)).getMessage()
            .startsWith("more than 256 matchers at character 1025 in 'a=b,a=b,"));
        assertEquals(Matchers.MAX_MATCHERS, Matchers.parse("a=b,".repeat(Matchers.MAX_MATCHERS)).all().size());
    }
}
