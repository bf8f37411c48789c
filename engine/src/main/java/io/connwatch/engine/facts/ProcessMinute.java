package io.connwatch.engine.facts;

import java.util.Map;

/**
 * The VMConnection rows of one process (Machine + Process) in one closed minute, summed; the
 * per-process counterpart of {@link MachineMinute}.
 */
public final class ProcessMinute extends ConnectionMinute {
    final String process;
    final String processName;
    long failedRows;
    long outboundRows;
    /** Distinct remote addresses and ports of outbound rows this minute; the sets are dropped at release. */
    java.util.Set<io.connwatch.net.IpAddress> remoteSet = new java.util.HashSet<>();
    java.util.Set<Integer> portSet = new java.util.HashSet<>();
    int distinctRemotes;
    int distinctPorts;

    ProcessMinute(String machine, String computer, String process, String processName, long minuteStartMillis) {
        super(machine, computer, minuteStartMillis);
        this.process = process;
        this.processName = processName;
    }

    @Override
    void add(Connection c) {
        super.add(c);
        if (c.direction == Direction.OUTBOUND) {
            outboundRows++;
            remoteSet.add(c.remoteIp);
            portSet.add(c.destinationPort);
            if (c.linksFailed > 0 && c.linksEstablished == 0) {
                failedRows++;
            }
        }
    }

    /**
     * Called when the minute closes: the sets become counts, and a {@link FanOutMinute} carrying
     * them when some outbound row failed outright (the only minutes scan rules need to see).
     */
    FanOutMinute seal() {
        distinctRemotes = remoteSet.size();
        distinctPorts = portSet.size();
        FanOutMinute fanOut = failedRows == 0 ? null : new FanOutMinute(machine, computer, process, processName, timestamp,
            java.util.Set.copyOf(remoteSet), java.util.Set.copyOf(portSet), failedRows, outboundRows, getFailedRemotes());
        remoteSet = null;
        portSet = null;
        return fanOut;
    }

    /** Distinct remote IPs of this process's outbound rows this minute. */
    public int getDistinctRemotes() {
        return distinctRemotes;
    }

    /** Distinct destination ports of this process's outbound rows this minute. */
    public int getDistinctPorts() {
        return distinctPorts;
    }

    /** Outbound rows whose links all failed this minute. */
    public long getFailedRows() {
        return failedRows;
    }

    @Override
    public String getTable() {
        return "ProcessMinute";
    }

    /** The {@code p-hex} process id (unique within the machine), or the name when the rows had no id. */
    public String getProcess() {
        return process;
    }

    public String getProcessName() {
        return processName;
    }

    /** The process name, or the process id when the rows had no name. */
    public String getProcessLabel() {
        return processName != null ? processName : process;
    }

    /** The process label: an alert on a process's minute is about that process. */
    @Override
    public String alertProcess() {
        return getProcessLabel();
    }

    @Override
    public Map<String, Object> toColumns() {
        Map<String, Object> m = columns();
        m.put("Process", process);
        if (processName != null) {
            m.put("ProcessName", processName);
        }
        putCounters(m);
        m.put("DistinctRemotes", distinctRemotes);
        m.put("DistinctPorts", distinctPorts);
        m.put("FailedRows", failedRows);
        return m;
    }
}
