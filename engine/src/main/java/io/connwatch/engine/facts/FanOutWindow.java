package io.connwatch.engine.facts;

import java.util.ArrayList;
import java.util.List;

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
    private int remotes = -1;
    private int ports = -1;

    void add(FanOutMinute f) {
        minutes.add(f);
        failedRows += f.getFailedRows();
        outboundRows += f.getOutboundRows();
    }

    /** Distinct remote IPs across the window's minutes. */
    public int getDistinctRemotes() {
        if (remotes < 0) {
            remotes = RollupWindows.distinct(minutes, FanOutMinute::getRemotes);
        }
        return remotes;
    }

    /** Distinct destination ports across the window's minutes. */
    public int getDistinctPorts() {
        if (ports < 0) {
            ports = RollupWindows.distinct(minutes, FanOutMinute::getPorts);
        }
        return ports;
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
        return RollupWindows.tops(minutes, FanOutMinute::getFailedRemotes);
    }
}
