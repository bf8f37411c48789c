package io.connwatch.engine.devtools;

import io.connwatch.engine.facts.Table;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Makes realistic VMConnection and VMBoundPort rows for a fleet of machines, minute by minute,
 * with incidents of every shipped rule injected at known times, for demos, tests and benchmarks.
 *
 * <p>The fleet: web, app, db, batch and jump hosts with the processes such hosts run (nginx,
 * java, postgres, sshd, the monitoring agent...), talking to each other and to the internet,
 * listening on the ports they would. Each machine uploads with a lag of 0 or 1 minutes, so rows
 * reach the engine slightly out of order, as agent batches do.
 *
 * <p>Incidents, in every hour of data starting at minute 15 of the first (each on a different
 * machine, chosen by the hour): an outbound C2 beacon (15 minutes, Feodo-listed IPs, Azure threat
 * columns set), an inbound connection from a botnet IP, a new unexpected wildcard bind, a
 * connection-failure spike in one process, and a machine whose connections mostly fail.
 * Longer incidents for the detections that need hours ({@link #longIncidents}): in every block of
 * six hours a jittered beacon lasting three hours, an RDP sweep, a WinRM session and an SMB
 * session to public addresses, a port moved from loopback to all interfaces and a connection to
 * a Tor exit; and benign look-alikes that must not alert (agents reporting every minute or every
 * five with larger volumes). Output is deterministic for a seed.
 */
public final class DataGenerator {
    /** What to generate. */
    public record Settings(int machines, double hours, Instant start, long seed, boolean incidents) {
        public Settings {
            if (machines < 1) {
                throw new IllegalArgumentException("machines must be at least 1");
            }
            if (!(hours > 0)) {
                throw new IllegalArgumentException("hours must be positive");
            }
        }

        public long minutes() {
            return Math.max(1, Math.round(hours * 60));
        }
    }

    /** Known-C2 addresses and ports from abuse.ch Feodo Tracker's list, used for beacons. */
    static final String[][] C2 = {
        {"192.9.135.73", "1194", "Pikabot"}, {"85.239.243.155", "5000", "Pikabot"},
        {"37.60.242.85", "9785", "Pikabot"}, {"178.18.246.136", "2078", "Pikabot"}};
    /** Addresses inside Spamhaus DROP ranges, used for inbound botnet traffic. */
    static final String[] BOTNET = {"1.10.16.23", "1.19.44.7", "2.56.192.18"};
    /** Tor exit addresses the generator connects to; samples/tor-exit-addresses.txt lists them as a Tor feed. */
    static final String[] TOR_EXITS = {"185.220.101.33", "204.8.96.80", "171.25.193.20", "109.70.100.4"};
    /** Hours per block of the long incidents. */
    private static final int BLOCK_HOURS = 6;
    private static final String[] ROLES = {"web", "app", "db", "batch", "jump"};
    private static final String[] COUNTRIES = {"United States", "Germany", "Netherlands", "United Kingdom", "France", "Japan"};

    private final Settings settings;
    private final List<Machine> fleet = new ArrayList<>();
    /** Per block of the long incidents: the minutes (from the start) in which its beacon checks in. */
    private final Map<Integer, java.util.BitSet> beaconMinutes = new java.util.HashMap<>();

    public DataGenerator(Settings settings) {
        this.settings = settings;
        Random r = new Random(settings.seed());
        for (int i = 0; i < settings.machines(); i++) {
            fleet.add(new Machine(i, r));
        }
    }

    private static String hex(Random r, int digits) {
        StringBuilder sb = new StringBuilder(digits);
        for (int i = 0; i < digits; i++) {
            sb.append(Character.forDigit(r.nextInt(16), 16));
        }
        return sb.toString();
    }

    private static String publicIp(Random r) {
        int a;
        do {
            a = 1 + r.nextInt(223);
        } while (a == 10 || a == 127 || a == 100 || a == 169 || a == 172 || a == 192);
        return a + "." + r.nextInt(256) + "." + r.nextInt(256) + "." + (1 + r.nextInt(254));
    }

    private final class Machine {
        final int index;
        final String role;
        final String computer;
        final String machineId;
        final String agentId;
        final String ip;
        final int lag;
        final Map<String, String> processIds = new LinkedHashMap<>();
        final List<String> clients = new ArrayList<>();

        Machine(int index, Random r) {
            this.index = index;
            this.role = ROLES[index % ROLES.length];
            this.computer = String.format(Locale.ROOT, "%s-%03d.contoso.com", role, index / ROLES.length + 1);
            this.machineId = "m-" + new UUID(r.nextLong(), r.nextLong());
            this.agentId = new UUID(r.nextLong(), r.nextLong()).toString();
            this.ip = "10." + (index / 65536 % 256) + "." + (index / 256 % 256) + "." + (index % 256 + 4 > 254 ? 4 : index % 256 + 4);
            this.lag = r.nextInt(2);
            for (String p : new String[] {"sshd", "AzureMonitorAgent", "node_exporter", "nginx", "java", "postgres", "python3",
                "backup-agent", "redis-server", "node", "svchost32", "masscan", "psexec"}) {
                processIds.put(p, "p-" + hex(r, 16));
            }
            for (int i = 0; i < 8; i++) {
                clients.add(publicIp(r));
            }
        }

        String peer(int offset) {
            Machine m = fleet.get(Math.floorMod(index + offset, fleet.size()));
            return m.ip;
        }
    }

    /** Generates every row in event-time order of upload, handing each to {@code out}. */
    public void generate(Consumer<Map<String, Object>> out) {
        long minutes = settings.minutes();
        long startMillis = settings.start().toEpochMilli() / 60_000 * 60_000;
        Random r = new Random(settings.seed() ^ 0x5DEECE66DL);
        List<List<Map<String, Object>>> delayed = new ArrayList<>();
        delayed.add(new ArrayList<>());
        delayed.add(new ArrayList<>());
        for (long minute = 0; minute < minutes; minute++) {
            Instant t = Instant.ofEpochMilli(startMillis + minute * 60_000);
            List<Map<String, Object>> late = delayed.get((int) (minute % 2));
            List<Map<String, Object>> now = new ArrayList<>();
            for (Machine m : fleet) {
                List<Map<String, Object>> target = m.lag == 0 ? now : delayed.get((int) ((minute + 1) % 2));
                minuteOf(m, t, minute, r, target::add);
            }
            late.forEach(out);
            late.clear();
            now.forEach(out);
        }
        for (List<Map<String, Object>> d : delayed) {
            d.forEach(out);
            d.clear();
        }
    }

    private void minuteOf(Machine m, Instant t, long minute, Random r, Consumer<Map<String, Object>> out) {
        String time = t.toString();
        int hour = (int) (minute / 60);
        int inHour = (int) (minute % 60);
        boolean incidents = settings.incidents();
        int n = fleet.size();
        Machine beacon = fleet.get(Math.floorMod(hour * 7 + 1, n));
        Machine bind = fleet.get(Math.floorMod(hour * 11 + 2, n));
        Machine spike = fleet.get(Math.floorMod(hour * 13 + 3, n));
        Machine ratio = fleet.get(Math.floorMod(hour * 17 + 4, n));
        Machine unflagged = fleet.get(Math.floorMod(hour * 19 + 5, n));
        Machine scanner = fleet.get(Math.floorMod(hour * 23 + 6, n));
        Machine mover = fleet.get(Math.floorMod(hour * 29 + 7, n));
        Machine leaker = fleet.get(Math.floorMod(hour * 31 + 8, n));
        boolean failingDb = incidents && m == ratio && inHour >= 40 && inHour < 52;

        // Monitoring agent: outbound to Azure, every machine, every minute.
        out.accept(conn(m, time, "AzureMonitorAgent", "outbound", m.ip, "20.42.73." + (20 + m.index % 8), 443,
            1, 1, 0, 0, 2_000 + r.nextInt(8_000), 5_000 + r.nextInt(20_000), "United States"));
        // sshd: an admin session now and then, from the jump hosts.
        if (r.nextInt(10) == 0 && !m.role.equals("jump")) {
            out.accept(conn(m, time, "sshd", "inbound", "10.0.0." + (4 + r.nextInt(3)), m.ip, 22, 1, 0, 0, 1,
                20_000 + r.nextInt(50_000), 4_000 + r.nextInt(9_000), null));
        }
        switch (m.role) {
            case "web" -> {
                for (int i = 0; i < 5; i++) {
                    out.accept(conn(m, time, "nginx", "inbound", m.clients.get(r.nextInt(m.clients.size())), m.ip, 443,
                        3 + r.nextInt(20), 3 + r.nextInt(20), 0, r.nextInt(4), 50_000 + r.nextInt(400_000),
                        8_000 + r.nextInt(40_000), COUNTRIES[r.nextInt(COUNTRIES.length)]));
                }
                out.accept(conn(m, time, "nginx", "outbound", m.ip, m.peer(1), 8080, 10 + r.nextInt(10), 10, 0, 4,
                    30_000 + r.nextInt(90_000), 200_000 + r.nextInt(400_000), null));
            }
            case "app" -> {
                out.accept(conn(m, time, "java", "inbound", m.peer(-1), m.ip, 8080, 10 + r.nextInt(10), 10, 0, 4,
                    200_000 + r.nextInt(400_000), 30_000 + r.nextInt(90_000), null));
                int dbFailed = r.nextInt(30) == 0 ? 1 : 0;
                out.accept(conn(m, time, "java", "outbound", m.ip, m.peer(1), 5432, 4 + r.nextInt(4),
                    4, dbFailed, 8, 60_000 + r.nextInt(60_000), 300_000 + r.nextInt(600_000), null));
                out.accept(conn(m, time, "java", "outbound", m.ip, "52.96.18." + (10 + r.nextInt(40)), 443, 2 + r.nextInt(3),
                    2, 0, 1, 9_000 + r.nextInt(9_000), 40_000 + r.nextInt(90_000), "United States"));
            }
            case "db" -> {
                out.accept(conn(m, time, "postgres", "inbound", m.peer(-1), m.ip, 5432, 4 + r.nextInt(4), 4, 0, 8,
                    300_000 + r.nextInt(600_000), 60_000 + r.nextInt(60_000), null));
            }
            case "batch" -> {
                out.accept(conn(m, time, "python3", "outbound", m.ip, "151.101.1." + (60 + r.nextInt(8)), 443, 1 + r.nextInt(3),
                    1, 0, 0, 4_000 + r.nextInt(4_000), 100_000 + r.nextInt(900_000), "United States"));
                out.accept(conn(m, time, "backup-agent", "outbound", m.ip, m.peer(2), 445, 1, 1, r.nextInt(40) == 0 ? 1 : 0, 1,
                    500_000 + r.nextInt(500_000), 5_000 + r.nextInt(5_000), null));
            }
            default -> {
                for (int i = 0; i < 2; i++) {
                    out.accept(conn(m, time, "sshd", "outbound", m.ip, m.peer(1 + i), 22, 1, 0, 0, 1,
                        4_000 + r.nextInt(9_000), 20_000 + r.nextInt(50_000), null));
                }
            }
        }
        if (failingDb) {
            // The machine's cache client loses its server: most connection attempts fail.
            out.accept(conn(m, time, "node", "outbound", m.ip, m.peer(3), 6379, 1, 1, 60 + r.nextInt(20), 0,
                500, 200, null));
        }
        if (incidents && m == spike && inHour >= 30 && inHour < 38) {
            out.accept(conn(m, time, "backup-agent", "outbound", m.ip, m.peer(2), 445, 0, 0, 35 + r.nextInt(15), 0, 0, 0, null));
        }
        if (incidents && m == beacon && inHour >= 15 && inHour < 30) {
            String[] c2 = C2[hour % C2.length];
            Map<String, Object> row = conn(m, time, "python3", "outbound", m.ip, c2[0], Integer.parseInt(c2[1]), 1, 1, 0, 0,
                600 + r.nextInt(200), 1_200 + r.nextInt(300), "Netherlands");
            malicious(row, c2[0], "C2", 5, 85, c2[2] + " botnet C2 server (abuse.ch Feodo Tracker)");
            out.accept(row);
        }
        if (incidents && m == unflagged && inHour >= 45 && inHour < 50) {
            // A beacon Azure's feed does not flag: only connwatch's own feeds (Feodo) know the address.
            String[] c2 = C2[(hour + 1) % C2.length];
            out.accept(conn(m, time, "svchost32", "outbound", m.ip, c2[0], Integer.parseInt(c2[1]), 1, 1, 0, 0,
                500 + r.nextInt(200), 900 + r.nextInt(300), "Germany"));
        }
        if (incidents && m == scanner && inHour >= 50 && inHour < 53) {
            // A scanner sweeping addresses on SMB: every attempt fails.
            for (int i = 0; i < 20; i++) {
                out.accept(conn(m, time, "masscan", "outbound", m.ip, "203.0.113." + ((inHour - 50) * 20 + i + 1), 445, 0, 0, 1, 0,
                    60, 0, null));
            }
        }
        if (incidents && m == mover && inHour >= 53 && inHour < 56) {
            // Remote execution hopping across internal hosts on SMB and RDP.
            for (int i = 0; i < 4; i++) {
                out.accept(conn(m, time, "psexec", "outbound", m.ip, "10.0.5." + ((inHour - 53) * 4 + i + 10), i % 2 == 0 ? 445 : 3389,
                    1, 1, 0, 0, 20_000, 4_000, null));
            }
        }
        if (incidents && m == leaker && inHour == 57) {
            // The monitoring agent's identity used to push a database dump abroad.
            out.accept(conn(m, time, "AzureMonitorAgent", "outbound", m.ip, "45.77.1.99", 443, 1, 1, 0, 0, 120_000_000, 40_000,
                "Russia"));
        }
        if (incidents && m == beacon && inHour == 20) {
            String bot = BOTNET[hour % BOTNET.length];
            Map<String, Object> row = conn(m, time, "sshd", "inbound", bot, m.ip, 22, 1, 1, 0, 0, 3_000, 2_000, "China");
            malicious(row, bot, "Botnet", 3, 70, "Host in a Spamhaus DROP range");
            out.accept(row);
        }
        // Bound ports: what each machine listens on.
        out.accept(bound(m, time, "sshd", m.ip, 22, true));
        out.accept(bound(m, time, "node_exporter", m.ip, 9100, false));
        switch (m.role) {
            case "web" -> {
                out.accept(bound(m, time, "nginx", "0.0.0.0", 80, false));
                out.accept(bound(m, time, "nginx", m.ip, 443, true));
            }
            case "app" -> out.accept(bound(m, time, "java", m.ip, 8080, false));
            case "db" -> {
                out.accept(bound(m, time, "postgres", m.ip, 5432, false));
                out.accept(bound(m, time, "postgres", "127.0.0.1", 5432, false));
            }
            default -> out.accept(bound(m, time, "redis-server", "127.0.0.1", 6379, false));
        }
        if (incidents && m == bind && inHour >= 10 && inHour < 50) {
            // A debug server left listening on every interface.
            out.accept(bound(m, time, "node", m.ip, 9229 + hour % 1000, true));
        }
        if (incidents) {
            longIncidents(m, time, minute, out);
        }
    }

    /**
     * The incidents that last hours or that the per-remote detections need, and benign traffic
     * that looks like them. In block {@code b} of six hours (starting at hour 0): a beacon from
     * 1:07 for three hours (every 5, 10, 15 or 7 minutes by block, each check-in moved by up to a
     * fifth of the period, one in twenty missed, under 2.5 kB), an RDP sweep of 30 public
     * addresses at 2:20, a port moved from 127.0.0.1 to 0.0.0.0 at 3:15, a WinRM session to a
     * public host at 4:10, an SMB session to a public share at 5:00 and a Tor connection at 5:30,
     * each on its own machine. Every fourth machine has an agent holding a connection to its
     * collector with 30-60 kB a minute, and the next ones push 150-250 kB every five minutes.
     * These rows use a random source of their own, so every other row stays as it was.
     */
    private void longIncidents(Machine m, String time, long minute, Consumer<Map<String, Object>> out) {
        int n = fleet.size();
        int block = (int) (minute / (BLOCK_HOURS * 60));
        int inBlock = (int) (minute % (BLOCK_HOURS * 60));
        Random r = new Random(settings.seed() * 1_000_003L + minute * 8_191L + m.index);
        if (m.index % 4 == 0) {
            out.accept(extra(m, conn(m, time, "telegraf", "outbound", m.ip, "34.120.5." + (10 + m.index % 8), 443, 0, 0, 0, 1,
                30_000 + r.nextInt(30_000), 1_000 + r.nextInt(2_000), null), "telegraf"));
        } else if (m.index % 4 == 1 && minute % 5 == m.index % 5) {
            out.accept(extra(m, conn(m, time, "metricbeat", "outbound", m.ip, "34.120.6." + (10 + m.index % 8), 443, 1, 1, 0, 0,
                150_000 + r.nextInt(100_000), 2_000 + r.nextInt(2_000), null), "metricbeat"));
        }
        if (m == fleet.get(Math.floorMod(block * 37 + 9, n)) && beacon(block).get((int) minute)) {
            out.accept(extra(m, conn(m, time, "updater", "outbound", m.ip, "45.137.21." + (9 + block % 200), block % 2 == 0 ? 443 : 8443,
                1, 1, 0, 0, 400 + r.nextInt(500), 300 + r.nextInt(1_200), null), "updater"));
        }
        if (m == fleet.get(Math.floorMod(block * 41 + 10, n)) && inBlock >= 140 && inBlock < 145) {
            // An RDP password sweep: six public addresses a minute, nearly all refused.
            for (int i = 0; i < 6; i++) {
                boolean answered = i == 0 && inBlock == 142;
                out.accept(extra(m, conn(m, time, "nlbrute", "outbound", m.ip, publicIp(r), 3389, answered ? 1 : 0, answered ? 1 : 0,
                    answered ? 0 : 1, 0, answered ? 3_000 : 60, answered ? 9_000 : 0, null), "nlbrute"));
            }
        }
        if (m == fleet.get(Math.floorMod(block * 43 + 11, n)) && inBlock >= 150 && inBlock < 225) {
            // A notebook server kept on loopback, then restarted on every interface.
            out.accept(extra(m, bound(m, time, "jupyter-lab", inBlock < 195 ? "127.0.0.1" : "0.0.0.0", 8888, false), "jupyter-lab"));
        }
        if (m == fleet.get(Math.floorMod(block * 47 + 12, n)) && inBlock >= 250 && inBlock < 253) {
            out.accept(extra(m, conn(m, time, "powershell", "outbound", m.ip, "93.115.25." + (40 + block % 200), 5986, 1, 1, 0, 1,
                20_000 + r.nextInt(10_000), 60_000 + r.nextInt(20_000), null), "powershell"));
        }
        if (m == fleet.get(Math.floorMod(block * 53 + 13, n)) && inBlock >= 300 && inBlock < 310) {
            // Files copied to a share on the internet.
            out.accept(extra(m, conn(m, time, "robocopy", "outbound", m.ip, "5.188.86." + (20 + block % 200), 445, 1, 0, 0, 1,
                2_000_000 + r.nextInt(1_000_000), 40_000, null), "robocopy"));
        }
        if (m == fleet.get(Math.floorMod(block * 59 + 14, n)) && inBlock >= 330 && inBlock < 333) {
            out.accept(extra(m, conn(m, time, "tor", "outbound", m.ip, TOR_EXITS[(block + inBlock) % TOR_EXITS.length], 9001,
                1, 0, 0, 1, 5_000 + r.nextInt(5_000), 20_000 + r.nextInt(20_000), null), "tor"));
        }
    }

    /** The minutes of block {@code b}'s beacon, from 1:07 into the block for three hours. */
    private java.util.BitSet beacon(int b) {
        return beaconMinutes.computeIfAbsent(b, k -> {
            int[] periods = {5, 10, 15, 7};
            double period = periods[b % periods.length] * 60.0;
            Random r = new Random(settings.seed() ^ (0xBEAC0L + b));
            java.util.BitSet minutes = new java.util.BitSet();
            double first = (b * BLOCK_HOURS * 60 + 67) * 60.0;
            for (double t = first; t < first + 3 * 3600; t += period * (1 + (r.nextDouble() - 0.5) * 0.4)) {
                if (r.nextInt(20) != 0) {
                    minutes.set((int) (t / 60));
                }
            }
            return minutes;
        });
    }

    /** Names a process the fleet's fixed list lacks by an id derived from the machine and name (so other ids stay as they were). */
    private static Map<String, Object> extra(Machine m, Map<String, Object> row, String process) {
        row.put("Process", "p-" + Long.toHexString((m.machineId + "/" + process).hashCode() & 0xffffffffL));
        if (row.containsKey("PortId")) {
            row.put("PortId", row.get("Process") + "|" + row.get("Ip") + "|" + row.get("Port") + "|tcp");
        }
        return row;
    }

    /** The columns both tables start with: which table, when, and which machine and process. */
    private static Map<String, Object> identity(String table, Machine m, String time, String process) {
        Map<String, Object> row = new LinkedHashMap<>(48);
        row.put("Type", table);
        row.put("TimeGenerated", time);
        row.put("Computer", m.computer);
        row.put("AgentId", m.agentId);
        row.put("Machine", m.machineId);
        row.put("Process", m.processIds.get(process));
        row.put("ProcessName", process);
        return row;
    }

    private Map<String, Object> conn(Machine m, String time, String process, String direction, String source, String dest,
                                     int port, long established, long terminated, long failed, long live, long sent,
                                     long received, String country) {
        Map<String, Object> row = identity(Table.VM_CONNECTION.azureName(), m, time, process);
        row.put("SourceIp", source);
        row.put("DestinationIp", dest);
        row.put("DestinationPort", port);
        row.put("Protocol", "tcp");
        row.put("Direction", direction);
        row.put("ConnectionId", "00000000-" + Integer.toHexString(port) + "-" + m.index);
        row.put("LinksEstablished", established);
        row.put("LinksTerminated", terminated);
        row.put("LinksFailed", direction.equals("outbound") ? failed : 0);
        row.put("LinksLive", live);
        row.put("BytesSent", sent);
        row.put("BytesReceived", received);
        long responses = established == 0 ? 0 : established * 3;
        row.put("Responses", responses);
        if (responses > 0) {
            row.put("ResponseTimeMax", 40L);
            row.put("ResponseTimeMin", 2L);
            row.put("ResponseTimeSum", responses * 11);
        }
        String remote = direction.equals("inbound") ? source : dest;
        row.put("RemoteIp", remote);
        if (country != null) {
            row.put("RemoteCountry", country);
        }
        return row;
    }

    private static void malicious(Map<String, Object> row, String ip, String type, int severity, int confidence, String description) {
        row.put("MaliciousIp", ip);
        row.put("IndicatorThreatType", type);
        row.put("Description", description);
        row.put("TLPLevel", "Amber");
        row.put("Confidence", String.valueOf(confidence));
        row.put("Severity", severity);
        row.put("FirstReportedDateTime", "2024-02-08T19:20:49Z");
        row.put("LastReportedDateTime", "2024-04-01T00:00:00Z");
        row.put("IsActive", "True");
    }

    private Map<String, Object> bound(Machine m, String time, String process, String ip, int port, boolean wildcard) {
        Map<String, Object> row = identity(Table.VM_BOUND_PORT.azureName(), m, time, process);
        row.put("Ip", ip);
        row.put("Port", port);
        row.put("Protocol", "tcp");
        row.put("IsWildcardBind", wildcard);
        row.put("PortId", m.processIds.get(process) + "|" + ip + "|" + port + "|tcp");
        row.put("LinksEstablished", 0L);
        row.put("LinksTerminated", 0L);
        row.put("LinksLive", 0L);
        row.put("BytesSent", 0L);
        row.put("BytesReceived", 0L);
        row.put("Responses", 0L);
        return row;
    }
}
