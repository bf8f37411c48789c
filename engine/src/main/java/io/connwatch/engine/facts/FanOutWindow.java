package io.connwatch.engine.facts;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** A process's fan-out minutes in a window: distinct remotes and ports across them, failed and all outbound rows. */
public final class FanOutWindow {
    private final Set<Object> remotes = new HashSet<>();
    private final Set<Object> ports = new HashSet<>();
    private long failedRows;
    private long outboundRows;
    private int minutes;
    private final List<TopRemotes> failedRemotes = new ArrayList<>(4);

    void add(FanOutMinute f) {
        remotes.addAll(f.getRemotes());
        ports.addAll(f.getPorts());
        failedRows += f.getFailedRows();
        outboundRows += f.getOutboundRows();
        minutes++;
        if (f.getFailedRemotes() != null) {
            failedRemotes.add(f.getFailedRemotes());
        }
    }

    /** Distinct remote IPs across the window's minutes. */
    public int getDistinctRemotes() {
        return remotes.size();
    }

    /** Distinct destination ports across the window's minutes. */
    public int getDistinctPorts() {
        return ports.size();
    }

    public long getFailedRows() {
        return failedRows;
    }

    public long getOutboundRows() {
        return outboundRows;
    }

    public int getMinutes() {
        return minutes;
    }

    public List<TopRemotes> getFailedRemotes() {
        return failedRemotes;
    }
}
