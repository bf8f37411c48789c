package io.connwatch.engine.workbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.connwatch.engine.facts.MachineRecord;
import io.connwatch.engine.facts.RecordDecoder;
import io.connwatch.engine.rules.Rows;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** The store's sums, bounds and views, fed the way the rule partitions feed it. */
class WorkbookStoreTest {
    private static List<MachineRecord> decode(String... lines) {
        List<MachineRecord> out = new ArrayList<>();
        new RecordDecoder().decode("test", String.join("\n", lines), RecordDecoder.Sink.of(out::add, r -> {
            throw new AssertionError(r.message());
        }));
        return out;
    }

    private static long minute(String iso) {
        return Instant.parse(iso).toEpochMilli() / 60_000;
    }

    private static WorkbookQuery all(String from, String to) {
        return new WorkbookQuery(m -> true, minute(from), minute(to), 10);
    }

    @Test
    void sumsLinksBytesAndFailuresPerMachineAndMinuteAndTellsTheFailureTrend() {
        WorkbookStore store = new WorkbookStore(WorkbookStore.Limits.DEFAULT);
        store.accepted(decode(
            Rows.connection("2024-04-01T08:00:00Z", "m-1").set("LinksEstablished", 9).set("LinksFailed", 1).set("BytesSent", 100).json(),
            Rows.connection("2024-04-01T08:00:00Z", "m-1").set("Direction", "inbound").set("SourceIp", "10.0.0.9")
                .set("DestinationIp", "10.0.0.4").set("LinksEstablished", 3).set("BytesReceived", 50).json(),
            Rows.connection("2024-04-01T08:03:00Z", "m-1").set("LinksEstablished", 5).set("LinksFailed", 5).json(),
            Rows.connection("2024-04-01T08:03:00Z", "m-2").set("LinksEstablished", 2).json()));
        JsonObject overview = new WorkbookViews(store).view("overview", all("2024-04-01T08:00:00Z", "2024-04-01T08:04:00Z"));
        assertEquals(4, overview.getJsonArray("times").size());
        assertEquals(1, overview.getInteger("binMinutes"));
        JsonObject totals = overview.getJsonObject("totals");
        assertEquals(3L, totals.getJsonObject("inbound").getLong("established"));
        assertEquals(16L, totals.getJsonObject("outbound").getLong("established"));
        assertEquals(6L, totals.getJsonObject("outbound").getLong("failed"));
        JsonArray outbound = overview.getJsonObject("series").getJsonArray("outbound");
        assertEquals("m-1.contoso.com", outbound.getJsonObject(0).getString("name"));
        assertEquals(new JsonArray().add(9L).add(0L).add(0L).add(5L), outbound.getJsonObject(0).getJsonArray("data"));

        JsonObject failures = new WorkbookViews(store).view("failures", all("2024-04-01T08:00:00Z", "2024-04-01T08:04:00Z"));
        JsonObject m1 = failures.getJsonArray("table").getJsonObject(0);
        assertEquals("m-1", m1.getString("machine"));
        assertEquals(6L, m1.getLong("failed"));
        assertEquals(17L, m1.getLong("established"));
        assertEquals(7.7, m1.getDouble("firstHalfPercent"));
        assertEquals(50.0, m1.getDouble("secondHalfPercent"));
        assertEquals("rising", m1.getString("trend"));
    }

    @Test
    void maliciousConnectionsCountByThreatTypeIndicatorAndCountry() {
        WorkbookStore store = new WorkbookStore(WorkbookStore.Limits.DEFAULT);
        store.accepted(decode(Rows.connection("2024-04-01T08:00:00Z", "m-1").set("DestinationIp", "192.9.135.73")
            .set("RemoteCountry", "Netherlands").malicious("C2", 5, 85).json(), Rows.connection("2024-04-01T08:00:00Z", "m-1").json()));
        JsonObject security = new WorkbookViews(store).view("security", all("2024-04-01T08:00:00Z", "2024-04-01T08:01:00Z"));
        assertEquals(new JsonObject().put("connections", 2L).put("malicious", 1L).put("benign", 1L), security.getJsonObject("totals"));
        assertEquals("C2", security.getJsonArray("byThreatType").getJsonObject(0).getString("name"));
        JsonObject indicator = security.getJsonArray("byIndicator").getJsonObject(0);
        assertEquals("192.9.135.73", indicator.getString("indicator"));
        assertEquals("Netherlands", indicator.getString("country"));
        assertEquals("outbound", indicator.getString("direction"));
        assertEquals("azure", indicator.getString("source"));
    }

