package io.connwatch.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.connwatch.alert.Alert;
import io.connwatch.alert.AlertJson;
import io.connwatch.engine.rules.Rows;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** Runs the connwatch commands as a user would, on real files, and reads what they print. */
class CliTest {
    private static final Path SHIPPED_RULES = Path.of("..", "rules").toAbsolutePath().normalize();
    private static final Path DEMO = Path.of("..", "samples", "demo.jsonl.gz").toAbsolutePath().normalize();

    @TempDir
    Path tmp;
    private Path config;

    public record Result(int exit, String out, String err) {
    }

    @BeforeEach
    void writeConfig() throws IOException {
        config = tmp.resolve("connwatch.yaml");
        Files.writeString(config, "rules:\n  directory: " + SHIPPED_RULES + "\n  partitions: 2\n");
    }

    /** Runs a connwatch command line in this JVM and returns its exit code and what it printed. */
    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = ConnwatchCommand.commandLine(args);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    @Test
    void validateRulesAcceptsTheShippedRules() {
        Result r = run("validate-rules", "--config", config.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("16 rules in 10 files compiled"), r.out());
        assertTrue(r.out().contains("malicious-remote-ip-outbound"), r.out());
    }

    @Test
    void validateRulesReportsEverySyntaxErrorWithFileAndLineAndFailsTheExitCode() throws IOException {
        Path rules = Files.createDirectories(tmp.resolve("rules"));
        Files.writeString(rules.resolve("good.drl"), "package t;\nrule \"ok\"\nwhen\n    String()\nthen\nend\n");
        Files.writeString(rules.resolve("bad-one.drl"), "package t;\nrule \"broken\"\nwhen\n    String( length > )\nthen\nend\n");
        Files.writeString(rules.resolve("bad-two.drl"), "package t;\n\nrule \"also broken\"\nwhen\n    NoSuchType()\nthen\nend\n");
        Result r = run("validate-rules", "--config", config.toString(), rules.toString());
        assertEquals(1, r.exit(), r.out());
        assertTrue(r.err().contains(rules.resolve("bad-one.drl") + ":4:"), r.err());
        assertTrue(r.err().contains(rules.resolve("bad-two.drl") + ":"), r.err());
        assertTrue(r.err().contains("NoSuchType"), r.err());
        assertFalse(r.err().contains("good.drl"), r.err());
    }

    @Test
    void validateRulesReportsAParameterTheRulesUseButTheFileLacks() throws IOException {
        Path rules = Files.createDirectories(tmp.resolve("rules"));
        Files.writeString(rules.resolve("uses.drl"), "package t;\nglobal io.connwatch.engine.rules.RuleParameters params;\n"
            + "rule \"r\"\nwhen\n    String( length > params.count(\"my.floor\") )\nthen\nend\n");
        Files.writeString(rules.resolve("parameters.yaml"), "other: 1\n");
        Result r = run("validate-rules", "--config", config.toString(), rules.toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains(rules.resolve("uses.drl") + ":5:"), r.err());
        assertTrue(r.err().contains("parameter 'my.floor' is not set"), r.err());
    }

    @Test
    void validateRulesRefusesMalformedAttackIdsAndWarnsAboutUnknownOnes() throws IOException {
        Path rules = Files.createDirectories(tmp.resolve("rules"));
        Path drl = rules.resolve("attack.drl");
        Files.writeString(drl, "package t;\nrule \"r\"\n    @tactic(\"TA11\")\n    @technique(\"T1071\")\nwhen\n    String()\nthen\nend\n");
        Result bad = run("validate-rules", "--config", config.toString(), rules.toString());
        assertEquals(1, bad.exit(), bad.out());
        assertTrue(bad.err().contains(drl + ":3:4: rule \"r\": @tactic 'TA11' is not a tactic id"), bad.err());
        assertTrue(bad.err().contains(drl + ":4:4: rule \"r\": @technique T1071 without @tactic"), bad.err());

        Files.writeString(drl, "package t;\nrule \"r\"\n    @tactic(\"TA0011\")\n    @technique(\"T1071, T1999\")\nwhen\n    String()\nthen\nend\n");
        Result unknown = run("validate-rules", "--config", config.toString(), rules.toString());
        assertEquals(0, unknown.exit(), unknown.err());
        assertTrue(unknown.out().contains(drl + ":4:4: warning: rule \"r\": T1999 is not in connwatch's ATT&CK technique table"),
            unknown.out());
    }

