package io.connwatch.engine.facts;

import io.connwatch.net.IpAddress;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The outbound fan-out of one process in one closed minute in which some of its outbound rows
 * failed outright: the distinct remote IPs and ports, failed rows and all outbound rows. Inserted
 * only for such minutes, so scan rules see few facts.
 */
public final class FanOutMinute implements EventFact, MinuteFact {
    private final String machine;
    private final String computer;
    private final String process;
    private final String processName;
    private final long timestamp;
    private final Set<IpAddress> remotes;
    private final Set<Integer> ports;
    private final long failedRows;
    private final long outboundRows;

    FanOutMinute(String machine, String computer, String process, String processName, long timestamp, Set<IpAddress> remotes,
                 Set<Integer> ports, long failedRows, long outboundRows) {
        this.machine = machine;
        this.computer = computer;
        this.process = process;
        this.processName = processName;
        this.timestamp = timestamp;
        this.remotes = remotes;
        this.ports = ports;
        this.failedRows = failedRows;
        this.outboundRows = outboundRows;
    }

    private boolean current = true;

    /** True while the rules judge the minute this fact closes; false from the next minute on. */
    @Override
    public boolean isCurrent() {
        return current;
    }

    @Override
    public void judged() {
        current = false;
    }

    @Override
    public String getTable() {
        return "FanOutMinute";
    }

    @Override
    public String getMachine() {
        return machine;
    }

    @Override
    public String getComputer() {
        return computer;
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

    @Override
    public long getTimestamp() {
        return timestamp;
    }

    @Override
    public Instant getTimeGenerated() {
        return Instant.ofEpochMilli(timestamp);
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

    @Override
    public Map<String, Object> toColumns() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("TimeGenerated", getTimeGenerated().toString());
        if (computer != null) {
            m.put("Computer", computer);
        }
        m.put("Machine", machine);
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

    @Override
    public String toString() {
        return "FanOutMinute" + toColumns();
    }
}
