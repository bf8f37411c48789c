package io.connwatch.engine.facts;

import io.connwatch.feeds.ThreatMatch;
import io.connwatch.feeds.ThreatType;
import io.connwatch.feeds.TlpLevel;
import io.connwatch.net.IpAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One VMConnection row: the connections a process made or accepted to one remote endpoint in one
 * minute, with Azure's own threat-intelligence verdict on the remote IP when it had one.
 */
public final class Connection extends MachineRecord {
    IpAddress sourceIp;
    IpAddress destinationIp;
    int destinationPort;
    Direction direction;
    String connectionId;
    long linksFailed;
    IpAddress remoteIp;
    String remoteCountry;
    Double remoteLatitude;
    Double remoteLongitude;
    List<String> remoteDnsCanonicalNames = List.of();
    List<String> remoteDnsQuestions = List.of();
    IpAddress maliciousIp;
    ThreatType indicatorThreatType;
    String description;
    TlpLevel tlpLevel;
    Integer confidence;
    Integer severity;
    Instant firstReportedDateTime;
    Instant lastReportedDateTime;
    Boolean isActive;
    String reportReferenceLink;
    String additionalInformation;
    ThreatMatch feedMatch;
    boolean allowlisted;
    ThreatVerdict threat;
    boolean lateDetection;
    boolean destinationPortOpen;

    /** For inbound rows: the machine is known to listen on the destination port (see {@link PortBaseline}). */
    public boolean isDestinationPortOpen() {
        return destinationPortOpen;
    }

    Connection() {
    }

    /**
     * Adds what connwatch's own feeds know of the remote IP. The engine calls this once, before
     * rules see the fact; rules only read the result ({@link #getThreat()}).
     *
     * @param match       the feeds' match, or null
     * @param allowlisted true when the remote IP is on an allowlist: then no verdict applies
     */
    public void enrich(ThreatMatch match, boolean allowlisted) {
        this.feedMatch = allowlisted ? null : match;
        this.allowlisted = allowlisted;
        ThreatVerdict azure = maliciousIp == null ? null : ThreatVerdict.fromAzure(this);
        ThreatVerdict feeds = feedMatch == null ? null : ThreatVerdict.fromFeeds(feedMatch, timeGenerated);
        this.threat = allowlisted ? null : ThreatVerdict.stronger(azure, feeds);
    }

    /**
     * A copy of this row for a late detection: the feeds learned of the remote IP after the row
     * was judged. Rules see it with {@link #isLateDetection()} true and its original time.
     */
    public Connection lateDetection(ThreatMatch match) {
        Connection c = copy();
        c.lateDetection = true;
        c.enrich(match, false);
        return c;
    }

    /** A slim copy for {@link SightingMemory}: identity, endpoints and links, no DNS or threat columns. */
    Connection sighting() {
        Connection c = copy();
        c.remoteDnsCanonicalNames = List.of();
        c.remoteDnsQuestions = List.of();
        c.connectionId = null;
        return c;
    }

    private Connection copy() {
        Connection c = new Connection();
        c.timeGenerated = timeGenerated;
        c.timestamp = timestamp;
        c.computer = computer;
        c.agentId = agentId;
        c.machine = machine;
        c.process = process;
        c.processName = processName;
        c.protocol = protocol;
        c.linksEstablished = linksEstablished;
        c.linksTerminated = linksTerminated;
        c.linksLive = linksLive;
        c.bytesSent = bytesSent;
        c.bytesReceived = bytesReceived;
        c.responses = responses;
        c.responseTimeMax = responseTimeMax;
        c.responseTimeMin = responseTimeMin;
        c.responseTimeSum = responseTimeSum;
        c.sourceIp = sourceIp;
        c.destinationIp = destinationIp;
        c.destinationPort = destinationPort;
        c.direction = direction;
        c.connectionId = connectionId;
        c.linksFailed = linksFailed;
        c.remoteIp = remoteIp;
        c.remoteCountry = remoteCountry;
        c.remoteLatitude = remoteLatitude;
        c.remoteLongitude = remoteLongitude;
        c.remoteDnsCanonicalNames = remoteDnsCanonicalNames;
        c.remoteDnsQuestions = remoteDnsQuestions;
        c.destinationPortOpen = destinationPortOpen;
        return c;
    }

    /**
     * The verdict rules act on: Azure's columns or connwatch's feeds, whichever is stronger (see
     * {@link ThreatVerdict}); null when neither knows the remote IP or it is allowlisted.
     */
    public ThreatVerdict getThreat() {
        if (threat == null && maliciousIp != null && !allowlisted && feedMatch == null) {
            // not enriched (no feeds configured): Azure's verdict alone
            threat = ThreatVerdict.fromAzure(this);
        }
        return threat;
    }

    /** True when a verdict applies and is active: what the shipped malicious-IP rules match on. */
    public boolean isThreatActive() {
        ThreatVerdict t = getThreat();
        return t != null && t.active();
    }

    /** What connwatch's feeds matched for the remote IP, with provenance, or null. */
    public ThreatMatch getFeedMatch() {
        return feedMatch;
    }

