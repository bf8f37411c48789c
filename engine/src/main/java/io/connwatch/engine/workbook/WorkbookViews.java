package io.connwatch.engine.workbook;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The six VM insights workbooks computed from the {@link WorkbookStore}, as chart-ready JSON:
 * every view has {@code times} (the ISO start of each point) and series as {@code {name, data}}
 * with one number per point, plus the totals and tables the workbook shows. Sizes are bounded by
 * the query's {@code top} (series and lists) and {@link #MAX_ROWS} (tables).
 */
public final class WorkbookViews {
    /** Table rows at most in any view. */
    public static final int MAX_ROWS = 200;
    /** The views, by the name in their URL. */
    public static final List<String> NAMES = List.of("overview", "failures", "security", "ports", "processes", "traffic");
    static final String OTHER_MACHINES = "(other machines)";
    static final String OTHER = "(other)";

    private final WorkbookStore store;

    public WorkbookViews(WorkbookStore store) {
        this.store = store;
    }

    /** The named view; {@code name} must be one of {@link #NAMES}. */
    public JsonObject view(String name, WorkbookQuery q) {
        return switch (name) {
            case "overview" -> overview(q);
            case "failures" -> failures(q);
            case "security" -> security(q);
            case "ports" -> ports(q);
            case "processes" -> processes(q);
            case "traffic" -> traffic(q);
            default -> throw new IllegalArgumentException("no view " + name);
        };
    }

    private JsonObject envelope(String view, WorkbookQuery q, int machines) {
        JsonArray times = new JsonArray();
        for (int i = 0; i < q.bins(); i++) {
            times.add(WorkbookQuery.iso(q.fromMinute() + (long) i * q.binMinutes()));
        }
        long newest = store.fleetMinute();
        return new JsonObject().put("view", view).put("from", WorkbookQuery.iso(q.fromMinute())).put("to", WorkbookQuery.iso(q.toMinute()))
            .put("binMinutes", q.binMinutes()).put("newest", newest == Long.MIN_VALUE ? null : WorkbookQuery.iso(newest))
            .put("machines", machines).put("times", times);
    }

    /** Sums per machine, per point: one array per name. */
    private static final class SeriesSet {
        final int bins;
        final Map<String, long[]> byName = new LinkedHashMap<>();

        SeriesSet(int bins) {
            this.bins = bins;
        }

        long[] of(String name) {
            return byName.computeIfAbsent(name, n -> new long[bins]);
        }

        /** The {@code top} names by total, then the rest summed under {@code other}. */
        JsonArray top(int top, String other) {
            List<Map.Entry<String, long[]>> all = new ArrayList<>(byName.entrySet());
            all.sort(Comparator.comparingLong((Map.Entry<String, long[]> e) -> -sum(e.getValue())).thenComparing(Map.Entry::getKey));
            JsonArray out = new JsonArray();
            long[] rest = null;
            for (int i = 0; i < all.size(); i++) {
                if (i < top) {
                    out.add(series(all.get(i).getKey(), all.get(i).getValue()));
                } else {
                    if (rest == null) {
                        rest = new long[bins];
                    }
                    for (int b = 0; b < bins; b++) {
                        rest[b] += all.get(i).getValue()[b];
                    }
                }
            }
            if (rest != null) {
                out.add(series(other, rest));
            }
            return out;
        }
    }

    static JsonObject series(String name, long[] data) {
        JsonArray d = new JsonArray();
        for (long v : data) {
            d.add(v);
        }
        return new JsonObject().put("name", name).put("data", d);
    }

    static long sum(long[] a) {
        long s = 0;
        for (long v : a) {
            s += v;
        }
        return s;
    }

    private static Double percent(long part, long whole) {
        return whole == 0 ? null : Math.round(part * 1000.0 / whole) / 10.0;
    }

    /** "rising", "falling" or "stable": the second half's percentage against the first's, one point either way. */
    static String trend(Double first, Double second) {
        if (first == null || second == null) {
            return second != null && second > 0 ? "rising" : "stable";
        }
        if (second - first >= 1.0) {
            return "rising";
        }
        return first - second >= 1.0 ? "falling" : "stable";
    }

    /** "rising", "falling" or "stable" for volumes: the second half against the first, by a fifth either way. */
    static String volumeTrend(long first, long second) {
        if (second > first * 1.2 && second - first > 0) {
            return "rising";
        }
        return first > second * 1.2 ? "falling" : "stable";
    }

