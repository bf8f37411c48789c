package io.connwatch.engine.facts;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The columns VMConnection and VMBoundPort share: which machine and process reported a
 * one-minute aggregate, and the traffic counters of that minute.
 *
 * <p>Instances are made by {@link RecordDecoder} and never change once made, so rules may hold
 * them safely.
 */
public abstract sealed class MachineRecord implements EventFact permits Connection, BoundPort {
    Instant timeGenerated;
    long timestamp;
    String computer;
    String agentId;
    String machine;
    String process;
    String processName;
    Protocol protocol = Protocol.TCP;
    long linksEstablished;
    long linksTerminated;
    long linksLive;
    long bytesSent;
    long bytesReceived;
    long responses;
    Long responseTimeMax;
    Long responseTimeMin;
    Long responseTimeSum;

    MachineRecord() {
    }

    /** Start of the one-minute interval this record aggregates (event time). */
    public Instant getTimeGenerated() {
        return timeGenerated;
    }

    /** {@link #getTimeGenerated()} as epoch milliseconds: the Drools event timestamp. */
    public long getTimestamp() {
        return timestamp;
    }

    public String getComputer() {
        return computer;
    }

    public String getAgentId() {
        return agentId;
    }

    public String getMachine() {
        return machine;
    }

    public String getProcess() {
        return process;
    }

    public String getProcessName() {
        return processName;
    }

    /** The process name, or the process id when the record has no name. */
    public String getProcessLabel() {
        return processName != null ? processName : process;
    }

    public Protocol getProtocol() {
        return protocol;
    }

    public long getLinksEstablished() {
        return linksEstablished;
    }

    public long getLinksTerminated() {
        return linksTerminated;
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

    public long getResponses() {
        return responses;
    }

    /** Milliseconds; null when unknown. */
    public Long getResponseTimeMax() {
        return responseTimeMax;
    }

    /** Milliseconds; null when unknown. */
    public Long getResponseTimeMin() {
        return responseTimeMin;
    }

    /** Milliseconds; null when unknown. */
    public Long getResponseTimeSum() {
        return responseTimeSum;
    }

    /** The process label: an alert on a record is about the process that reported it. */
    @Override
    public String alertProcess() {
        return getProcessLabel();
    }

    /** The Azure table this record belongs to: {@code VMConnection} or {@code VMBoundPort}. */
    public abstract String getTable();

    /** The record's columns with Azure's names, in table order, for alert evidence and output. */
    public Map<String, Object> toColumns() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("TimeGenerated", timeGenerated.toString());
        putIfSet(m, "Computer", computer);
        putIfSet(m, "AgentId", agentId);
        m.put("Machine", machine);
        putIfSet(m, "Process", process);
        putIfSet(m, "ProcessName", processName);
        addColumns(m);
        m.put("LinksEstablished", linksEstablished);
        m.put("LinksTerminated", linksTerminated);
        m.put("LinksLive", linksLive);
        m.put("BytesSent", bytesSent);
        m.put("BytesReceived", bytesReceived);
        m.put("Responses", responses);
        putIfSet(m, "ResponseTimeMax", responseTimeMax);
        putIfSet(m, "ResponseTimeMin", responseTimeMin);
        putIfSet(m, "ResponseTimeSum", responseTimeSum);
        return m;
    }

    abstract void addColumns(Map<String, Object> columns);

    static void putIfSet(Map<String, Object> m, String key, Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }
}
