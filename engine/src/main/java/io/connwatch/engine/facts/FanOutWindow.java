package io.connwatch.engine.facts;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A process's fan-out minutes in a window: distinct remotes and ports across them, failed and all
 * outbound rows. The row counts are summed as the minutes are added; the distinct remotes and
 * ports only when a rule asks for them, since merging the minutes' sets costs more than the rest
 * of the query and most windows fail the failed-share test first.
 */
public final class FanOutWindow {
    private final List<FanOutMinute> minutes = new ArrayList<>(4);
    private long failedRows;
    private long outboundRows;
    private Set<Object> remotes;
    private Set<Object> ports;

    void add(FanOutMinute f) {
        minutes.add(f);
        failedRows += f.getFailedRows();
        outboundRows += f.getOutboundRows();
    }

    /** Distinct remote IPs across the window's minutes. */
    public int getDistinctRemotes() {
        if (remotes == null) {
            Set<Object> all = new HashSet<>();
            for (FanOutMinute f : minutes) {
                all.addAll(f.getRemotes());
            }
            remotes = all;
        }
        return remotes.size();
    }

    /** Distinct destination ports across the window's minutes. */
    public int getDistinctPorts() {
        if (ports == null) {
            Set<Object> all = new HashSet<>();
            for (FanOutMinute f : minutes) {
                all.addAll(f.getPorts());
            }
            ports = all;
        }
        return ports.size();
    }

    public long getFailedRows() {
        return failedRows;
    }

    public long getOutboundRows() {
        return outboundRows;
    }

    public int getMinutes() {
        return minutes.size();
    }

    /** Each minute's remotes with the most failed links, for {@link TopRemotes#describe}. */
    public List<TopRemotes> getFailedRemotes() {
        List<TopRemotes> top = new ArrayList<>(minutes.size());
        for (FanOutMinute f : minutes) {
            if (f.getFailedRemotes() != null) {
                top.add(f.getFailedRemotes());
            }
        }
        return top;
    }
}