    @Test
    void listeningPortsFlagWildcardBindsByFlagOrAddress() {
        WorkbookStore store = new WorkbookStore(WorkbookStore.Limits.DEFAULT);
        store.accepted(decode(
            Rows.boundPort("2024-04-01T08:00:00Z", "m-1").set("Ip", "0.0.0.0").set("Port", 9229).set("ProcessName", "node").json(),
            Rows.boundPort("2024-04-01T08:00:00Z", "m-1").set("IsWildcardBind", true).set("Port", 22).set("ProcessName", "sshd").json(),
            Rows.boundPort("2024-04-01T08:00:00Z", "m-1").set("Port", 6379).json(),
            Rows.boundPort("2024-04-01T08:00:00Z", "m-1").set("Ip", "127.0.0.1").set("Port", 5432).json()));
        JsonObject ports = new WorkbookViews(store).view("ports", all("2024-04-01T08:00:00Z", "2024-04-01T08:01:00Z"));
        JsonObject m1 = ports.getJsonArray("byMachine").getJsonObject(0);
        assertEquals(3, m1.getInteger("openPorts"), "loopback-only is not open");
        assertEquals(2, m1.getInteger("wildcardPorts"));
        JsonArray table = ports.getJsonArray("table");
        assertEquals(4, table.size());
        assertTrue(table.getJsonObject(0).getBoolean("wildcard") && table.getJsonObject(1).getBoolean("wildcard"), "wildcard rows first");
        assertEquals(true, table.stream().map(JsonObject.class::cast).filter(r -> r.getInteger("port") == 5432).findFirst().orElseThrow()
            .getBoolean("loopback"));
    }

