package io.connwatch.lifecycle.match;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.connwatch.lifecycle.match.Matcher.Op;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** One matcher: the four operators with Alertmanager's semantics, the text it reads, and hostile regexes. */
class MatcherTest {
    private static final Map<String, String> LABELS = Map.of("rule", "port-scan", "severity", "high", "empty", "");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "rule=\"port-scan\"           | true",
        "rule=\"port\"                | false",
        "rule!=\"port\"               | true",
        "rule!=\"port-scan\"          | false",
        "rule=~\"port-.*\"            | true",
        "rule=~\"port\"               | false",
        "rule=~\"scan\"               | false",
        "'rule=~\"port-scan|telnet\"'   | true",
        "'rule=~\"telnet|port-scan\"'   | true",
        "rule!~\"port.*\"             | false",
        "rule!~\"scan\"               | true",
        "missing=\"\"                 | true",
        "missing!=\"\"                | false",
        "missing=~\".*\"              | true",
        "missing=~\".+\"              | false",
        "missing!~\".+\"              | true",
        "missing!=\"x\"               | true",
        "missing=\"x\"                | false",
        "empty=\"\"                   | true",
        "empty=~\"\"                  | true",
        "'severity=~\"high|critical\"'  | true",
        "severity=~\"HIGH\"           | false"})
    void alertmanagerSemanticsMissingIsEmptyAndRegexesAnchoredAtBothEnds(String text, boolean expected) {
        assertEquals(expected, Matcher.parse(text).matches(LABELS), text);
    }

    @Test
    void anchoringCoversEveryBranchOfAnAlternation() {
        Matcher m = Matcher.parse("rule=~\"a|b\"");
        assertTrue(m.matchesValue("a"));
        assertTrue(m.matchesValue("b"));
        assertFalse(m.matchesValue("ab"));
        assertFalse(m.matchesValue("xa"));
        assertFalse(m.matchesValue("a\n"), "no end-of-line leeway as $ would give");
        assertTrue(Matcher.parse("x=~\"a|\"").matchesValue(null), "null is a missing label, the empty string");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "`name=\"value\"`             | name | EQ  | value",
        "`name=value`                 | name | EQ  | value",
        "`  name  =  \"value\"  `     | name | EQ  | value",
        "`name=~\"a|b\"`              | name | RE  | `a|b`",
        "`name =~ a|b`                | name | RE  | `a|b`",
        "`name!~\"x.*\"`              | name | NRE | x.*",
        "`name!=\"x\"`                | name | NE  | x",
        "`_n9=\"\"`                   | _n9  | EQ  | ``",
        "`n=`                         | n    | EQ  | ``",
        "`n=\"a, b {c}\"`             | n    | EQ  | `a, b {c}`",
        "`n=\"say \\\"hi\\\"\"`       | n    | EQ  | say \"hi\"",
        "`n=\"back\\\\slash\"`        | n    | EQ  | back\\slash",
        "`n=~\"a\\.b\"`               | n    | RE  | a\\.b",
        "`n=~\"\\d+\"`                | n    | RE  | \\d+",
        "`n=a=b`                      | n    | EQ  | a=b",
        "`n==x`                       | n    | EQ  | =x",
        "`n=~~x`                      | n    | RE  | ~x"})
    void readsTheFormsOperatorsWrite(String text, String name, Op op, String value) {
        assertEquals(new Matcher(name, op, value), Matcher.parse(text));
    }

    @Test
    void newLineEscapeInsideQuotes() {
        assertEquals("a\nb", Matcher.parse("n=\"a\\nb\"").value());
        assertEquals("n=\"a\\nb\"", Matcher.eq("n", "a\nb").toString());
    }

    @Test
    void toStringIsTheCanonicalQuotedForm() {
        assertEquals("rule=\"port-scan\"", Matcher.parse("rule = port-scan").toString());
        assertEquals("rule=~\"a|b\"", Matcher.parse("rule=~a|b").toString());
        assertEquals("n!~\"say \\\"x\\\" \\\\d\"", new Matcher("n", Op.NRE, "say \"x\" \\d").toString());
        assertEquals("n!=\"\"", new Matcher("n", Op.NE, "").toString());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "``                  | expected a label name but found the end at character 1 in ''",
        "`=\"x\"`            | expected a label name but found '=' at character 1 in '=\"x\"'",
        "`9lives=\"x\"`      | expected a label name but found '9' at character 1 in '9lives=\"x\"'",
        "`rule\"x\"`         | expected =, !=, =~ or !~ after the label name rule but found '\"' at character 5 in 'rule\"x\"'",
        "`rule ~= x`         | expected =, !=, =~ or !~ after the label name rule but found '~' at character 6 in 'rule ~= x'",
        "`rule-name=x`       | expected =, !=, =~ or !~ after the label name rule but found '-' at character 5 in 'rule-name=x'",
        "`rule=\"x`          | the quoted value starting here has no closing '\"' at character 6 in 'rule=\"x'",
        "`rule=\"x\\\"`      | the quoted value starting here has no closing '\"' at character 6 in 'rule=\"x\\\"'",
        "`rule=x y`          | unexpected 'y' after the matcher (quote a value that has spaces, commas or braces) at character 8 in 'rule=x y'",
        "`rule=x,y=z`        | unexpected ',' after the matcher (quote a value that has spaces, commas or braces) at character 7 in 'rule=x,y=z'",
        "`rule=\"x\"\"y\"`   | unexpected '\"' after the matcher (quote a value that has spaces, commas or braces) at character 9 in 'rule=\"x\"\"y\"'",
        "`rule=x\"y\"`       | a '\"' inside an unquoted value (quote the whole value) at character 7 in 'rule=x\"y\"'"})
    void errorsNameTheTextAndThePosition(String text, String message) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, () -> Matcher.parse(text)).getMessage());
    }

    @Test
    void aRegexThatDoesNotCompileIsRefusedWithAClearMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Matcher.parse("rule=~\"(port\""));
        assertEquals("the regular expression of rule does not compile: Unclosed group at the end of \"(port\""
            + " (at character 7 in 'rule=~\"(port\"')", e.getMessage());
        assertEquals("the regular expression of rule does not compile: Unmatched closing ')' near character 1 of \"a)|(b\""
            + " (at character 7 in 'rule=~\"a)|(b\"')",
            assertThrows(IllegalArgumentException.class, () -> Matcher.parse("rule=~\"a)|(b\"")).getMessage(),
            "no wrapper for a value to unbalance");
        assertEquals("(port", Matcher.parse("rule=\"(port\"").value(), "only regex operators compile the value");
    }

    @Test
    void longValuesAndHostileTextAreBoundedAndShownShort() {
        String ok = "x".repeat(Matcher.MAX_VALUE_LENGTH);
        assertEquals(ok, Matcher.parse("n=\"" + ok + "\"").value());
        String tooLong = "x".repeat(Matcher.MAX_VALUE_LENGTH + 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Matcher.parse("n=\"" + tooLong + "\""));
        assertTrue(e.getMessage().startsWith("the value of n is 1025 characters long; the limit is 1024 (at character 3 in 'n=\"xxx"),
            e.getMessage());
        assertTrue(e.getMessage().length() < 300, "the message quotes a shortened text: " + e.getMessage());
        String huge = "n=\"" + "y".repeat(5_000_000);
        e = assertThrows(IllegalArgumentException.class, () -> Matcher.parse(huge));
        assertEquals("matchers of 5000003 characters; the limit is 65536", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Matcher.eq("n".repeat(2000), "x"));
        assertThrows(IllegalArgumentException.class, () -> new Matcher("n", Op.EQ, tooLong));
        e = assertThrows(IllegalArgumentException.class, () -> Matcher.parse("n=\u0000"));
        assertTrue(e.getMessage().contains("character U+0000"), e.getMessage());
    }

    @Test
    void catastrophicBacktrackingReturnsNoMatchAndIsCounted() {
        // A backreference defeats java.util.regex's loop memoization: each extra 'a' doubles the
        // work (22 a's take about a second unbudgeted; 64 would take centuries).
        Matcher re = Matcher.parse("cmd=~\"(a+)+\\\\1b\"");
        Matcher nre = Matcher.parse("cmd!~\"(a+)+\\\\1b\"");
        assertEquals("(a+)+\\1b", re.value());
        Map<String, String> hostile = Map.of("cmd", "a".repeat(64) + "!");
        long before = Matcher.abortedMatches();
        boolean[] results = assertTimeoutPreemptively(Duration.ofSeconds(30),
            () -> new boolean[] {re.matches(hostile), nre.matches(hostile)});
        assertFalse(results[0], "out of budget is no match");
        assertFalse(results[1], "a negative matcher that ran out of budget does not match either: fail open");
        assertEquals(before + 2, Matcher.abortedMatches());
        assertTrue(re.matches(Map.of("cmd", "aaaab")), "the same regex still works on short labels");
        assertTrue(re.matches(Map.of("cmd", "aab")));
        assertEquals(before + 2, Matcher.abortedMatches());
    }

    @Test
    void polynomialBlowUpIsBoundedToo() {
        Matcher m = Matcher.parse("v=~\"(.*a){20}\"");
        long before = Matcher.abortedMatches();
        // Twenty nested greedy runs over a label that ends wrong: about n^20 steps (22 characters take a second).
        assertFalse(assertTimeoutPreemptively(Duration.ofSeconds(30), () -> m.matchesValue("a".repeat(200) + "!")));
        assertEquals(before + 1, Matcher.abortedMatches());
    }

    @Test
    void ordinaryRegexesOnLongLabelsStayWithinTheBudget() {
        String longValue = "x".repeat(50_000) + "error" + "y".repeat(50_000);
        long before = Matcher.abortedMatches();
        assertTrue(Matcher.parse("msg=~\".*error.*\"").matchesValue(longValue));
        assertTrue(Matcher.parse("msg=~\"x+errory+\"").matchesValue(longValue));
        assertFalse(Matcher.parse("msg=~\".*warning.*\"").matchesValue(longValue));
        assertTrue(Matcher.parse("msg!~\".*warning.*\"").matchesValue(longValue));
        assertEquals(before, Matcher.abortedMatches());
    }

    @Test
    void deepRecursionOnALongLabelIsAnAbortedMatchNotACrash() {
        // java.util.regex recurses per repetition of a group with alternation.
        Matcher m = Matcher.parse("v=~\"(a|b)*\"");
        long before = Matcher.abortedMatches();
        assertFalse(m.matchesValue("ab".repeat(200_000)));
        assertEquals(before + 1, Matcher.abortedMatches());
        assertTrue(m.matchesValue("abab"));
    }

    @Test
    void opFlagsAsInAlertmanagersApi() {
        assertEquals(Op.EQ, Op.of(false, true));
        assertEquals(Op.NE, Op.of(false, false));
        assertEquals(Op.RE, Op.of(true, true));
        assertEquals(Op.NRE, Op.of(true, false));
        assertEquals("=~", Op.RE.toString());
    }
}
