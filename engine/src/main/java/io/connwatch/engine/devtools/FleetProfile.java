package io.connwatch.engine.devtools;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The shapes of fleet data the benchmark measures, each deterministic for a seed: {@code dense}
 * (the {@link DataGenerator}'s fleet), {@code sparse} (thousands of machines, a few rows per
 * machine-minute, many processes and remotes each), {@code wide} (every column populated, about
 * 1 KB a record, 40 machines, shuffled within 3 minutes) and {@code replay} (a file, not generated).
 */
public enum FleetProfile {
    /** Today's generator: every machine every minute, about 6 rows per machine-minute. */
    DENSE(500, 6.0),
    /**
     * Thousands of machines, 1 to 4 rows per machine-minute, 24 processes and 120 remote endpoints each: mostly a stable
     * set of services and peers per machine (cloud services shared by the fleet, internal peers, a few admin hosts),
     * each owned by one process and on its own port, with a little churn (new CDN addresses, new web clients).
     */
    SPARSE(5000, 2.5),
    /** Every column of both tables populated (about 1 KB a row), 40 machines, 6 processes each, shuffled within 3 minutes. */
    WIDE(40, 4.0),
    /** A JSON-lines file read from disk; nothing is generated. */
    REPLAY(0, 0);

    private final int defaultMachines;
    private final double rowsPerMachineMinute;

    FleetProfile(int defaultMachines, double rowsPerMachineMinute) {
        this.defaultMachines = defaultMachines;
        this.rowsPerMachineMinute = rowsPerMachineMinute;
    }