    /** True when the remote IP is on an allowlist (a MISP warninglist feed). */
    public boolean isAllowlisted() {
        return allowlisted;
    }

    /** True for a row judged again because a feed refresh named its remote IP after the fact. */
    public boolean isLateDetection() {
        return lateDetection;
    }

    @Override
    public String getTable() {
        return Table.VM_CONNECTION.azureName();
    }

    public IpAddress getSourceIp() {
        return sourceIp;
    }

    public IpAddress getDestinationIp() {
        return destinationIp;
    }

    public int getDestinationPort() {
        return destinationPort;
    }

    public Direction getDirection() {
        return direction;
    }

    public boolean isInbound() {
        return direction == Direction.INBOUND;
    }

    public boolean isOutbound() {
        return direction == Direction.OUTBOUND;
    }

    public String getConnectionId() {
        return connectionId;
    }

    /** Failed connection attempts in the minute; Azure fills it for outbound rows only. */
    public long getLinksFailed() {
        return linksFailed;
    }

    /** SourceIp for inbound rows, DestinationIp for outbound rows. */
    public IpAddress getRemoteIp() {
        return remoteIp;
    }

    public String getRemoteCountry() {
        return remoteCountry;
    }

    public Double getRemoteLatitude() {
        return remoteLatitude;
    }

    public Double getRemoteLongitude() {
        return remoteLongitude;
    }

    public List<String> getRemoteDnsCanonicalNames() {
        return remoteDnsCanonicalNames;
    }

    public List<String> getRemoteDnsQuestions() {
        return remoteDnsQuestions;
    }

    /** Equals the remote IP when Azure's feed knows it as a threat; null otherwise. */
    public IpAddress getMaliciousIp() {
        return maliciousIp;
    }

    /** True when the record carries Azure's own threat verdict (MaliciousIp is set); see {@link #getThreat()}. */
    public boolean isMalicious() {
        return maliciousIp != null;
    }

    public ThreatType getIndicatorThreatType() {
        return indicatorThreatType;
    }

    public String getDescription() {
        return description;
    }

    public TlpLevel getTlpLevel() {
        return tlpLevel;
    }

    /** 0..100; null when the record has no threat verdict. */
    public Integer getConfidence() {
        return confidence;
    }

    /** Indicator severity 0..5 (5 most severe); 3 when a verdict came without one; null without a verdict. */
    public Integer getSeverity() {
        return severity;
    }

    public Instant getFirstReportedDateTime() {
        return firstReportedDateTime;
    }

    public Instant getLastReportedDateTime() {
        return lastReportedDateTime;
    }

    /** Whether the indicator is still active; a verdict without the column counts as active. */
    public boolean isIndicatorActive() {
        return isActive == null || isActive;
    }

    /** The IsActive column as given (null when absent). */
    public Boolean getIsActive() {
        return isActive;
    }

    public String getReportReferenceLink() {
        return reportReferenceLink;
    }

    public String getAdditionalInformation() {
        return additionalInformation;
    }

    @Override
    void addColumns(Map<String, Object> m) {
        m.put("SourceIp", sourceIp.toString());
        m.put("DestinationIp", destinationIp.toString());
        m.put("DestinationPort", destinationPort);
        m.put("Protocol", protocol.azureName());
        m.put("Direction", direction.azureName());
        putIfSet(m, "ConnectionId", connectionId);
        m.put("LinksFailed", linksFailed);
        m.put("RemoteIp", remoteIp.toString());
        putIfSet(m, "RemoteCountry", remoteCountry);
        putIfSet(m, "RemoteLatitude", remoteLatitude);
        putIfSet(m, "RemoteLongitude", remoteLongitude);
        if (!remoteDnsCanonicalNames.isEmpty()) {
            m.put("RemoteDnsCanonicalNames", remoteDnsCanonicalNames);
        }
        if (!remoteDnsQuestions.isEmpty()) {
            m.put("RemoteDnsQuestions", remoteDnsQuestions);
        }
        if (maliciousIp != null) {
            m.put("MaliciousIp", maliciousIp.toString());
            putIfSet(m, "IndicatorThreatType", indicatorThreatType == null ? null : indicatorThreatType.azureName());
            putIfSet(m, "Description", description);
            putIfSet(m, "TLPLevel", tlpLevel == null ? null : tlpLevel.toString());
            putIfSet(m, "Confidence", confidence);
            putIfSet(m, "Severity", severity);
            putIfSet(m, "FirstReportedDateTime", firstReportedDateTime == null ? null : firstReportedDateTime.toString());
            putIfSet(m, "LastReportedDateTime", lastReportedDateTime == null ? null : lastReportedDateTime.toString());
            putIfSet(m, "IsActive", isActive == null ? null : (isActive ? "True" : "False"));
            putIfSet(m, "ReportReferenceLink", reportReferenceLink);
            putIfSet(m, "AdditionalInformation", additionalInformation);
        }
    }

    @Override
    public String toString() {
        return "Connection[" + timeGenerated + " " + machine + " " + getProcessLabel() + " " + direction.azureName()
            + " " + sourceIp + " -> " + destinationIp + ":" + destinationPort + "]";
    }
}
