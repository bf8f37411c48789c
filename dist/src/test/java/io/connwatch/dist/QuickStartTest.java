package io.connwatch.dist;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quick start works as written: the shell commands of docs/quickstart.md's demo and HTTP
 * sections, run in the unpacked archive (with {@code ./connwatch} meaning its {@code bin/connwatch}),
 * exit 0 and print what the page says they print.
 */
class QuickStartTest {
    private static final Path ARCHIVE = Path.of(System.getProperty("connwatch.archive"));
    private static final String VERSION = System.getProperty("connwatch.version");
    private static final Pattern ALERT_LINE = Pattern.compile("(?m)^\\d{4}-\\d\\d-\\d\\dT\\S+Z\\s+([A-Z]+)\\s+([a-z][a-z-]+)\\s");

    @TempDir
    static Path unpacked;
    static Path home;
    static String doc;

    @BeforeAll
    static void unpack() throws Exception {
        Process tar = new ProcessBuilder("tar", "xzf", ARCHIVE.toString()).directory(unpacked.toFile()).redirectErrorStream(true).start();
        String out = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(tar.waitFor(2, TimeUnit.MINUTES) && tar.exitValue() == 0, out);
        home = unpacked.resolve("connwatch-" + VERSION);
        doc = Files.readString(home.resolve("docs/quickstart.md"));
    }

    @Test
    void theDemoPrintsTheAlertsAndCountsThePageQuotes() throws Exception {
        String section = section("## The demo");
        List<String> commands = shellCommands(section);
        assertEquals(List.of("./connwatch replay samples/demo.jsonl.gz"), commands, "the demo section's commands changed: update this test");

        String printed = block(section, "It prints");
        Matcher quotedRecords = Pattern.compile("`replayed ([\\d,]+) records`").matcher(section);
        Matcher quotedAlerts = Pattern.compile("`alerts: (\\d+) published`").matcher(section);
        assertTrue(quotedRecords.find() && quotedAlerts.find(), "the page quotes the record and alert counts");
        List<String> documented = alerts(printed);
        assertEquals(Integer.parseInt(quotedAlerts.group(1)), documented.size(), "the page's output shows as many alerts as it says");

        for (String command : commands) {
            Result r = shell(command);
            assertEquals(0, r.code(), command + "\n" + r.output());
            assertTrue(r.output().contains("replayed " + quotedRecords.group(1) + " records"), r.output());
            assertTrue(r.output().contains("alerts: " + quotedAlerts.group(1) + " published"), r.output());
            assertEquals(documented.stream().sorted().toList(), alerts(r.output()).stream().sorted().toList(),
                "the alerts (severity and rule) the page shows");
            for (String line : printed.lines().filter(l -> l.startsWith("notifications to replay:")).toList()) {
                assertTrue(r.output().contains(line), "prints " + line + "\n" + r.output());
            }
        }
    }

    @Test
    void recordsOverHttpAreAnsweredAsThePageShows() throws Exception {
        String section = section("## Records over HTTP");
        List<String> commands = shellCommands(section);
        assertEquals(2, commands.size(), commands.toString());
        assertEquals("./connwatch run", commands.get(0));
        String curl = commands.get(1);
        assertTrue(curl.startsWith("curl "), curl);

        // the page's port, 8080, may be taken on a build machine: give the archive's configuration a free one
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path config = home.resolve("config/connwatch.yaml");
        String yaml = Files.readString(config);
        assertTrue(yaml.contains("\n  port: 8080\n"), "the shipped configuration listens on 8080, as the page says");
        Files.writeString(config, yaml.replace("\n  port: 8080\n", "\n  port: " + port + "\n"));

        Process service = new ProcessBuilder(List.of(home.resolve("bin/connwatch").toString(), "run"))
            .directory(home.toFile()).redirectErrorStream(true).redirectOutput(home.resolve("run.log").toFile()).start();
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            URI ready = URI.create("http://127.0.0.1:" + port + "/ready");
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() -> {
                assertTrue(service.isAlive(), Files.readString(home.resolve("run.log")));
                return http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
            });