    // ---- Connections overview ----

    private JsonObject overview(WorkbookQuery q) {
        SeriesSet inbound = new SeriesSet(q.bins());
        SeriesSet outbound = new SeriesSet(q.bins());
        Map<String, long[]> rows = new LinkedHashMap<>();
        Map<String, WorkbookStore.MachineInfo> infos = new HashMap<>();
        long[] totals = new long[10];
        int[] machines = {0};
        store.visit(q.machine(), q.fromMinute(), q.toMinute(), new WorkbookStore.MachineVisitor() {
            long[] in;
            long[] out;
            long[] row;

            @Override
            public void begin(WorkbookStore.MachineInfo m) {
                machines[0]++;
                in = inbound.of(m.label());
                out = outbound.of(m.label());
                row = rows.computeIfAbsent(m.machine(), k -> new long[11]);
                infos.put(m.machine(), m);
            }

            @Override
            public void minute(MinuteBucket b) {
                int bin = q.bin(b.minute);
                in[bin] += b.inEstablished;
                out[bin] += b.outEstablished;
                row[0] += b.inEstablished;
                row[1] = Math.max(row[1], b.inLive);
                row[2] += b.inTerminated;
                row[3] += b.outEstablished;
                row[4] = Math.max(row[4], b.outLive);
                row[5] += b.outFailed;
                row[6] += b.outTerminated;
                row[7] += b.responses;
                row[8] += b.responseTimeSum;
                row[9] += b.bytesSent;
                row[10] += b.bytesReceived;
            }
        });
        JsonArray table = new JsonArray();
        rows.entrySet().stream().sorted(Comparator.comparingLong((Map.Entry<String, long[]> e) -> -(e.getValue()[0] + e.getValue()[3])))
            .limit(MAX_ROWS).forEach(e -> {
                long[] r = e.getValue();
                WorkbookStore.MachineInfo m = infos.get(e.getKey());
                table.add(new JsonObject().put("machine", m.machine()).put("computer", m.label())
                    .put("inEstablished", r[0]).put("inLive", r[1]).put("inTerminated", r[2])
                    .put("outEstablished", r[3]).put("outLive", r[4]).put("outFailed", r[5]).put("outTerminated", r[6])
                    .put("responses", r[7]).put("avgResponseMs", r[7] == 0 ? null : Math.round(r[8] * 10.0 / r[7]) / 10.0)
                    .put("bytesSent", r[9]).put("bytesReceived", r[10]));
            });
        for (long[] r : rows.values()) {
            totals[0] += r[0];
            totals[1] += r[2];
            totals[2] += r[3];
            totals[3] += r[5];
            totals[4] += r[6];
        }
        return envelope("overview", q, machines[0])
            .put("series", new JsonObject().put("inbound", inbound.top(q.top(), OTHER_MACHINES))
                .put("outbound", outbound.top(q.top(), OTHER_MACHINES)))
            .put("totals", new JsonObject()
                .put("inbound", new JsonObject().put("established", totals[0]).put("terminated", totals[1]))
                .put("outbound", new JsonObject().put("established", totals[2]).put("failed", totals[3]).put("terminated", totals[4])))
            .put("table", table);
    }

    // ---- Failed connections ----

