package io.connwatch.engine.facts;

import io.connwatch.net.IpAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The outbound VMConnection rows of one process to one remote IP and port in one closed minute,
 * summed, with the key's contact cadence over hours ({@link RemoteCadence.Cadence}); rules that
 * need a remote's traffic over a window read these instead of keeping raw rows. At most
 * {@code rules}' limit of remote keys per machine-minute are kept (see {@link MinuteRollup}).
 */
public final class RemoteMinute extends MinuteRollupFact {
    /** Well-known names of the services rules group remotes by; other ports have none. */
    private static final Map<Integer, String> SERVICES = Map.of(22, "ssh", 135, "rpc", 445, "smb", 3389, "rdp",
        5985, "winrm", 5986, "winrm");

    final String process;
    final String processName;
    final IpAddress remoteIp;
    final int remotePort;
    long rows;
    long linksEstablished;
    long linksFailed;
    long linksLive;
    long bytesSent;
    long bytesReceived;
    boolean allowlisted;
    boolean leadOfService;
    RemoteCadence.Cadence cadence = RemoteCadence.Cadence.NONE;

    RemoteMinute(String machine, String computer, String process, String processName, IpAddress remoteIp, int remotePort,
                 long minuteStartMillis) {
        super(machine, computer, minuteStartMillis);
        this.process = process;
        this.processName = processName;
        this.remoteIp = remoteIp;
        this.remotePort = remotePort;
    }

    void add(Connection c) {
        rows++;
        linksEstablished += c.linksEstablished;
        linksFailed += c.linksFailed;
        linksLive += c.linksLive;
        bytesSent += c.bytesSent;
        bytesReceived += c.bytesReceived;
        allowlisted |= c.allowlisted;
    }

    /**
     * Marks, among a minute's remotes, the first public and not allowlisted one of each process
     * and named service, so a rule anchored on it matches once per minute however many targets.
     */
    static void markLeads(Collection<RemoteMinute> minute) {
        Map<String, Boolean> seen = new HashMap<>();
        for (RemoteMinute r : minute) {
            String service = r.getService();
            if (service != null && !r.remoteIp.isPrivate() && !r.allowlisted
                && seen.putIfAbsent(r.process + '\u0000' + service, Boolean.TRUE) == null) {
                r.leadOfService = true;
            }
        }
    }

    @Override
    public String getTable() {
        return "RemoteMinute";
    }

    /** The process label: an alert on a remote's minute is about the process that reached it. */
    @Override
    public String alertProcess() {
        return getProcessLabel();
    }

    public String getProcess() {
        return process;
    }

    public String getProcessName() {
        return processName;
    }

    public String getProcessLabel() {
        return processName != null ? processName : process;
    }

    public IpAddress getRemoteIp() {
        return remoteIp;
    }

    /** The destination port of the outbound rows. */
    public int getRemotePort() {
        return remotePort;
    }

    /** {@code ssh}, {@code rpc}, {@code smb}, {@code rdp} or {@code winrm} for those ports (22, 135, 445, 3389, 5985/5986); null otherwise. */
    public String getService() {
        return SERVICES.get(remotePort);
    }

    /** True for the first public, not allowlisted remote of its process and service this minute. */
    public boolean isLeadOfService() {
        return leadOfService;
    }

    public long getRows() {
        return rows;
    }

    public long getLinksEstablished() {
        return linksEstablished;
    }

    public long getLinksFailed() {
        return linksFailed;
    }

    public long getLinksLive() {
        return linksLive;
    }

    public long getBytesSent() {
        return bytesSent;
    }

    public long getBytesReceived() {
        return bytesReceived;
    }

    /** The remote IP is on an allowlist (a feed's warninglist). */
    public boolean isAllowlisted() {
        return allowlisted;
    }

    /** How this key was contacted over its current run, up to and including this minute. */
    public RemoteCadence.Cadence getCadence() {
        return cadence;
    }

    /**
     * The {@code n} remotes with the most links (established + failed) over the given minutes, as
     * {@code "203.0.113.7:445 (3 links, 0 established)"}, for evidence.
     */
    public static List<String> describe(Collection<?> minutes, int n) {
        Map<String, long[]> byRemote = new HashMap<>();
        for (Object o : minutes) {
            if (o instanceof RemoteMinute r) {
                long[] sums = byRemote.computeIfAbsent(r.remoteIp + ":" + r.remotePort, k -> new long[2]);
                sums[0] += r.linksEstablished + r.linksFailed;
                sums[1] += r.linksEstablished;
            }
        }
        List<Map.Entry<String, long[]>> sorted = new ArrayList<>(byRemote.entrySet());
        sorted.sort(Comparator.<Map.Entry<String, long[]>>comparingLong(e -> e.getValue()[0]).reversed()
            .thenComparing(Map.Entry::getKey));
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, long[]> e : sorted.subList(0, Math.min(n, sorted.size()))) {
            long links = e.getValue()[0];
            out.add(e.getKey() + " (" + links + (links == 1 ? " link, " : " links, ") + e.getValue()[1] + " established)");
        }
        return out;
    }

    @Override
    public Map<String, Object> toColumns() {
        Map<String, Object> m = columns();
        m.put("Process", process);
        if (processName != null) {
            m.put("ProcessName", processName);
        }
        m.put("RemoteIp", remoteIp.toString());
        m.put("RemotePort", remotePort);
        m.put("Rows", rows);
        m.put("LinksEstablished", linksEstablished);
        m.put("LinksFailed", linksFailed);
        m.put("LinksLive", linksLive);
        m.put("BytesSent", bytesSent);
        m.put("BytesReceived", bytesReceived);
        if (cadence.getContacts() > 0) {
            m.put("Contacts", cadence.getContacts());
            m.put("ContactSpanMinutes", cadence.getSpanMillis() / 60_000);
            m.put("MeanBytesPerContact", cadence.getMeanBytesPerContact());
        }
        return m;
    }
}