    @Test
    void validateRulesWarnsAboutPatternsThatHurtAnAlwaysOnEngine() throws IOException {
        Path rules = Files.createDirectories(tmp.resolve("rules"));
        Files.writeString(rules.resolve("risky.drl"), """
            package t;
            import io.connwatch.engine.facts.*;
            import java.util.List;

            rule "all failures ever"
            when
                $m : MachineMinute( $machine : machine )
                accumulate( MachineMinute( machine == $machine, $f : linksFailed ); $total : sum( $f ) )
            then
            end

            rule "no heartbeat"
            when
                $b : BoundPort( )
                not Connection( machine == $b.machine )
            then
            end

            rule "rows in a window"
            when
                $c : Connection( )
                accumulate( Connection( machine == $c.machine ) over window:time( 10m ); $n : count() )
            then
            end

            rule "bounded"
            when
                $m : MachineMinute( $machine : machine, $ts : timestamp )
                accumulate( MachineMinute( machine == $machine, timestamp > ($ts - 600000) ); $n : count() )
            then
            end
            """);
        Result r = run("validate-rules", "--config", config.toString(), rules.toString());
        assertEquals(0, r.exit(), r.err());
        String f = rules.resolve("risky.drl").toString();
        assertTrue(r.out().contains(f + ":8:4: warning: rule \"all failures ever\": accumulate over MachineMinute with no window"), r.out());
        assertTrue(r.out().contains(f + ":15:4: warning: rule \"no heartbeat\": `not Connection` with no time bound"), r.out());
        assertTrue(r.out().contains(f + ":22:16: warning: rule \"rows in a window\": a window or temporal operator over raw rows"), r.out());
        assertEquals(3, r.out().split("warning:", -1).length - 1, r.out());
    }

    @Test
    void runRefusesToStartOnBrokenRules() throws IOException {
        Path rules = Files.createDirectories(tmp.resolve("rules"));
        Files.writeString(rules.resolve("bad.drl"), "package t;\nrule \"x\" when then\n");
        Files.writeString(config, "rules:\n  directory: " + rules + "\nhttp:\n  port: 0\n");
        Result r = run("run", "--config", config.toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains(rules.resolve("bad.drl") + ":"), r.err());
    }

    @Test
    void replayProcessesTheGoodLinesAndReportsTheBadOnesByLine() throws IOException {
        Path input = tmp.resolve("mixed.jsonl");
        Files.writeString(input, String.join("\n",
            Rows.connection("2024-05-01T10:00:00Z", "m-1").set("DestinationIp", "192.9.135.73").malicious("C2", 5, 90).json(),
            "{\"TimeGenerated\": \"2024-05-01T10:00:00Z\", \"Machine\": ",
            Rows.connection("2024-05-01T10:01:00Z", "m-1").set("SourceIp", "10.0.0.300").json(),
            Rows.boundPort("2024-05-01T10:01:00Z", "m-2").set("Ip", "0.0.0.0").json(),
            ""));
        Result r = run("replay", "--config", config.toString(), input.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("malicious-remote-ip-outbound"), r.out());
        assertTrue(r.out().contains("unexpected-wildcard-bind"), r.out());
        assertTrue(r.err().contains("rejected " + input + ":line 2, column "), r.err());
        assertTrue(r.err().contains("rejected " + input + ":line 3: SourceIp: not an IPv4 or IPv6 address: '10.0.0.300'"), r.err());
        assertTrue(r.err().contains("replayed 2 records from 1 file(s)"), r.err());
        assertTrue(r.err().contains("; 2 rejected"), r.err());
    }

    @Test
    void replayOfAMissingFileSaysSoAndStillRunsTheOthers() throws IOException {
        Path good = tmp.resolve("good.jsonl");
        Files.writeString(good, Rows.boundPort("2024-05-01T10:01:00Z", "m-2").set("Ip", "0.0.0.0").json() + "\n");
        Result r = run("replay", "--config", config.toString(), tmp.resolve("absent.jsonl").toString(), good.toString());
        assertEquals(3, r.exit());
        assertTrue(r.err().contains("absent.jsonl:file: cannot read"), r.err());
        assertTrue(r.out().contains("unexpected-wildcard-bind"), r.out());
    }