    private JsonObject failures(WorkbookQuery q) {
        SeriesSet failed = new SeriesSet(q.bins());
        long[] fleetFailed = new long[q.bins()];
        long[] fleetEstablished = new long[q.bins()];
        Map<String, long[]> rows = new LinkedHashMap<>();
        Map<String, WorkbookStore.MachineInfo> infos = new HashMap<>();
        long middle = q.middleMinute();
        int[] machines = {0};
        store.visit(q.machine(), q.fromMinute(), q.toMinute(), new WorkbookStore.MachineVisitor() {
            long[] series;
            long[] row;

            @Override
            public void begin(WorkbookStore.MachineInfo m) {
                machines[0]++;
                series = failed.of(m.label());
                row = rows.computeIfAbsent(m.machine(), k -> new long[4]);
                infos.put(m.machine(), m);
            }

            @Override
            public void minute(MinuteBucket b) {
                int bin = q.bin(b.minute);
                long f = b.outFailed + b.inFailed;
                long e = b.inEstablished + b.outEstablished;
                series[bin] += f;
                fleetFailed[bin] += f;
                fleetEstablished[bin] += e;
                int half = b.minute < middle ? 0 : 2;
                row[half] += e;
                row[half + 1] += f;
            }
        });
        JsonArray percentData = new JsonArray();
        for (int i = 0; i < q.bins(); i++) {
            percentData.add(percent(fleetFailed[i], fleetFailed[i] + fleetEstablished[i]));
        }
        long[] all = new long[4];
        JsonArray table = new JsonArray();
        rows.entrySet().stream().sorted(Comparator.comparingLong((Map.Entry<String, long[]> e) -> -(e.getValue()[1] + e.getValue()[3])))
            .limit(MAX_ROWS).forEach(e -> {
                long[] r = e.getValue();
                WorkbookStore.MachineInfo m = infos.get(e.getKey());
                table.add(failureRow(r).put("machine", m.machine()).put("computer", m.label()));
            });
        for (long[] r : rows.values()) {
            for (int i = 0; i < 4; i++) {
                all[i] += r[i];
            }
        }
        return envelope("failures", q, machines[0])
            .put("series", new JsonObject().put("failed", failed.top(q.top(), OTHER_MACHINES))
                .put("percentFailed", new JsonArray().add(new JsonObject().put("name", "fleet").put("data", percentData))))
            .put("totals", failureRow(all))
            .put("table", table);
    }

    /** Established, failed, percent failed, and the trend of the percentage from the first half of the range to the second. */
    private static JsonObject failureRow(long[] halves) {
        long established = halves[0] + halves[2];
        long failed = halves[1] + halves[3];
        Double first = percent(halves[1], halves[0] + halves[1]);
        Double second = percent(halves[3], halves[2] + halves[3]);
        return new JsonObject().put("established", established).put("failed", failed)
            .put("percentFailed", percent(failed, failed + established))
            .put("firstHalfPercent", first).put("secondHalfPercent", second).put("trend", trend(first, second));
    }

    // ---- Security ----

    private JsonObject security(WorkbookQuery q) {
        long[] inbound = new long[q.bins()];
        long[] outbound = new long[q.bins()];
        long[] counts = new long[2];
        Map<String, long[]> byType = new HashMap<>();
        Map<String, long[]> byCountry = new HashMap<>();
        Map<MinuteBucket.Threat, long[]> byIndicator = new HashMap<>();
        Map<MinuteBucket.Threat, Set<String>> indicatorMachines = new HashMap<>();
        Map<String, long[]> byMachine = new HashMap<>();
        Map<String, WorkbookStore.MachineInfo> infos = new HashMap<>();
        int[] machines = {0};
        store.visit(q.machine(), q.fromMinute(), q.toMinute(), new WorkbookStore.MachineVisitor() {
            WorkbookStore.MachineInfo machine;
            long[] mine;

            @Override
            public void begin(WorkbookStore.MachineInfo m) {
                machines[0]++;
                machine = m;
                mine = byMachine.computeIfAbsent(m.machine(), k -> new long[1]);
                infos.put(m.machine(), m);
            }

            @Override
            public void minute(MinuteBucket b) {
                int bin = q.bin(b.minute);
                inbound[bin] += b.maliciousInbound;
                outbound[bin] += b.maliciousOutbound;
                counts[0] += b.connectionRows();
                counts[1] += b.maliciousRows();
                mine[0] += b.maliciousRows();
                if (b.threats == null) {
                    return;
                }
                b.threats.forEach((t, row) -> {
                    if (t == null) {
                        byType.computeIfAbsent(OTHER, k -> new long[1])[0] += row[MinuteBucket.THREAT_ROWS];
                        return;
                    }
                    byType.computeIfAbsent(t.type() == null ? "(unknown)" : t.type(), k -> new long[1])[0] += row[MinuteBucket.THREAT_ROWS];
                    long[] c = byCountry.computeIfAbsent(t.country() == null ? "(unknown)" : t.country(), k -> new long[2]);
                    c[t.inbound() ? 0 : 1] += row[MinuteBucket.THREAT_ROWS];
                    long[] i = byIndicator.computeIfAbsent(t, k -> new long[3]);
                    for (int col = 0; col < 3; col++) {
                        i[col] += row[col];
                    }
                    Set<String> on = indicatorMachines.computeIfAbsent(t, k -> new LinkedHashSet<>());
                    if (on.size() < 5) {
                        on.add(machine.label());
                    }
                });
            }
        });
        JsonArray types = new JsonArray();
        sortedDesc(byType, r -> r[0]).stream().limit(q.top()).forEach(e -> types.add(new JsonObject().put("name", e.getKey())
            .put("value", e.getValue()[0])));
        JsonArray countries = new JsonArray();
        sortedDesc(byCountry, r -> r[0] + r[1]).stream().limit(q.top()).forEach(e -> countries.add(new JsonObject()
            .put("name", e.getKey()).put("inbound", e.getValue()[0]).put("outbound", e.getValue()[1])));
        JsonArray indicators = new JsonArray();
        sortedDesc(byIndicator, r -> r[0]).stream().limit(MAX_ROWS).forEach(e -> {
            MinuteBucket.Threat t = e.getKey();
            long[] r = e.getValue();
            indicators.add(new JsonObject().put("indicator", t.indicator()).put("threatType", t.type()).put("country", t.country())
                .put("direction", t.inbound() ? "inbound" : "outbound").put("source", t.source())
                .put("rows", r[MinuteBucket.THREAT_ROWS]).put("links", r[MinuteBucket.THREAT_LINKS]).put("bytes", r[MinuteBucket.THREAT_BYTES])
                .put("computers", new JsonArray(new ArrayList<>(indicatorMachines.get(t)))));
        });
        JsonArray perMachine = new JsonArray();
        sortedDesc(byMachine, r -> r[0]).stream().filter(e -> e.getValue()[0] > 0).limit(MAX_ROWS).forEach(e -> perMachine.add(
            new JsonObject().put("machine", e.getKey()).put("computer", infos.get(e.getKey()).label()).put("malicious", e.getValue()[0])));
        return envelope("security", q, machines[0])
            .put("series", new JsonObject().put("malicious", new JsonArray().add(series("inbound", inbound)).add(series("outbound", outbound))))
            .put("totals", new JsonObject().put("connections", counts[0]).put("malicious", counts[1]).put("benign", counts[0] - counts[1]))
            .put("byThreatType", types).put("byCountry", countries).put("byIndicator", indicators).put("byMachine", perMachine);
    }