    public static FleetProfile parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown profile '" + text + "' (expected dense, sparse, wide or replay)", e);
        }
    }

    public int defaultMachines() {
        return defaultMachines;
    }

    /** About how many rows one machine makes per minute (used to size the hours for a record count). */
    public double rowsPerMachineMinute() {
        return rowsPerMachineMinute;
    }

    /** The hours of data that give at least {@code records} rows for this many machines. */
    public double hoursFor(long records, int machines) {
        return records / (machines * rowsPerMachineMinute * 60) * 1.25 + 0.1;
    }

    /** The addresses the generated incidents connect to (Feodo C2 servers, Spamhaus DROP hosts). */
    public static java.util.Set<String> incidentAddresses() {
        java.util.Set<String> ips = new java.util.HashSet<>();
        for (String[] c2 : DataGenerator.C2) {
            ips.add(c2[0]);
        }
        ips.addAll(List.of(DataGenerator.BOTNET));
        return ips;
    }

    /** Generates every row, in upload order, handing each to {@code out}. */
    public void generate(DataGenerator.Settings settings, Consumer<Map<String, Object>> out) {
        switch (this) {
            case DENSE -> new DataGenerator(settings).generate(out);
            case SPARSE -> new Shaped(settings, 24, 120, 1, false).generate(out);
            case WIDE -> new Shaped(settings, 6, 16, 3, true).generate(out);
            case REPLAY -> throw new IllegalStateException("the replay profile reads a file; it generates nothing");
        }
    }

    /** Sparse and wide fleets: per machine a set of processes and remotes, rows drawn at random each minute. */
    private static final class Shaped {
        private static final String[] NAMES = {"sshd", "nginx", "java", "postgres", "python3", "node", "dotnet", "redis-server",
            "AzureMonitorAgent", "backup-agent", "chrome", "svchost", "httpd", "mysqld", "containerd", "kubelet"};
        private static final String[] COUNTRIES = {"United States", "Germany", "Netherlands", "United Kingdom", "France", "Japan"};
        private static final int[] PORTS = {443, 80, 22, 5432, 8080, 3306, 6379, 445, 53, 9092};

        private final DataGenerator.Settings settings;
        private final int processes;
        private final int remotes;
        private final int shuffleMinutes;
        private final boolean wide;
        private final List<Host> fleet = new ArrayList<>();

        Shaped(DataGenerator.Settings settings, int processes, int remotes, int shuffleMinutes, boolean wide) {
            this.settings = settings;
            this.processes = processes;
            this.remotes = remotes;
            this.shuffleMinutes = shuffleMinutes;
            this.wide = wide;
            Random r = new Random(settings.seed());
            for (int i = 0; i < settings.machines(); i++) {
                fleet.add(new Host(i, r));
            }
        }

        private final class Host {
            final int index;
            final String computer;
            final String machine;
            final String agent;
            final String ip;
            final String[] processIds;
            final String[] processNames;
            final String[] remoteIps;
            /** Sparse: each remote's port, owning process, direction and country (null when private). */
            final int[] remotePorts;
            final int[] remoteProcesses;
            final boolean[] remoteInbound;

            Host(int index, Random r) {
                this.index = index;
                this.computer = String.format(Locale.ROOT, "vm-%05d.contoso.com", index);
                this.machine = "m-" + new UUID(r.nextLong(), r.nextLong());
                this.agent = new UUID(r.nextLong(), r.nextLong()).toString();
                this.ip = "10." + (index / 65536 % 256) + "." + (index / 256 % 256) + "." + (index % 250 + 4);
                processIds = new String[processes];
                processNames = new String[processes];
                for (int p = 0; p < processes; p++) {
                    processIds[p] = "p-" + Long.toHexString(r.nextLong() | Long.MIN_VALUE);
                    processNames[p] = NAMES[p % NAMES.length] + (p < NAMES.length ? "" : "-" + p);
                }
                remoteIps = new String[remotes];
                remotePorts = new int[remotes];
                remoteProcesses = new int[remotes];
                remoteInbound = new boolean[remotes];
                stableEndpoints(r);
            }

            /**
             * A server's usual remotes: about a third cloud services the whole fleet uses (on 443, some 80), a third
             * internal peers (databases, caches, queues, internal HTTP), a few infrastructure hosts (DNS, LDAP, two
             * file servers on SMB, a git server on SSH), jump hosts' SSH sessions in and web clients in.
             */
            private void stableEndpoints(Random r) {
                int n = settings.machines();
                for (int i = 0; i < remotes; i++) {
                    int kind = i % 10;
                    int port;
                    boolean inbound = false;
                    String ip;
                    if (kind < 4) {
                        ip = CLOUD[r.nextInt(CLOUD.length)];
                        port = r.nextInt(8) == 0 ? 80 : 443;
                    } else if (kind < 7) {
                        int peer = (index + 1 + r.nextInt(64)) % n;
                        ip = "10." + (peer / 65536 % 256) + "." + (peer / 256 % 256) + "." + (peer % 250 + 4);
                        port = PEER_PORTS[r.nextInt(PEER_PORTS.length)];
                    } else if (kind == 7) {
                        String[] infra = INFRA[i / 10 % INFRA.length];
                        ip = infra[0];
                        port = Integer.parseInt(infra[1]);
                    } else if (kind == 8) {
                        ip = "10.0.0." + (4 + r.nextInt(3));
                        port = 22;
                        inbound = true;
                    } else {
                        ip = publicClient(r);
                        port = r.nextBoolean() ? 443 : 80;
                        inbound = true;
                    }
                    remoteIps[i] = ip;
                    remotePorts[i] = port;
                    remoteInbound[i] = inbound;
                    remoteProcesses[i] = port == 22 && inbound ? 0 : r.nextInt(processes);
                }
            }
        }

        /** Cloud and SaaS front ends the fleet talks to (Azure, Microsoft 365, AWS, Fastly, Cloudflare, Google, GitHub). */
        private static final String[] CLOUD = cloud();
        private static final int[] PEER_PORTS = {5432, 3306, 6379, 9092, 8080, 443, 27017, 9200};
        private static final String[][] INFRA = {{"10.0.0.2", "53"}, {"10.0.0.3", "53"}, {"10.0.1.10", "389"},
            {"10.0.8.10", "445"}, {"10.0.8.11", "445"}, {"10.0.9.5", "22"}, {"10.0.1.11", "88"}, {"10.0.0.2", "123"}};

        private static String[] cloud() {
            String[] prefixes = {"20.42.", "20.189.", "52.96.", "13.107.", "3.5.", "52.216.", "151.101.", "104.16.", "142.250.",
                "140.82."};
            Random r = new Random(0xC10D);
            String[] ips = new String[300];
            for (int i = 0; i < ips.length; i++) {
                ips[i] = prefixes[i % prefixes.length] + r.nextInt(256) + "." + (1 + r.nextInt(254));
            }
            return ips;
        }

        /** A public address outside the reserved and private ranges (and outside the cloud prefixes' first octets). */
        private static String publicClient(Random r) {
            int a;
            do {
                a = 1 + r.nextInt(223);
            } while (a == 10 || a == 127 || a == 100 || a == 169 || a == 172 || a == 192 || a == 198 || a == 203);
            return a + "." + r.nextInt(256) + "." + r.nextInt(256) + "." + (1 + r.nextInt(254));
        }

        void generate(Consumer<Map<String, Object>> out) {
            long minutes = settings.minutes();
            long startMillis = settings.start().toEpochMilli() / 60_000 * 60_000;
            Random r = new Random(settings.seed() ^ 0x5DEECE66DL);
            List<Map<String, Object>> block = new ArrayList<>();
            for (long minute = 0; minute < minutes; minute++) {
                String time = Instant.ofEpochMilli(startMillis + minute * 60_000).toString();
                for (Host h : fleet) {
                    minuteOf(h, time, minute, r, block);
                }
                if ((minute + 1) % shuffleMinutes == 0) {
                    Collections.shuffle(block, r);
                    block.forEach(out);
                    block.clear();
                }
            }
            Collections.shuffle(block, r);
            block.forEach(out);
        }

        private void minuteOf(Host h, String time, long minute, Random r, List<Map<String, Object>> out) {
            int rows = wide ? 3 + r.nextInt(3) : 1 + r.nextInt(4);
            int hour = (int) (minute / 60);
            int inHour = (int) (minute % 60);
            boolean incidents = settings.incidents();
            int n = fleet.size();
            for (int i = 0; i < rows; i++) {
                int p = r.nextInt(processes);
                if (wide && i == rows - 1 && r.nextBoolean()) {
                    out.add(bound(h, time, p, r));
                    continue;
                }
                // wide rows talk like sparse ones (a stable set of remotes, each with its port and process); only their columns differ
                out.add(stableRow(h, time, r));
            }
            if (incidents && h.index == Math.floorMod(hour * 7 + 1, n) && inHour >= 15 && inHour < 30) {
                // A beacon to a Feodo-listed C2 server, flagged by Azure's own threat columns.
                String[] c2 = DataGenerator.C2[hour % DataGenerator.C2.length];
                out.add(conn(h, time, 0, true, c2[0], Integer.parseInt(c2[1]), 1, 0, 600 + r.nextInt(200), 900, r, c2));
            }
            if (incidents && h.index == Math.floorMod(hour * 13 + 3, n) && inHour >= 40 && inHour < 45) {
                // One process whose outbound connections suddenly fail.
                out.add(conn(h, time, 1, true, wide ? h.remoteIps[1] : CLOUD[h.index % CLOUD.length], 443, 0, 40, 0, 0, r, null));
            }
        }

        /**
         * One sparse row: a remote drawn with a skew (a few busy ones, a long tail), owned by its process; one row in
         * fifty is churn instead (a new CDN address out on 443, or a new web client in).
         */
        private Map<String, Object> stableRow(Host h, String time, Random r) {
            if (r.nextInt(50) == 0) {
                boolean in = r.nextBoolean();
                String remote = in ? publicClient(r) : "151.101." + r.nextInt(256) + "." + (1 + r.nextInt(254));
                return conn(h, time, r.nextInt(processes), !in, remote, 443, 1 + r.nextInt(3), 0, 1_000 + r.nextInt(20_000),
                    2_000 + r.nextInt(80_000), r, null);
            }
            double u = r.nextDouble();
            int e = (int) (remotes * u * u);
            boolean outbound = !h.remoteInbound[e];
            long established = 1 + r.nextInt(6);
            long failed = outbound && r.nextInt(25) == 0 ? 1 + r.nextInt(2) : 0;
            return conn(h, time, h.remoteProcesses[e], outbound, h.remoteIps[e], h.remotePorts[e], established, failed,
                1_000 + r.nextInt(60_000), 2_000 + r.nextInt(200_000), r, null);
        }

        private Map<String, Object> identity(Host h, String time, int p) {
            Map<String, Object> row = new LinkedHashMap<>(64);
            if (wide) {
                row.put("TenantId", "3f2a8c9e-5b71-4d0a-9e6c-1a2b3c4d5e6f");
                row.put("SourceSystem", "Insights");
            }
            row.put("TimeGenerated", time);
            row.put("Computer", h.computer);
            row.put("AgentId", h.agent);
            row.put("Machine", h.machine);
            row.put("Process", h.processIds[p]);
            row.put("ProcessName", h.processNames[p]);
            return row;
        }

        private Map<String, Object> conn(Host h, String time, int p, boolean outbound, String remote, int port, long established,
                                         long failed, long sent, long received, Random r, String[] c2) {
            Map<String, Object> row = identity(h, time, p);
            row.put("SourceIp", outbound ? h.ip : remote);
            row.put("DestinationIp", outbound ? remote : h.ip);
            row.put("DestinationPort", port);
            row.put("Protocol", "tcp");
            row.put("Direction", outbound ? "outbound" : "inbound");
            row.put("ConnectionId", String.format(Locale.ROOT, "%08x-%04x", remote.hashCode() ^ h.index, port));
            row.put("LinksEstablished", established);
            row.put("LinksTerminated", established);
            row.put("LinksFailed", failed);
            row.put("LinksLive", (long) r.nextInt(3));
            row.put("BytesSent", sent);
            row.put("BytesReceived", received);
            long responses = established * 3;
            row.put("Responses", responses);
            if (wide || responses > 0) {
                row.put("ResponseTimeMax", 40L + r.nextInt(100));
                row.put("ResponseTimeMin", 1L + r.nextInt(3));
                row.put("ResponseTimeSum", responses * (5 + r.nextInt(20)));
            }
            row.put("RemoteIp", remote);
            boolean internal = remote.startsWith("10.");
            if (wide || !internal) {
                row.put("RemoteCountry", internal ? "" : COUNTRIES[Math.floorMod(remote.hashCode(), COUNTRIES.length)]);
            }
            if (wide) {
                row.put("RemoteLatitude", internal ? 0.0 : 47.6062 + Math.floorMod(remote.hashCode(), 90) / 10.0);
                row.put("RemoteLongitude", internal ? 0.0 : -122.3321 + Math.floorMod(remote.hashCode(), 170) / 10.0);
                String dns = internal ? "svc-" + Math.floorMod(remote.hashCode(), 997) + ".internal.contoso.com"
                    : "edge-" + Math.floorMod(remote.hashCode(), 9973) + ".cdn.example.net";
                row.put("RemoteDnsCanonicalNames", "[\"" + dns + "\"]");
                row.put("RemoteDnsQuestions", "[\"" + dns + "\"]");
            }
            if (c2 != null) {
                row.put("MaliciousIp", c2[0]);
                row.put("IndicatorThreatType", "Botnet");
                row.put("Description", c2[2] + " botnet C&C server listed by abuse.ch Feodo Tracker");
                row.put("TLPLevel", "Amber");
                row.put("Confidence", "80");
                row.put("Severity", 4);
                row.put("FirstReportedDateTime", "2024-02-08T19:20:49Z");
                row.put("LastReportedDateTime", "2024-04-01T00:00:00Z");
                row.put("IsActive", "True");
                row.put("ReportReferenceLink", "https://feodotracker.abuse.ch/browse/host/" + c2[0] + "/");
                row.put("AdditionalInformation", "port " + c2[1]);
            } else if (wide) {
                // Azure exports the threat columns of a clean row empty.
                for (String column : new String[] {"MaliciousIp", "IndicatorThreatType", "Description", "TLPLevel", "Confidence",
                    "FirstReportedDateTime", "LastReportedDateTime", "IsActive", "ReportReferenceLink", "AdditionalInformation"}) {
                    row.put(column, "");
                }
            }
            row.put("Type", "VMConnection");
            return row;
        }

        private Map<String, Object> bound(Host h, String time, int p, Random r) {
            Map<String, Object> row = identity(h, time, p);
            // sshd and nginx listen on every interface (as the shipped allowlist expects), the rest on the host's address
            boolean wildcard = p <= 1;
            int port = p == 0 ? 22 : p == 1 ? 443 : PORTS[p % PORTS.length];
            String ip = wildcard ? "0.0.0.0" : h.ip;
            row.put("Ip", ip);
            row.put("Port", port);
            row.put("Protocol", "tcp");
            row.put("IsWildcardBind", wildcard);
            row.put("PortId", h.processIds[p] + "|" + ip + "|" + port + "|tcp");
            long established = r.nextInt(5);
            row.put("LinksEstablished", established);
            row.put("LinksTerminated", established);
            row.put("LinksLive", (long) r.nextInt(3));
            row.put("BytesSent", (long) r.nextInt(100_000));
            row.put("BytesReceived", (long) r.nextInt(100_000));
            row.put("Responses", established * 2);
            row.put("ResponseTimeMax", 30L + r.nextInt(50));
            row.put("ResponseTimeMin", 1L);
            row.put("ResponseTimeSum", established * 2 * (3 + r.nextInt(10)));
            row.put("Type", "VMBoundPort");
            return row;
        }
    }
}
