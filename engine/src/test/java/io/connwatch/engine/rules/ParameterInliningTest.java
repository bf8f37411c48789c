package io.connwatch.engine.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParameterInliningTest {
    @TempDir
    Path dir;

    private RuleParameters params() throws Exception {
        Files.writeString(dir.resolve(RuleParameters.FILE_NAME), """
            spike:
              window: 5m
              floor: 50
              factor: 5
              share: 0.6
              tiny: 0.00001
            """);
        return RuleParameters.load(dir);
    }

    @Test
    void callsBecomeLiteralsOfTheSameWidthSoLinesAndColumnsStay() throws Exception {
        String drl = "  timestamp > ($ts - params.millis(\"spike.window\")), x >= params.count( \"spike.floor\" )\n"
            + "  eval( $f >= params.ratio(\"spike.factor\") * params.ratio(\"spike.share\") )\n";
        String expected = "  timestamp > ($ts - " + padded("(300000L)", "params.millis(\"spike.window\")") + "), x >= "
            + padded("(50L)", "params.count( \"spike.floor\" )") + "\n"
            + "  eval( $f >= " + padded("(5.0)", "params.ratio(\"spike.factor\")") + " * "
            + padded("(0.6)", "params.ratio(\"spike.share\")") + " )\n";
        assertEquals(expected, ParameterInlining.apply(drl, params()));
    }

    private static String padded(String literal, String call) {
        return literal + " ".repeat(call.length() - literal.length());
    }

    @Test
    void unknownKeysBadValuesStringsAndCommentsAreLeftAsWritten() throws Exception {
        RuleParameters p = params();
        String drl = """
            x > params.count("spike.missing")
            x > params.count("spike.share")
            y > params.ratio("spike.tiny")
            .summary("uses params.count(\\"spike.floor\\") here")
            .summary("also params.count("spike.floor") here")
            // params.count("spike.floor")
            """;
        assertEquals(drl, ParameterInlining.apply(drl, p));
    }
}
