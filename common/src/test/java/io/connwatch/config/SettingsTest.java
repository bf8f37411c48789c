package io.connwatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The one settings reader: each type, the error format, and secrets that never reach a problem. */
class SettingsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final List<String> problems = new ArrayList<>();

    /** The settings of {@code json} under the path {@code s}. */
    private Settings json(String json) throws Exception {
        return new Settings(JSON.readTree(json), "s", problems);
    }

    private Settings one(String key, String jsonValue) throws Exception {
        return json("{\"" + key + "\": " + jsonValue + "}");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "true | true", "false | false", "'\"true\"' | true", "'\"TRUE\"' | true", "'\"yes\"' | true", "'\"Yes\"' | true",
        "'\"on\"' | true", "'\"ON\"' | true", "'\"no\"' | false", "'\"off\"' | false", "'\"Off\"' | false", "'\" false \"' | false"})
    void booleansAreTrueFalseYesNoOnOffInAnyCaseQuotedOrNot(String value, boolean expected) throws Exception {
        assertEquals(expected, one("flag", value).bool("flag", !expected));
        assertEquals(List.of(), problems);
    }

    @Test
    void yamlBooleansReadTheSame() throws Exception {
        Settings s = new Settings(YAML.readTree("{a: yes, b: off, c: 'on', d: True}"), "s", problems);
        assertTrue(s.bool("a", false));
        assertFalse(s.bool("b", true));
        assertTrue(s.bool("c", false));
        assertTrue(s.bool("d", false));
        assertEquals(List.of(), problems);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"abc\"", "\"5\"", "5", "\"maybe\"", "1.5"})
    void anythingElseIsNotABoolean(String value) throws Exception {
        assertTrue(one("flag", value).bool("flag", true), "the default stays");
        String shown = JSON.readTree(value).asText();
        assertEquals(List.of("s.flag: expected true or false, got '" + shown + "'"), problems);
    }

    @Test
    void absentNullAndBlankTakeTheDefault() throws Exception {
        Settings s = json("{\"n\": null, \"b\": \" \"}");
        for (String key : List.of("missing", "n", "b")) {
            assertTrue(s.bool(key, true));
            assertEquals(7, s.integer(key, 7, 0, 10));
            assertEquals(7L, s.longValue(key, 7, 0, 10));
            assertEquals(0.5, s.decimal(key, 0.5));
            assertEquals(Duration.ofSeconds(3), s.duration(key, Duration.ofSeconds(3)));
            assertEquals("d", s.string(key, "d"));
            assertEquals("x", s.choice(key, "x", List.of("x", "y")));
            assertNull(s.glob(key));
        }
        assertFalse(s.has("missing"));
        assertFalse(s.has("n"));
        assertTrue(s.has("b"));
        assertEquals(List.of(), problems);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {"5 | 5", "'\"5\"' | 5", "'\" 42 \"' | 42", "0 | 0", "'\"-0\"' | 0", "65535 | 65535"})
    void wholeNumbersAlsoQuoted(String value, int expected) throws Exception {
        assertEquals(expected, one("n", value).integer("n", -1, 0, 65535));
        assertEquals(List.of(), problems);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "'\"5m\"' | expected a whole number, got '5m'",
        "'\"abc\"' | expected a whole number, got 'abc'",
        "2.5 | expected a whole number, got '2.5'",
        "true | expected a whole number, got 'true'",
        "'\"yes\"' | expected a whole number, got 'yes'",
        "70000 | 70000 is outside 0..65535",
        "-1 | -1 is outside 0..65535",
        "'\"99999999999\"' | 99999999999 is outside 0..65535"})
    void wrongWholeNumbersSayWhatWasExpectedAndWhatCame(String value, String message) throws Exception {
        assertEquals(8080, one("port", value).integer("port", 8080, 0, 65535));
        assertEquals(List.of("s.port: " + message), problems);
    }

    @Test
    void aRangeOpenAboveNamesOnlyTheBoundBroken() throws Exception {
        Settings s = json("{\"a\": 100, \"b\": 3000000000, \"c\": \"0\"}");
        assertEquals(1024, s.integer("a", 1024, 1024, Integer.MAX_VALUE));
        assertEquals(1024, s.integer("b", 1024, 1024, Integer.MAX_VALUE));
        assertEquals(9L, s.longValue("c", 9, 1, Long.MAX_VALUE));
        assertEquals(List.of("s.a: 100 is below the minimum 1024", "s.b: 3000000000 is above the maximum 2147483647",
            "s.c: 0 is below the minimum 1"), problems);
    }

    @Test
    void longNumbers() throws Exception {
        assertEquals(268435456L << 4, one("bytes", "4294967296").longValue("bytes", 1, 1, Long.MAX_VALUE));
        assertEquals(List.of(), problems);
    }

    @Test
    void decimalNumbersAlsoQuoted() throws Exception {
        Settings s = json("{\"a\": 2, \"b\": 0.25, \"c\": \"1.5\", \"d\": \"abc\", \"e\": \"NaN\", \"f\": \"5m\"}");
        assertEquals(2.0, s.decimal("a", 0));
        assertEquals(0.25, s.decimal("b", 0));
        assertEquals(1.5, s.decimal("c", 0));
        assertEquals(7.0, s.decimal("d", 7));
        assertEquals(7.0, s.decimal("e", 7));
        assertEquals(7.0, s.decimal("f", 7));
        assertEquals(List.of("s.d: expected a number, got 'abc'", "s.e: expected a number, got 'NaN'", "s.f: expected a number, got '5m'"),
            problems);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"250ms, PT0.25S", "90s, PT1M30S", "5m, PT5M", "2h, PT2H", "1d, PT24H", "PT5M, PT5M", "' 10S ', PT10S"})
    void durationsAsDurationsReadsThem(String text, String iso) throws Exception {
        assertEquals(Duration.parse(iso), one("d", JSON.writeValueAsString(text)).duration("d", Duration.ZERO));
        assertEquals(List.of(), problems);
    }

    @Test
    void aDurationNeedsAUnitAndSomeMustBePositive() throws Exception {
        Settings s = json("{\"a\": 5, \"b\": \"yes\", \"c\": \"0s\", \"d\": \"-5s\", \"e\": \"3s\"}");
        assertEquals(Duration.ofSeconds(1), s.duration("a", Duration.ofSeconds(1)));
        assertEquals(Duration.ofSeconds(1), s.duration("b", Duration.ofSeconds(1)));
        assertEquals(Duration.ofSeconds(1), s.positiveDuration("c", Duration.ofSeconds(1)));
        assertEquals(Duration.ofSeconds(1), s.positiveDuration("d", Duration.ofSeconds(1)));
        assertEquals(Duration.ofSeconds(3), s.positiveDuration("e", Duration.ofSeconds(1)));
        assertEquals(Duration.ZERO, s.duration("c", Duration.ofSeconds(1)), "zero is fine where zero is allowed");
        assertEquals(List.of(
            "s.a: not a duration: '5' (use e.g. 250ms, 90s, 5m, 2h, 1d or PT5M)",
            "s.b: not a duration: 'yes' (use e.g. 250ms, 90s, 5m, 2h, 1d or PT5M)",
            "s.c: must be positive",
            "s.d: must be positive"), problems);
    }

    @Test
    void choicesInAnyCaseComeBackSpelledAsAllowed() throws Exception {
        Settings s = json("{\"tls\": \"STARTTLS\", \"table\": \"vmconnection\", \"start\": \"middle\", \"one\": \"x\"}");
        assertEquals("starttls", s.choice("tls", "none", List.of("starttls", "smtps", "none")));
        assertEquals("VMConnection", s.choice("table", "auto", List.of("auto", "VMConnection", "VMBoundPort")));
        assertEquals("earliest", s.choice("start", "earliest", List.of("earliest", "latest")));
        assertEquals("y", s.choice("one", "y", List.of("y")));
        assertEquals(List.of("s.start: expected earliest or latest, got 'middle'", "s.one: expected y, got 'x'"), problems);
    }

    @Test
    void parsedValuesReportTheParsersMessage() throws Exception {
        Settings s = json("{\"sev\": \"urgent\", \"ok\": \"3\"}");
        assertEquals(0, s.value("sev", 0, t -> {
            throw new IllegalArgumentException("unknown severity '" + t + "'");
        }));
        assertEquals(3, s.value("ok", 0, Integer::parseInt));
        assertEquals(List.of("s.sev: unknown severity 'urgent'"), problems);
    }

    @Test
    void globsListsAndMaps() throws Exception {
        Settings s = json("""
            {"machine": "web-*", "rules": ["unexpected-*", "telnet-?utbound"], "csv": "a, b,,c", "labels": {"team": "soc", "n": 5},
             "bad-map": [1], "nested-map": {"x": {"y": 1}}, "nested-list": ["a", ["b"]], "bad-list": {"a": 1}}
            """);
        Pattern machine = s.glob("machine");
        assertTrue(machine.matcher("WEB-01").matches(), "case-insensitive");
        assertFalse(machine.matcher("db-web-01").matches(), "the whole text");
        List<Pattern> rules = s.globs("rules");
        assertTrue(rules.get(0).matcher("unexpected-wildcard-bind").matches());
        assertTrue(rules.get(1).matcher("telnet-outbound").matches());
        assertEquals(List.of("a", "b", "c"), s.strings("csv"), "one comma-separated value is a list too");
        assertEquals(Map.of("team", "soc", "n", "5"), s.map("labels"));
        assertEquals(Map.of(), s.map("bad-map"));
        assertEquals(Map.of(), s.map("nested-map"));
        assertEquals(List.of("a"), s.strings("nested-list"));
        assertEquals(List.of(), s.strings("bad-list"));
        assertEquals(List.of("s.bad-map: expected key: value pairs", "s.nested-map.x: expected a single value",
            "s.nested-list[1]: expected a single value", "s.bad-list: expected a list"), problems);
    }

    @Test
    void oneErrorFormatDottedPathColonMessageThroughSectionsAndLists() throws Exception {
        Settings root = Settings.root(YAML.readTree("""
            colour: red
            kafka:
              rewind: soon
              topics: [plain-name, {name: t, table: VMProcess, colour: blue}, [nested]]
            http: 8080
            notify: {receivers: {name: not-a-list}}
            """), problems);
        root.only(Set.of("kafka", "http", "notify"));
        Settings kafka = root.child("kafka");
        kafka.duration("rewind", Duration.ZERO);
        List<Settings> topics = kafka.list("topics", "name");
        assertEquals(2, topics.size());
        assertEquals("plain-name", topics.get(0).required("name"), "a single value stands for its shorthand key");
        topics.get(1).only(Set.of("name", "table"));
        topics.get(1).choice("table", "auto", List.of("auto", "VMConnection", "VMBoundPort"));
        Settings http = root.section("http", Set.of("port"));
        assertEquals(80, http.integer("port", 80, 0, 65535), "a section that is not one reads as empty");
        Settings notify = root.child("notify");
        assertEquals(List.of(), notify.list("receivers"));
        assertTrue(root.optionalChild("absent").isEmpty());
        assertTrue(root.optionalChild("http").isEmpty());
        Settings named = topics.get(1).at("kafka.topics[t]");
        named.problem("two topics have this name");
        named.problem("name", "taken");
        assertEquals(List.of(
            "colour: unknown setting (expected one of http, kafka, notify)",
            "kafka.rewind: not a duration: 'soon' (use e.g. 250ms, 90s, 5m, 2h, 1d or PT5M)",
            "kafka.topics[2]: expected a section of settings",
            "kafka.topics[1].colour: unknown setting (expected one of name, table)",
            "kafka.topics[1].table: expected auto, VMConnection or VMBoundPort, got 'VMProcess'",
            "http: expected a section of settings",
            "notify.receivers: expected a list",
            "http: expected a section of settings",
            "kafka.topics[t]: two topics have this name",
            "kafka.topics[t].name: taken"), problems);
        assertEquals(problems.size(), root.problemCount());
    }

    @Test
    void requiredValuesAndSingleValues() throws Exception {
        Settings s = json("{\"host\": \"\", \"from\": {\"a\": 1}, \"to\": [\"x\"]}");
        assertNull(s.required("host"));
        assertNull(s.required("port"));
        assertNull(s.required("from"));
        assertEquals("d", s.string("to", "d"));
        assertEquals(List.of("s.host: missing", "s.port: missing", "s.from: expected a single value", "s.to: expected a single value"),
            problems);
    }

    @Test
    void secretsComeFromTheValueOrFromKeyFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("password");
        Files.writeString(file, "from-the-file\n");
        assertEquals("from-the-value", one("password", "\"from-the-value\"").secret("password", true));
        assertEquals("from-the-file", one("password-file", JSON.writeValueAsString(file.toString())).secret("password", true));
        assertNull(json("{}").secret("password", false));
        assertEquals(List.of(), problems);
        assertNull(json("{}").secret("password", true));
        assertEquals(List.of("s.password: missing (or password-file)"), problems);
    }

    @Test
    void noSecretEverAppearsInAProblem(@TempDir Path dir) throws Exception {
        String secret = "hunter2-s3cret";
        Path file = dir.resolve("token");
        Files.writeString(file, secret);
        Settings s = json("""
            {"password": "%s", "password-file": "%s", "token": ["%s"], "key": {"v": "%s"}, "other-file": "%s/none"}
            """.formatted(secret, file, secret, secret, dir));
        assertNull(s.secret("password", true));
        assertNull(s.secret("token", true));
        assertNull(s.secret("key", false));
        assertNull(s.secret("other", true));
        s.only(Set.of("user"));
        assertEquals(List.of(
            "s.password: give password or password-file, not both",
            "s.token: expected a single value",
            "s.key: expected a single value",
            "s.other-file: cannot read " + dir + "/none: NoSuchFileException",
            "s.password: unknown setting (expected one of user)",
            "s.password-file: unknown setting (expected one of user)",
            "s.token: unknown setting (expected one of user)",
            "s.key: unknown setting (expected one of user)",
            "s.other-file: unknown setting (expected one of user)"), problems);
        problems.forEach(p -> assertFalse(p.contains(secret), p));
    }
}