    private static <K> List<Map.Entry<K, long[]>> sortedDesc(Map<K, long[]> m, java.util.function.ToLongFunction<long[]> by) {
        List<Map.Entry<K, long[]>> l = new ArrayList<>(m.entrySet());
        l.sort(Comparator.comparingLong((Map.Entry<K, long[]> e) -> -by.applyAsLong(e.getValue())).thenComparing(e -> String.valueOf(e.getKey())));
        return l;
    }

    // ---- Listening ports ----

    private JsonObject ports(WorkbookQuery q) {
        record Row(WorkbookStore.MachineInfo machine, MinuteBucket.Port port, long[] sums, long[] latest) {
        }
        Map<String, Map<MinuteBucket.Port, Row>> byMachine = new LinkedHashMap<>();
        boolean[] truncated = {false};
        int[] machines = {0};
        store.visit(q.machine(), q.fromMinute(), q.toMinute(), new WorkbookStore.MachineVisitor() {
            WorkbookStore.MachineInfo machine;
            Map<MinuteBucket.Port, Row> mine;

            @Override
            public void begin(WorkbookStore.MachineInfo m) {
                machines[0]++;
                machine = m;
                mine = byMachine.computeIfAbsent(m.machine(), k -> new LinkedHashMap<>());
            }

            @Override
            public void minute(MinuteBucket b) {
                if (b.ports == null) {
                    return;
                }
                b.ports.forEach((p, row) -> {
                    if (p == null) {
                        truncated[0] = true;
                        return;
                    }
                    Row r = mine.computeIfAbsent(p, k -> new Row(machine, p, new long[3], new long[] {Long.MIN_VALUE, 0}));
                    r.sums[0] += row[MinuteBucket.SENT];
                    r.sums[1] += row[MinuteBucket.RECEIVED];
                    r.sums[2] += row[MinuteBucket.ESTABLISHED];
                    if (b.minute >= r.latest[0]) {
                        r.latest[0] = b.minute;
                        r.latest[1] = row[MinuteBucket.LIVE];
                    }
                });
            }
        });
        List<JsonObject> perMachine = new ArrayList<>();
        List<Row> all = new ArrayList<>();
        for (Map<MinuteBucket.Port, Row> rows : byMachine.values()) {
            if (rows.isEmpty()) {
                continue;
            }
            Set<Integer> open = new java.util.TreeSet<>();
            Set<Integer> wildcard = new java.util.TreeSet<>();
            WorkbookStore.MachineInfo m = null;
            for (Row r : rows.values()) {
                m = r.machine;
                all.add(r);
                if (!r.port.ip().isLoopback() || r.port.wildcard()) {
                    open.add(r.port.port());
                }
                if (r.port.wildcard()) {
                    wildcard.add(r.port.port());
                }
            }
            perMachine.add(new JsonObject().put("machine", m.machine()).put("computer", m.label()).put("openPorts", open.size())
                .put("wildcardPorts", wildcard.size()).put("ports", new JsonArray(new ArrayList<>(open))));
        }
        perMachine.sort(Comparator.comparingInt((JsonObject o) -> -o.getInteger("openPorts")).thenComparing(o -> o.getString("computer")));
        all.sort(Comparator.comparing((Row r) -> !r.port.wildcard()).thenComparing(r -> r.machine.label())
            .thenComparingInt(r -> r.port.port()).thenComparing(r -> String.valueOf(r.port.process())));
        JsonArray table = new JsonArray();
        all.stream().limit(MAX_ROWS).forEach(r -> table.add(new JsonObject().put("machine", r.machine.machine()).put("computer", r.machine.label())
            .put("process", r.port.process()).put("ip", r.port.ip().toString()).put("port", r.port.port()).put("wildcard", r.port.wildcard())
            .put("loopback", r.port.ip().isLoopback() && !r.port.wildcard()).put("bytesSent", r.sums[0]).put("bytesReceived", r.sums[1])
            .put("linksEstablished", r.sums[2]).put("linksLive", r.latest[1]).put("lastSeen", WorkbookQuery.iso(r.latest[0]))));
        return envelope("ports", q, machines[0])
            .put("byMachine", new JsonArray(perMachine.size() > MAX_ROWS ? perMachine.subList(0, MAX_ROWS) : perMachine))
            .put("totals", new JsonObject().put("ports", all.size()).put("wildcard", all.stream().filter(r -> r.port.wildcard()).count()))
            .put("table", table).put("truncated", truncated[0] || all.size() > MAX_ROWS);
    }

