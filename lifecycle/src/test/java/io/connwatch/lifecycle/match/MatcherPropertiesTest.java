package io.connwatch.lifecycle.match;

import io.connwatch.lifecycle.match.Matcher.Op;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Assertions;

/** The canonical form reads back, whatever the value holds, and a quoted regex behaves as equality. */
class MatcherPropertiesTest {
    @Property(tries = 1000)
    void parseReadsBackTheCanonicalForm(@ForAll("matchers") Matcher m) {
        Assertions.assertEquals(m, Matcher.parse(m.toString()));
    }

    @Property(tries = 500)
    void parseReadsBackCanonicalLists(@ForAll("lists") List<Matcher> all) {
        Matchers ms = new Matchers(all);
        Assertions.assertEquals(ms, Matchers.parse(ms.toString()));
        Assertions.assertEquals(ms, Matchers.parse(ms.toString().substring(1, ms.toString().length() - 1)), "without braces");
    }

    @Property(tries = 1000)
    void aQuotedRegexMatchesExactlyWhatEqualityMatches(@ForAll("values") String value, @ForAll("values") String label) {
        Matcher eq = Matcher.eq("n", value);
        Matcher re = new Matcher("n", Op.RE, Pattern.quote(value));
        Map<String, String> labels = Map.of("n", label);
        Assertions.assertEquals(eq.matches(labels), re.matches(labels));
        Assertions.assertTrue(re.matchesValue(value));
        Assertions.assertEquals(!eq.matches(labels), new Matcher("n", Op.NE, value).matches(labels));
        Assertions.assertEquals(!re.matches(labels), new Matcher("n", Op.NRE, Pattern.quote(value)).matches(labels));
    }

    @Provide
    Arbitrary<Matcher> matchers() {
        Arbitrary<String> names = Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z').withChars('_')
            .ofMinLength(1).ofMaxLength(3)
            .flatMap(head -> Arbitraries.strings().alpha().numeric().withChars('_').ofMaxLength(8).map(tail -> head + tail));
        Arbitrary<Op> ops = Arbitraries.of(Op.class);
        return Combinators.combine(names, ops, values()).as((n, op, v) -> new Matcher(n, op, op.isRegex() ? Pattern.quote(v) : v));
    }

    @Provide
    Arbitrary<List<Matcher>> lists() {
        return matchers().list().ofMaxSize(6);
    }

    @Provide
    Arbitrary<String> values() {
        return Arbitraries.oneOf(
            Arbitraries.strings().withChars("\"\\\n ,{}=!~ab\\E\\Q").ofMaxLength(20),
            Arbitraries.strings().all().ofMaxLength(30),
            Arbitraries.strings().ascii().ofMaxLength(30));
    }
}
