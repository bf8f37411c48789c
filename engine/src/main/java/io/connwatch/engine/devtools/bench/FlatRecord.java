package io.connwatch.engine.devtools.bench;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.Instant;

/**
 * One VMConnection or VMBoundPort row as plain fields, filled by Jackson's streaming parser with no
 * validation: what the peer baselines parse into.
 */
public final class FlatRecord {
    public String type;
    public long time;
    public String computer;
    public String agentId;
    public String machine;
    public String process;
    public String processName;
    public String sourceIp;
    public String destinationIp;
    public int destinationPort;
    public String protocol;
    public String direction;
    public String connectionId;
    public long linksEstablished;
    public long linksTerminated;
    public long linksFailed;
    public long linksLive;
    public long bytesSent;
    public long bytesReceived;
    public long responses;
    public long responseTimeMax;
    public long responseTimeMin;
    public long responseTimeSum;
    public String remoteIp;
    public String remoteCountry;
    public double remoteLatitude;
    public double remoteLongitude;
    public String remoteDnsCanonicalNames;
    public String remoteDnsQuestions;
    public String maliciousIp;
    public String indicatorThreatType;
    public String description;
    public String tlpLevel;
    public String confidence;
    public int severity;
    public String firstReported;
    public String lastReported;
    public String isActive;
    public String reportReferenceLink;
    public String additionalInformation;
    public String ip;
    public int port;
    public boolean wildcardBind;
    public String portId;
    public String other;

    /** Reads the object the parser's next token starts; null at the end of the input. */
    public static FlatRecord read(JsonParser p) throws IOException {
        JsonToken t = p.nextToken();
        if (t == null) {
            return null;
        }
        if (t != JsonToken.START_OBJECT) {
            throw new IOException("expected a JSON object, got " + t);
        }
        FlatRecord r = new FlatRecord();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (v == JsonToken.VALUE_NULL) {
                continue;
            }
            switch (name) {
                case "Type" -> r.type = p.getText();
                case "TimeGenerated" -> r.time = Instant.parse(p.getText()).toEpochMilli();
                case "Computer" -> r.computer = p.getText();
                case "AgentId" -> r.agentId = p.getText();
                case "Machine" -> r.machine = p.getText();
                case "Process" -> r.process = p.getText();
                case "ProcessName" -> r.processName = p.getText();
                case "SourceIp" -> r.sourceIp = p.getText();
                case "DestinationIp" -> r.destinationIp = p.getText();
                case "DestinationPort" -> r.destinationPort = p.getValueAsInt();
                case "Protocol" -> r.protocol = p.getText();
                case "Direction" -> r.direction = p.getText();
                case "ConnectionId" -> r.connectionId = p.getText();
                case "LinksEstablished" -> r.linksEstablished = p.getValueAsLong();
                case "LinksTerminated" -> r.linksTerminated = p.getValueAsLong();
                case "LinksFailed" -> r.linksFailed = p.getValueAsLong();
                case "LinksLive" -> r.linksLive = p.getValueAsLong();
                case "BytesSent" -> r.bytesSent = p.getValueAsLong();
                case "BytesReceived" -> r.bytesReceived = p.getValueAsLong();
                case "Responses" -> r.responses = p.getValueAsLong();
                case "ResponseTimeMax" -> r.responseTimeMax = p.getValueAsLong();
                case "ResponseTimeMin" -> r.responseTimeMin = p.getValueAsLong();
                case "ResponseTimeSum" -> r.responseTimeSum = p.getValueAsLong();
                case "RemoteIp" -> r.remoteIp = p.getText();
                case "RemoteCountry" -> r.remoteCountry = p.getText();
                case "RemoteLatitude" -> r.remoteLatitude = p.getValueAsDouble();
                case "RemoteLongitude" -> r.remoteLongitude = p.getValueAsDouble();
                case "RemoteDnsCanonicalNames" -> r.remoteDnsCanonicalNames = p.getText();
                case "RemoteDnsQuestions" -> r.remoteDnsQuestions = p.getText();
                case "MaliciousIp" -> r.maliciousIp = p.getText();
                case "IndicatorThreatType" -> r.indicatorThreatType = p.getText();
                case "Description" -> r.description = p.getText();
                case "TLPLevel" -> r.tlpLevel = p.getText();
                case "Confidence" -> r.confidence = p.getText();
                case "Severity" -> r.severity = p.getValueAsInt();
                case "FirstReportedDateTime" -> r.firstReported = p.getText();
                case "LastReportedDateTime" -> r.lastReported = p.getText();
                case "IsActive" -> r.isActive = p.getText();
                case "ReportReferenceLink" -> r.reportReferenceLink = p.getText();
                case "AdditionalInformation" -> r.additionalInformation = p.getText();
                case "Ip" -> r.ip = p.getText();
                case "Port" -> r.port = p.getValueAsInt();
                case "IsWildcardBind" -> r.wildcardBind = p.getValueAsBoolean();
                case "PortId" -> r.portId = p.getText();
                default -> {
                    p.skipChildren();
                    r.other = p.getText();
                }
            }
        }
        return r;
    }

    // Getters for the naive Drools pipeline's constraints.
    public String getType() {
        return type;
    }

    public long getTime() {
        return time;
    }

    public String getMachine() {
        return machine;
    }

    public String getProcess() {
        return process;
    }

    public String getRemoteIp() {
        return remoteIp;
    }

    public long getLinksFailed() {
        return linksFailed;
    }

    public long getBytesSent() {
        return bytesSent;
    }
}