    // ---- Connections by process ----

    private JsonObject processes(WorkbookQuery q) {
        SeriesSet links = new SeriesSet(q.bins());
        record Key(String machine, String process) {
        }
        Map<Key, long[]> rows = new HashMap<>();
        Map<String, WorkbookStore.MachineInfo> infos = new HashMap<>();
        int[] machines = {0};
        store.visit(q.machine(), q.fromMinute(), q.toMinute(), new WorkbookStore.MachineVisitor() {
            WorkbookStore.MachineInfo machine;

            @Override
            public void begin(WorkbookStore.MachineInfo m) {
                machines[0]++;
                machine = m;
                infos.put(m.machine(), m);
            }

            @Override
            public void minute(MinuteBucket b) {
                if (b.processes == null) {
                    return;
                }
                int bin = q.bin(b.minute);
                b.processes.forEach((p, row) -> {
                    String name = p == null ? OTHER : p;
                    links.of(name)[bin] += row[MinuteBucket.ESTABLISHED] + row[MinuteBucket.FAILED];
                    long[] r = rows.computeIfAbsent(new Key(machine.machine(), name), k -> new long[MinuteBucket.PROCESS_COLUMNS]);
                    for (int c = 0; c < r.length; c++) {
                        r[c] += row[c];
                    }
                });
            }
        });
        JsonArray table = new JsonArray();
        sortedDesc(rows, r -> r[MinuteBucket.ESTABLISHED] + r[MinuteBucket.FAILED]).stream().limit(MAX_ROWS).forEach(e -> {
            long[] r = e.getValue();
            table.add(new JsonObject().put("process", e.getKey().process()).put("machine", e.getKey().machine())
                .put("computer", infos.get(e.getKey().machine()).label())
                .put("inboundLinks", r[MinuteBucket.IN_ESTABLISHED]).put("outboundLinks", r[MinuteBucket.OUT_ESTABLISHED])
                .put("failed", r[MinuteBucket.FAILED]).put("rows", r[MinuteBucket.ROWS])
                .put("bytesSent", r[MinuteBucket.SENT]).put("bytesReceived", r[MinuteBucket.RECEIVED]));
        });
        return envelope("processes", q, machines[0])
            .put("series", new JsonObject().put("links", links.top(q.top(), "(other processes)")))
            .put("table", table);
    }

