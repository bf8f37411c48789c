package io.connwatch.engine.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The test parser is as strict as the format: what it refuses, and what it reads back. */
class PrometheusTextParserTest {
    @Test
    void readsTypesHelpEscapesValuesAndHistograms() {
        Map<String, PrometheusTextParser.Family> m = PrometheusTextParser.parse("""
            # HELP a_total A back\\\\slash\\nand a new line
            # TYPE a_total counter
            a_total{x="q\\"uote",y="back\\\\slash\\nline"} 1.5e3 1700000000000
            a_total{x="b",} 2
            # a free comment
            # TYPE h histogram
            h_bucket{le="1.0"} 1
            h_bucket{le="+Inf"} 3
            h_sum 4.5
            h_count 3
            g NaN
            i -Inf
            """);
        assertEquals("counter", m.get("a_total").type());
        assertEquals("A back\\slash\nand a new line", m.get("a_total").help());
        PrometheusTextParser.Sample s = m.get("a_total").samples().get(0);
        assertEquals(Map.of("x", "q\"uote", "y", "back\\slash\nline"), s.labels());
        assertEquals(1500.0, s.value());
        assertEquals(4, m.get("h").samples().size());
        assertEquals("untyped", m.get("g").type());
        assertTrue(Double.isNaN(m.get("g").samples().get(0).value()));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        a bad metric name              | 1a 1
        a bad label name               | a{1x="v"} 1
        a reserved label name          | a{__name__="v"} 1
        an unquoted label value        | a{x=v} 1
        an unknown escape              | a{x="\\t"} 1
        an unterminated label value    | a{x="v} 1
        a label twice                  | a{x="v",x="w"} 1
        a bad value                    | a 1,5
        a bad timestamp                | a 1 12.5
        the same series twice          | a{x="v"} 1\\na{x="v"} 2
        a metric in two places         | a 1\\nb 1\\na{x="w"} 1
        an unknown type                | # TYPE a number\\na 1
        a second TYPE                  | # TYPE a gauge\\n# TYPE a gauge\\na 1
        TYPE after the samples         | a 1\\n# TYPE a gauge
        a bucket without le            | # TYPE h histogram\\nh_bucket 1\\nh_count 1
        buckets not cumulative         | # TYPE h histogram\\nh_bucket{le="1"} 2\\nh_bucket{le="+Inf"} 1\\nh_count 1
        no +Inf bucket                 | # TYPE h histogram\\nh_bucket{le="1"} 1\\nh_count 1
        a histogram sample unsuffixed  | # TYPE h histogram\\nh 1
        """)
    void refuses(String what, String text) {
        String exposition = text.replace("\\n", "\n") + "\n";
        assertThrows(IllegalArgumentException.class, () -> PrometheusTextParser.parse(exposition), what);
    }

    @Test
    void refusesAMissingFinalNewLine() {
        assertThrows(IllegalArgumentException.class, () -> PrometheusTextParser.parse("a 1"));
    }
}
