package io.connwatch.engine.facts;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** Every column of VMConnection and VMBoundPort, spelled as Azure spells them. */
enum Column {
    TYPE("Type"),
    TIME_GENERATED("TimeGenerated"),
    COMPUTER("Computer"),
    AGENT_ID("AgentId"),
    MACHINE("Machine"),
    PROCESS("Process"),
    PROCESS_NAME("ProcessName"),
    SOURCE_IP("SourceIp"),
    DESTINATION_IP("DestinationIp"),
    DESTINATION_PORT("DestinationPort"),
    PROTOCOL("Protocol"),
    DIRECTION("Direction"),
    CONNECTION_ID("ConnectionId"),
    LINKS_ESTABLISHED("LinksEstablished"),
    LINKS_TERMINATED("LinksTerminated"),
    LINKS_FAILED("LinksFailed"),
    LINKS_LIVE("LinksLive"),
    BYTES_SENT("BytesSent"),
    BYTES_RECEIVED("BytesReceived"),
    RESPONSES("Responses"),
    RESPONSE_TIME_MAX("ResponseTimeMax"),
    RESPONSE_TIME_MIN("ResponseTimeMin"),
    RESPONSE_TIME_SUM("ResponseTimeSum"),
    REMOTE_IP("RemoteIp"),
    REMOTE_COUNTRY("RemoteCountry"),
    REMOTE_LATITUDE("RemoteLatitude"),
    REMOTE_LONGITUDE("RemoteLongitude"),
    REMOTE_DNS_CANONICAL_NAMES("RemoteDnsCanonicalNames"),
    REMOTE_DNS_QUESTIONS("RemoteDnsQuestions"),
    MALICIOUS_IP("MaliciousIp"),
    INDICATOR_THREAT_TYPE("IndicatorThreatType"),
    DESCRIPTION("Description"),
    TLP_LEVEL("TLPLevel"),
    CONFIDENCE("Confidence"),
    SEVERITY("Severity"),
    FIRST_REPORTED("FirstReportedDateTime"),
    LAST_REPORTED("LastReportedDateTime"),
    IS_ACTIVE("IsActive"),
    REPORT_REFERENCE_LINK("ReportReferenceLink"),
    ADDITIONAL_INFORMATION("AdditionalInformation"),
    IP("Ip"),
    PORT("Port"),
    IS_WILDCARD_BIND("IsWildcardBind"),
    PORT_ID("PortId");

    static final int COUNT = values().length;
    private static final Map<String, Column> BY_NAME = new HashMap<>();

    static {
        for (Column c : values()) {
            BY_NAME.put(c.azureName, c);
            BY_NAME.put(c.azureName.toLowerCase(Locale.ROOT), c);
        }
        // Misspellings found in Microsoft's own documentation of these tables.
        BY_NAME.put("IndicatorThreadType", INDICATOR_THREAT_TYPE);
        BY_NAME.put("indicatorthreadtype", INDICATOR_THREAT_TYPE);
    }

    final String azureName;

    Column(String azureName) {
        this.azureName = azureName;
    }

    /**
     * The column a field or CSV header names: Azure's spelling in any case, ignoring the
     * {@code " [UTC]"} suffix the Log Analytics portal adds to time columns in CSV exports.
     */
    static Column byName(String name) {
        Column c = BY_NAME.get(name);
        if (c != null) {
            return c;
        }
        String key = name.trim();
        int bracket = key.indexOf(" [");
        if (bracket > 0) {
            key = key.substring(0, bracket);
        }
        c = BY_NAME.get(key);
        return c != null ? c : BY_NAME.get(key.toLowerCase(Locale.ROOT));
    }
}