    @Test
    void theCommittedDemoRaisesAlertsOfAllThreeKinds() throws IOException {
        Path findings = tmp.resolve("alerts.ocsf.jsonl");
        Result r = run("replay", "--config", config.toString(), "--output", "jsonl", "--alerts-file", findings.toString(),
            "--alerts-format", "ocsf", DEMO.toString());
        assertEquals(0, r.exit(), r.err());
        Map<String, Integer> byRule = new TreeMap<>();
        for (String line : r.out().split("\n")) {
            try {
                Alert a = AlertJson.fromJson(line);
                byRule.merge(a.rule(), 1, Integer::sum);
            } catch (IOException e) {
                throw new AssertionError("not an alert: " + line, e);
            }
        }
        assertEquals(Map.ofEntries(Map.entry("connection-failure-ratio-machine", 2), Map.entry("connection-failure-spike-machine", 3),
            Map.entry("connection-failure-spike-process", 1), Map.entry("malicious-inbound-open-port", 1),
            Map.entry("malicious-remote-ip-outbound", 1), Map.entry("unexpected-wildcard-bind", 1), Map.entry("port-scan-fan-out", 1),
            Map.entry("lateral-movement-admin-ports", 1), Map.entry("exfiltration-volume", 1),
            Map.entry("unusual-destination-country", 1),
            // masscan's sweep of 203.0.113.0/24 on SMB: outbound SMB to public addresses
            Map.entry("admin-protocol-to-internet", 1)), byRule);
        assertTrue(r.err().contains("0 rejected"), r.err());
        // every alert carries its rule's ATT&CK ids, as rules/README.md lists them
        Map<String, String> attack = Map.ofEntries(Map.entry("admin-protocol-to-internet", "TA0008/T1021.002,T1021.001,T1021.006"),
            Map.entry("connection-failure-ratio-machine", "TA0007/T1046"), Map.entry("connection-failure-spike-machine",
            "TA0007/T1046"), Map.entry("connection-failure-spike-process", "TA0007/T1046"), Map.entry("malicious-inbound-open-port", "TA0001/T1190"),
            Map.entry("malicious-remote-ip-outbound", "TA0011/T1071"), Map.entry("unexpected-wildcard-bind", "TA0003,TA0011/T1571"),
            Map.entry("port-scan-fan-out", "TA0007/T1046"), Map.entry("lateral-movement-admin-ports", "TA0008/T1021"),
            Map.entry("exfiltration-volume", "TA0010/T1041,T1048"), Map.entry("unusual-destination-country", "TA0011/T1071"));
        for (String line : r.out().split("\n")) {
            Alert a = AlertJson.fromJson(line);
            assertEquals(attack.get(a.rule()), a.labels().get("tactic") + "/" + a.labels().get("technique"), line);
        }
        // and the alerts file holds each as an OCSF Detection Finding with those ids
        List<String> lines = Files.readAllLines(findings);
        assertEquals(r.out().split("\n").length, lines.size());
        for (String line : lines) {
            JsonNode f = new ObjectMapper().readTree(line);
            assertEquals(2004, f.path("class_uid").asInt(), line);
            String rule = f.path("finding_info").path("analytic").path("name").asText();
            List<String> tactics = List.of(attack.get(rule).split("/")[0].split(","));
            assertTrue(tactics.contains(f.path("finding_info").path("attacks").get(0).path("tactic").path("uid").asText()), line);
        }
    }

    @Test
    void theDemoWithTheShippedFeodoFeedAlsoCatchesTheBeaconAzureMissed() throws IOException {
        Path feed = Path.of("..", "config", "feeds", "feodo-ipblocklist.csv").toAbsolutePath().normalize();
        Files.writeString(config, "rules:\n  directory: " + SHIPPED_RULES + "\nthreat-intel:\n  feeds:\n"
            + "    - {name: feodo, format: feodo-csv, path: " + feed + "}\n");
        Result r = run("replay", "--config", config.toString(), "--output", "jsonl", DEMO.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("feed feodo: 28 indicators"), r.err());
        List<Alert> outbound = new ArrayList<>();
        for (String line : r.out().split("\n")) {
            Alert a = AlertJson.fromJson(line);
            if (a.rule().equals("malicious-remote-ip-outbound")) {
                outbound.add(a);
            }
        }
        assertEquals(2, outbound.size(), outbound.toString());
        Alert feedOnly = outbound.stream().filter(a -> a.labels().get("threat_source").equals("feed")).findFirst().orElseThrow();
        assertEquals("svchost32", feedOnly.process());
        assertTrue(feedOnly.summary().contains("known C2 (feodo) 85.239.243.155:5000"), feedOnly.summary());
    }

    @Test
    void feedsInspectSaysWhatAFileYields() {
        Path stix = Path.of("..", "threat-feeds", "src", "test", "resources", "feeds", "stix21-apt1.json").toAbsolutePath();
        Result r = run("feeds", "inspect", "--format", "stix21", stix.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("indicators: 4\n  IPv4: 0 hosts, 4 networks; IPv6: 0 hosts, 0 networks"), r.out());
        assertTrue(r.out().contains("skipped on purpose: 8 {domain-name=3, file=3, x509-certificate=2}"), r.out());
        Result wrong = run("feeds", "inspect", "--format", "misp-event", stix.toString());
        assertEquals(1, wrong.exit());
        assertTrue(wrong.err().contains("not a MISP event"), wrong.err());
    }