            // the curl line: its header (the token from data/admin-token), its body file and its URL
            assertTrue(curl.contains("-H \"Authorization: Bearer $(cat data/admin-token)\""), curl);
            Matcher body = Pattern.compile("--data-binary @(\\S+)").matcher(curl);
            Matcher url = Pattern.compile("(http://127\\.0\\.0\\.1:8080/\\S+)").matcher(curl);
            assertTrue(body.find() && url.find(), curl);
            String token = Files.readString(home.resolve("data/admin-token")).strip();
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(url.group(1).replace(":8080", ":" + port)))
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofFile(home.resolve(body.group(1)))).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, answer.statusCode(), answer.body());

            String shown = block(section, "the answer says which and why").replace("\n", " ");
            Matcher counts = Pattern.compile("\"accepted\":(\\d+),\"rejected\":(\\d+)").matcher(shown);
            assertTrue(counts.find(), shown);
            assertTrue(answer.body().startsWith("{\"accepted\":" + counts.group(1) + ",\"rejected\":" + counts.group(2) + ","), answer.body());
            Matcher reasons = Pattern.compile("\"location\":\"([^\"]+)\",\"field\":(null|\"[^\"]+\")").matcher(shown);
            int n = 0;
            while (reasons.find()) {
                n++;
                assertTrue(answer.body().contains("\"location\":\"" + reasons.group(1) + "\",\"field\":" + reasons.group(2)), answer.body());
            }
            assertEquals(Integer.parseInt(counts.group(2)), n, "the page shows a reason per rejected record");
            assertTrue(answer.body().contains("\"reason\":\"not an IPv4 or IPv6 address: '10.0.0.300'\""), answer.body());
        } finally {
            service.destroy();
            assertTrue(service.waitFor(1, TimeUnit.MINUTES), "connwatch run stops on SIGTERM");
        }
        assertFalse(service.isAlive());
    }

    /** The text of one section of the page, from its heading to the next heading of its level. */
    private static String section(String heading) {
        int start = doc.indexOf("\n" + heading + "\n");
        assertTrue(start >= 0, "docs/quickstart.md has no section " + heading);
        int end = doc.indexOf("\n## ", start + heading.length() + 1);
        return doc.substring(start, end < 0 ? doc.length() : end);
    }

    /** The lines of the section's ```sh blocks: the commands a reader runs. */
    private static List<String> shellCommands(String section) {
        List<String> commands = new ArrayList<>();
        Matcher m = Pattern.compile("(?s)```sh\\n(.*?)```").matcher(section);
        while (m.find()) {
            m.group(1).lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(commands::add);
        }
        return commands;
    }

    /** The first fenced block after the given words. */
    private static String block(String section, String after) {
        int at = section.indexOf(after);
        assertTrue(at >= 0, "no '" + after + "' in the section");
        Matcher m = Pattern.compile("(?s)```[a-z]*\\n(.*?)```").matcher(section);
        assertTrue(m.find(at), "no block after '" + after + "'");
        return m.group(1);
    }

    private static List<String> alerts(String text) {
        List<String> found = new ArrayList<>();
        Matcher m = ALERT_LINE.matcher(text);
        while (m.find()) {
            found.add(m.group(1) + " " + m.group(2));
        }
        return found;
    }

    private record Result(int code, String output) {
    }

    /** Runs one line of the page in the archive's directory, {@code ./connwatch} being its launcher. */
    private static Result shell(String line) throws IOException, InterruptedException {
        String command = line.replaceAll("(^|\\s|\\|)\\./connwatch(?=\\s|$)", "$1" + home.resolve("bin/connwatch"));
        Process p = new ProcessBuilder("sh", "-c", command).directory(home.toFile()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "timed out: " + command);
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
