package io.connwatch.engine.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each typical DRL mistake is reported once, at the line that needs the fix, with its likely cause and a suggestion. */
class RuleMessagesTest {
    private static final String HEAD = "package t;\nimport io.connwatch.engine.facts.*;\n\n";

    @TempDir
    Path tmp;

    private List<RuleProblem> problems(String... nameAndText) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("rules"));
        for (int i = 0; i < nameAndText.length; i += 2) {
            Files.writeString(dir.resolve(nameAndText[i]), nameAndText[i + 1]);
        }
        return assertThrows(RuleCompilationException.class, () -> RuleCompiler.compile(dir, EventRetention.DEFAULT)).problems();
    }

    private static RuleProblem only(List<RuleProblem> problems) {
        assertEquals(1, problems.size(), problems.toString());
        return problems.get(0);
    }

    @Test
    void aMissingEndIsReportedAsSuchAtTheRuleThatLacksIt() throws IOException {
        RuleProblem p = only(problems("r.drl", HEAD + """
            rule "first"
            when
                Connection( destinationPort == 22 )
            then
                System.out.println("first");

            rule "second"
            when
                Connection( destinationPort == 23 )
            then
            end
            """));
        assertEquals(4, p.line(), p.format());
        assertTrue(p.message().startsWith("missing end: rule \"first\" is not closed"), p.format());
        assertTrue(p.message().contains("before line 10"), p.format());
    }

    @Test
    void anUnclosedParenthesisSaysACloseParenthesisIsExpectedAtItsLine() throws IOException {
        RuleProblem p = only(problems("r.drl", HEAD + """
            rule "first"
            when
                $c : Connection( destinationPort == 22,
                                 linksEstablished > 0
                BoundPort( port == 1 )
            then
            end
            """));
        assertEquals(7, p.line(), p.format());
        assertTrue(p.message().contains("`)` expected"), p.format());
        assertTrue(p.message().contains("`Connection(` at line 6"), p.format());
    }

    @Test
    void aDuplicateRuleNameInOneFileIsOneMessageWithoutTheGeneratedClassError() throws IOException {
        RuleProblem p = only(problems("r.drl", HEAD + """
            rule "same"
            when
                Connection( destinationPort == 22 )
            then
            end

            rule "same"
            when
                Connection( destinationPort == 23 )
            then
            end
            """));
        assertEquals(10, p.line(), p.format());
        assertTrue(p.message().startsWith("duplicate rule name \"same\": also defined at "), p.format());
        assertTrue(p.message().contains("r.drl:4"), p.format());
        assertFalse(p.message().contains("Rule_same"), p.format());
    }

    @Test
    void aDuplicateRuleNameInAnotherPackageAndFileIsAnError() throws IOException {
        RuleProblem p = only(problems(
            "a.drl", "package one;\nimport io.connwatch.engine.facts.*;\n\nrule \"same\"\nwhen\n    Connection()\nthen\nend\n",
            "b.drl", "package two;\nimport io.connwatch.engine.facts.*;\n\nrule \"same\"\nwhen\n    BoundPort()\nthen\nend\n"));
        assertTrue(p.file().endsWith("b.drl"), p.format());
        assertEquals(4, p.line());
        assertTrue(p.message().contains("also defined at ") && p.message().contains("a.drl:4 (package one)"), p.format());
    }

    @Test
    void aMisspelledFieldGetsTheClosestFieldOfTheFact() throws IOException {
        RuleProblem p = only(problems("r.drl", HEAD + "rule \"first\"\nwhen\n    Connection( destinationPrt == 22 )\nthen\nend\n"));
        assertEquals(6, p.line(), p.format());
        assertEquals("Connection has no field 'destinationPrt'; did you mean 'destinationPort'? (its fields: rules/README.md, section Facts)",
            p.message());
    }

    @Test
    void aStringComparedWithANumberFieldIsACompileErrorWithItsLine() throws IOException {
        RuleProblem p = only(problems("r.drl", HEAD + "rule \"ssh\"\nwhen\n    Connection( linksFailed > 0,\n"
            + "                destinationPort == \"ssh\" )\nthen\nend\n"));
        assertEquals(7, p.line(), p.format());
        assertTrue(p.message().startsWith("rule \"ssh\": Connection.destinationPort is a number (int) but \"ssh\" is not"), p.format());
    }

    @Test
    void aStringThatIsNoConstantOfAnEnumFieldNamesTheClosestConstant() throws IOException {
        RuleProblem p = only(problems("r.drl", HEAD + "rule \"out\"\nwhen\n    Connection( direction == \"outbund\" )\nthen\nend\n"));
        assertEquals(6, p.line(), p.format());
        assertTrue(p.message().endsWith("(did you mean OUTBOUND?); write direction == Direction.OUTBOUND"), p.format());
    }

    @Test
    void literalsOfTheRightTypeAndStringFieldsAreFine() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("ok"));
        Files.writeString(dir.resolve("r.drl"), HEAD + """
            rule "fine"
            when
                Connection( destinationPort == "22", computer == "a", protocol == "TCP", inbound == "true", processName != "x(y)" )
            then
            end

            rule "on one line" when Connection( destinationPort == 23 ) then System.out.println("end"); end
            """);
        assertEquals(List.of("fine", "on one line"), RuleCompiler.compile(dir, EventRetention.DEFAULT).ruleNames());
    }

    @Test
    void aCompileErrorIsNotDumpedRawByDroolsBeforeTheSummary() throws Exception {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            problems("r.drl", HEAD + "rule \"first\"\nwhen\n    Connection( destinationPrt == 22 )\nthen\nend\n");
        } finally {
            System.setErr(err);
        }
        String logged = captured.toString(StandardCharsets.UTF_8);
        assertFalse(logged.contains("destinationPrt"), logged);
        assertFalse(logged.contains("Unable to build KieBaseModel"), logged);
    }
}