    @Test
    void feedsInspectReadsAnyCsvThroughAMapping() throws IOException {
        Path csv = tmp.resolve("vendor.csv");
        Files.writeString(csv, "address,kind\n198.51.100.7,C2\n2001:db8::/32,Botnet\nnope,C2\n");
        Result r = run("feeds", "inspect", "--format", "csv", "--csv", "ip=address", "--csv", "threat-type=kind", csv.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("IPv4: 1 hosts, 0 networks; IPv6: 0 hosts, 1 networks"), r.out());
        assertTrue(r.out().contains("by threat type: {Botnet=1, C2=1}"), r.out());
        assertTrue(r.out().contains("unreadable: 1\n  vendor.csv: line 4: address: not an IP address or CIDR: 'nope'"), r.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"json", "envelope", "csv"})
    void everyGeneratedShapeGivesTheSameAlertsAsJsonLines(String format) throws IOException {
        Path jsonl = tmp.resolve("g.jsonl");
        Path other = tmp.resolve("g." + format + ".gz");
        assertEquals(0, run("generate", "--machines", "6", "--hours", "1", "-o", jsonl.toString()).exit());
        assertEquals(0, run("generate", "--machines", "6", "--hours", "1", "--format", format, "-o", other.toString()).exit());
        List<String> a = rules(run("replay", "--config", config.toString(), jsonl.toString()));
        List<String> b = rules(run("replay", "--config", config.toString(), other.toString()));
        assertFalse(a.isEmpty());
        assertEquals(a, b);
    }

    private static List<String> rules(Result r) {
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains(" 0 rejected"), r.err());
        List<String> lines = new ArrayList<>(Arrays.asList(r.out().split("\n")));
        lines.sort(null);
        return lines;
    }

    @Test
    void badConfigurationIsReportedAllAtOnce() throws IOException {
        Files.writeString(config, "rules:\n  directory: ${CONNWATCH_TEST_UNSET_VARIABLE}\n  episode-gap: soon\nhttp:\n  prot: 80\n");
        Result r = run("validate-rules", "--config", config.toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("3 configuration problem(s)"), r.err());
        assertTrue(r.err().contains("line 2: environment variable CONNWATCH_TEST_UNSET_VARIABLE is not set"), r.err());
        assertTrue(r.err().contains("rules.episode-gap: not a duration: 'soon'"), r.err());
        assertTrue(r.err().contains("http.prot: unknown setting"), r.err());
    }

    @Test
    void reloadSendsTheAdminTokenFromItsFile() throws Exception {
        Path tokenFile = tmp.resolve("admin-token");
        Files.writeString(config, "rules:\n  directory: " + SHIPPED_RULES + "\n  watch: 0s\nhttp:\n  port: 0\n  auth: {admin-token-file: "
            + tokenFile + "}\noutputs:\n  console: false\n  jsonl: \"\"\n");
        try (var service = io.connwatch.engine.service.ConnwatchService.start(
                io.connwatch.engine.config.ConnwatchConfig.load(config, Map.of()), new PrintWriter(new StringWriter(), true))) {
            String url = "http://127.0.0.1:" + service.httpPort();
            Result r = run("reload", "--url", url, "--token-file", tokenFile.toString());
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().contains("\"version\":\"2\""), r.out());

            Path wrong = Files.writeString(tmp.resolve("wrong-token"), "not-the-admin-token-0123456789");
            Result refused = run("reload", "--url", url, "--token-file", wrong.toString());
            assertEquals(2, refused.exit());
            assertTrue(refused.err().contains("the token or session is not valid"), refused.err());
            assertFalse(refused.err().contains("not-the-admin-token"), refused.err());

            Result missing = run("reload", "--url", url, "--token-file", tmp.resolve("absent").toString());
            assertEquals(2, missing.exit());
            assertTrue(missing.err().startsWith("no token for the service's API: set CONNWATCH_TOKEN or give --token-file (cannot read "),
                missing.err());
        }
    }

    @Test
    void reloadFindsTheServiceAndItsAdminTokenFromTheConfiguration() throws Exception {
        Path tokenFile = tmp.resolve("admin-token");
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Files.writeString(config, "rules:\n  directory: " + SHIPPED_RULES + "\n  watch: 0s\nhttp:\n  port: " + port
            + "\n  auth: {admin-token-file: " + tokenFile + "}\noutputs:\n  console: false\n  jsonl: \"\"\n");
        try (var service = io.connwatch.engine.service.ConnwatchService.start(
                io.connwatch.engine.config.ConnwatchConfig.load(config, Map.of()), new PrintWriter(new StringWriter(), true))) {
            Result r = run("reload", "-c", config.toString());
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().contains("\"version\":\"2\""), r.out());
        }
    }
}