    @Test
    void aSealedMinuteKeepsTheTopRemotesByBytesAndByLinksAndCountsTheRestAsOther() {
        WorkbookStore store = new WorkbookStore(new WorkbookStore.Limits(Duration.ofHours(6), 100, 2, 50));
        List<String> rows = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            rows.add(Rows.connection("2024-04-01T08:00:00Z", "m-1").set("DestinationIp", "198.51.100." + i)
                .set("BytesSent", i * 1000).set("LinksEstablished", i == 1 ? 500 : i == 2 ? 400 : 1).json());
        }
        rows.add(Rows.connection("2024-04-01T08:10:00Z", "m-1").json()); // moves the machine on: 08:00 is sealed
        store.accepted(decode(rows.toArray(String[]::new)));
        JsonArray talkers = new WorkbookViews(store).view("traffic", all("2024-04-01T08:00:00Z", "2024-04-01T08:01:00Z"))
            .getJsonArray("topTalkers");
        List<String> names = talkers.stream().map(o -> ((JsonObject) o).getString("remoteIp")).toList();
        // kept: the top 2 by bytes (.10, .9) and by links (.1, .2); .3 to .8 are summed as other
        assertEquals(List.of("(other)", "198.51.100.10", "198.51.100.9", "198.51.100.2", "198.51.100.1"), names);
        assertEquals(33_000L, talkers.getJsonObject(0).getLong("bytesSent"));
        assertEquals(6L, talkers.getJsonObject(0).getLong("links"));
    }

    @Test
    void keepsTheRetentionBehindEachMachineAndAtMostMaxMachines() {
        WorkbookStore store = new WorkbookStore(new WorkbookStore.Limits(Duration.ofMinutes(30), 4, 5, 50));
        Instant t0 = Instant.parse("2024-04-01T08:00:00Z");
        for (int m = 0; m < 10; m++) {
            store.accepted(decode(Rows.connection(t0.plusSeconds(60L * m).toString(), "m-" + m).json()));
        }
        // full of machines heard from in the last 10 minutes: the new ones are not kept, the first four keep their place
        assertEquals(4, store.stats().machines(), store.stats().toString());
        assertEquals(6, store.stats().full(), store.stats().toString());
        assertEquals(0, store.stats().evicted(), store.stats().toString());
        assertEquals(List.of("m-3", "m-2", "m-1"), store.machines(3).stream().map(WorkbookStore.MachineInfo::machine).toList());
        // m-1..m-3 go on; m-0 falls silent for 10 minutes of fleet time and gives its place to m-9
        for (int m = 10; m < 14; m++) {
            List<String> rows = new ArrayList<>();
            for (int k = 1; k <= 3; k++) {
                rows.add(Rows.connection(t0.plusSeconds(60L * m).toString(), "m-" + k).json());
            }
            store.accepted(decode(rows.toArray(String[]::new)));
        }
        store.accepted(decode(Rows.connection(t0.plusSeconds(60L * 13).toString(), "m-9").json()));
        assertEquals(1, store.stats().evicted(), store.stats().toString());
        assertEquals(List.of("m-1", "m-2", "m-3", "m-9"),
            store.machines(10).stream().map(WorkbookStore.MachineInfo::machine).sorted().toList());
        store.accepted(decode(Rows.connection("2024-04-01T09:00:00Z", "m-9").json(), Rows.connection("2024-04-01T08:05:00Z", "m-9").json()));
        assertEquals(1, store.stats().tooOld(), "an hour behind its machine's newest with 30 minutes kept");
        store.sweep();
        assertEquals(List.of("m-9"), store.machines(10).stream().map(WorkbookStore.MachineInfo::machine).toList());
    }

    @Test
    void aFloodOfNewMachineNamesNeitherChurnsTheStoreNorOutlivesItsSilence() {
        WorkbookStore store = new WorkbookStore(new WorkbookStore.Limits(Duration.ofHours(6), 100, 5, 50));
        Instant t0 = Instant.parse("2024-04-01T08:00:00Z");
        List<String> fleet = new ArrayList<>();
        for (int k = 0; k < 50; k++) {
            fleet.add(Rows.connection(t0.toString(), "real-" + k).json());
        }
        store.accepted(decode(fleet.toArray(String[]::new)));
        List<String> flood = new ArrayList<>();
        for (int k = 0; k < 10_000; k++) {
            // names chosen to forge log lines, should the store name them raw
            flood.add(Rows.connection(t0.toString(), "fake-" + k + "\n2024-04-01 ERROR forged").json());
        }
        ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(WorkbookStore.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs = new ch.qos.logback.core.read.ListAppender<>();
        logs.start();
        log.addAppender(logs);
        try {
            store.accepted(decode(flood.toArray(String[]::new)));
        } finally {
            log.detachAppender(logs);
        }
        List<String> said = logs.list.stream().map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage).toList();
        assertEquals(1, said.size(), "one line for the whole flood: " + said.size());
        assertTrue(said.get(0).contains("fake-50?2024-04-01 ERROR forged") && !said.get(0).contains("\n"), said.get(0));
        assertEquals(100, store.stats().machines());
        assertEquals(9_950, store.stats().full(), "the flood beyond the store is counted, not kept");
        assertEquals(0, store.stats().evicted(), "no machine heard from this minute was dropped for it");
        // the real fleet goes on for 10 minutes, the flood stops: the fake names give their places back
        for (int m = 1; m <= 11; m++) {
            List<String> rows = new ArrayList<>();
            for (int k = 0; k < 60; k++) {
                rows.add(Rows.connection(t0.plusSeconds(60L * m).toString(), "real-" + k).json());
            }
            store.accepted(decode(rows.toArray(String[]::new)));
        }
        List<String> held = store.machines(1000).stream().map(WorkbookStore.MachineInfo::machine).toList();
        assertEquals(60, held.stream().filter(m -> m.startsWith("real-")).count(), held.toString());
    }

    @Test
    void aStoreWhoseMachinesAllFellSilentLetsNewOnesInOnceTheyHaveBeenSilentForTenMinutes() {
        WorkbookStore store = new WorkbookStore(new WorkbookStore.Limits(Duration.ofHours(6), 2, 5, 50));
        Instant t0 = Instant.parse("2024-04-01T08:00:00Z");
        // the first names in (a burst of fake ones, or a group that goes offline together), then silence
        store.accepted(decode(Rows.connection(t0.toString(), "fake-1").json(), Rows.connection(t0.toString(), "fake-2").json()));
        for (int m = 1; m <= 12; m++) {
            store.accepted(decode(Rows.connection(t0.plusSeconds(60L * m).toString(), "real").json()));
        }
        // refused while the fakes were silent for less than 10 minutes, in once they were
        assertTrue(store.stats().full() >= 9 && store.stats().full() <= 10, store.stats().toString());
        assertEquals(1, store.stats().evicted(), store.stats().toString());
        assertTrue(store.machines(10).stream().anyMatch(m -> m.machine().equals("real")), store.machines(10).toString());
    }

    @Test
    void silenceIsJudgedByTheFleetsClockNotByAMachinesOwn() {
        WorkbookStore store = new WorkbookStore(new WorkbookStore.Limits(Duration.ofHours(6), 2, 5, 50));
        Instant t0 = Instant.parse("2024-04-01T08:00:00Z");
        for (int m = 0; m < 5; m++) {
            // "slow" reports every minute with a clock 30 minutes behind
            store.accepted(decode(Rows.connection(t0.plusSeconds(60L * m).toString(), "on-time").json(),
                Rows.connection(t0.plusSeconds(60L * (m - 30)).toString(), "slow").json()));
        }
        store.accepted(decode(Rows.connection(t0.plusSeconds(60L * 5).toString(), "newcomer").json()));
        assertEquals(0, store.stats().evicted(), "a machine still reporting is not silent, whatever its clock says");
        assertEquals(1, store.stats().full());
        assertEquals(List.of("on-time", "slow"), store.machines(10).stream().map(WorkbookStore.MachineInfo::machine).sorted().toList());
    }

    @Test
    void partitionsMayFeedItConcurrentlyAndNothingIsLost() throws Exception {
        WorkbookStore store = new WorkbookStore(WorkbookStore.Limits.DEFAULT);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<CompletableFuture<Void>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                done.add(CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < 200; i++) {
                        // every thread writes every machine: more contention than partitions ever make
                        store.accepted(decode(Rows.connection("2024-04-01T08:00:00Z", "m-" + (i % 5)).set("LinksEstablished", 1)
                            .set("Process", "p-" + thread).json()));
                    }
                }, pool));
            }
            CompletableFuture.allOf(done.toArray(new CompletableFuture[0])).join();
        } finally {
            pool.shutdownNow();
        }
        JsonObject overview = new WorkbookViews(store).view("overview", all("2024-04-01T08:00:00Z", "2024-04-01T08:01:00Z"));
        assertEquals(800L, overview.getJsonObject("totals").getJsonObject("outbound").getLong("established"));
        assertEquals(5, overview.getInteger("machines"));
    }

    @Test
    void longRangesAreCutIntoAtMostMaxPointsBins() {
        WorkbookQuery day = new WorkbookQuery(m -> true, 0, 24 * 60, 10);
        assertEquals(15, day.binMinutes());
        assertEquals(96, day.bins());
        WorkbookQuery week = new WorkbookQuery(m -> true, 0, 7 * 24 * 60, 10);
        assertTrue(week.bins() <= WorkbookQuery.MAX_POINTS, String.valueOf(week.bins()));
    }
}