    // ---- Traffic ----

    private JsonObject traffic(WorkbookQuery q) {
        SeriesSet sent = new SeriesSet(q.bins());
        SeriesSet received = new SeriesSet(q.bins());
        Map<String, long[]> rows = new LinkedHashMap<>();
        Map<String, WorkbookStore.MachineInfo> infos = new HashMap<>();
        Map<MinuteBucket.Remote, long[]> remotes = new HashMap<>();
        Map<MinuteBucket.Remote, Set<String>> remoteMachines = new HashMap<>();
        long middle = q.middleMinute();
        long[] halves = new long[2];
        int[] machines = {0};
        store.visit(q.machine(), q.fromMinute(), q.toMinute(), new WorkbookStore.MachineVisitor() {
            WorkbookStore.MachineInfo machine;
            long[] s;
            long[] r;
            long[] row;

            @Override
            public void begin(WorkbookStore.MachineInfo m) {
                machines[0]++;
                machine = m;
                s = sent.of(m.label());
                r = received.of(m.label());
                row = rows.computeIfAbsent(m.machine(), k -> new long[2]);
                infos.put(m.machine(), m);
            }

            @Override
            public void minute(MinuteBucket b) {
                int bin = q.bin(b.minute);
                s[bin] += b.bytesSent;
                r[bin] += b.bytesReceived;
                row[0] += b.bytesSent;
                row[1] += b.bytesReceived;
                halves[b.minute < middle ? 0 : 1] += b.bytesSent + b.bytesReceived;
                if (b.remotes == null) {
                    return;
                }
                b.remotes.forEach((remote, counts) -> {
                    MinuteBucket.Remote key = remote == null ? new MinuteBucket.Remote(null, null) : remote;
                    long[] t = remotes.computeIfAbsent(key, k -> new long[MinuteBucket.REMOTE_COLUMNS]);
                    for (int c = 0; c < t.length; c++) {
                        t[c] += counts[c];
                    }
                    Set<String> on = remoteMachines.computeIfAbsent(key, k -> new LinkedHashSet<>());
                    if (on.size() < 5) {
                        on.add(machine.label());
                    }
                });
            }
        });
        JsonArray talkers = new JsonArray();
        sortedDesc(remotes, MinuteBucket::bytes).stream().limit(Math.min(MAX_ROWS, q.top() * 5L)).forEach(e -> {
            MinuteBucket.Remote k = e.getKey();
            long[] c = e.getValue();
            talkers.add(new JsonObject().put("remoteIp", k.ip() == null ? OTHER : k.ip().toString()).put("country", k.country())
                .put("bytesSent", c[MinuteBucket.SENT]).put("bytesReceived", c[MinuteBucket.RECEIVED])
                .put("links", c[MinuteBucket.ESTABLISHED] + c[MinuteBucket.FAILED])
                .put("computers", new JsonArray(new ArrayList<>(remoteMachines.get(k)))));
        });
        JsonArray table = new JsonArray();
        long[] total = new long[2];
        for (long[] r : rows.values()) {
            total[0] += r[0];
            total[1] += r[1];
        }
        sortedDesc(rows, r -> r[0] + r[1]).stream().limit(MAX_ROWS).forEach(e -> table.add(new JsonObject()
            .put("machine", e.getKey()).put("computer", infos.get(e.getKey()).label())
            .put("bytesSent", e.getValue()[0]).put("bytesReceived", e.getValue()[1])));
        return envelope("traffic", q, machines[0])
            .put("series", new JsonObject().put("sent", sent.top(q.top(), OTHER_MACHINES)).put("received", received.top(q.top(), OTHER_MACHINES)))
            .put("totals", new JsonObject().put("bytesSent", total[0]).put("bytesReceived", total[1])
                .put("firstHalfBytes", halves[0]).put("secondHalfBytes", halves[1]).put("trend", volumeTrend(halves[0], halves[1])))
            .put("byMachine", table).put("topTalkers", talkers);
    }
}
