package io.connwatch.engine.facts;

import io.connwatch.net.IpAddress;
import java.util.Map;
import java.util.Set;

/**
 * The outbound fan-out of one process in one closed minute in which some of its outbound rows
 * failed outright: the distinct remote IPs and ports, failed rows and all outbound rows. Inserted
 * only for such minutes, so scan rules see few facts.
 */
public final class FanOutMinute extends MinuteRollupFact {
    private final String process;
    private final String processName;
    private final Set<IpAddress> remotes;
    private final Set<Integer> ports;
    private final long failedRows;
    private final long outboundRows;
    private final TopRemotes failedRemotes;

    FanOutMinute(String machine, String computer, String process, String processName, long timestamp, Set<IpAddress> remotes,
                 Set<Integer> ports, long failedRows, long outboundRows, TopRemotes failedRemotes) {
        super(machine, computer, timestamp);
        this.process = process;
        this.processName = processName;
        this.remotes = remotes;
        this.ports = ports;
        this.failedRows = failedRows;
        this.outboundRows = outboundRows;
        this.failedRemotes = failedRemotes;
    }

    @Override
    public String getTable() {
        return "FanOutMinute";
    }

    /**
     * Null, as alerts on fan-out minutes have always been raised: their rules name the process
     * with {@code .process(...)}, and the process is part of an alert's fingerprint, so naming it
     * here would change the fingerprints (and break the dedup episodes) of rules that do not.
     */
    @Override
    public String alertProcess() {
        return null;
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

    public Set<IpAddress> getRemotes() {
        return remotes;
    }

    public Set<Integer> getPorts() {
        return ports;
    }

    public long getFailedRows() {
        return failedRows;
    }

    public long getOutboundRows() {
        return outboundRows;
    }

    /** The remote IPs and ports with the most failed links this minute. */
    public TopRemotes getFailedRemotes() {
        return failedRemotes;
    }

    @Override
    public Map<String, Object> toColumns() {
        Map<String, Object> m = columns();
        m.put("Process", process);
        if (processName != null) {
            m.put("ProcessName", processName);
        }
        m.put("DistinctRemotes", remotes.size());
        m.put("DistinctPorts", ports.size());
        m.put("FailedRows", failedRows);
        m.put("OutboundRows", outboundRows);
        return m;
    }
}
