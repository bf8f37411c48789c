package io.connwatch.engine.facts;

import java.util.Map;

/**
 * The VMConnection rows of one machine in one closed minute, summed. The engine inserts one
 * when the watermark passes the minute's end, so windowed rules work on one small fact per
 * machine-minute instead of on every row (the Failed connections workbook's numbers).
 */
public final class MachineMinute extends ConnectionMinute {
    /** Internal addresses this machine reached on administrative ports this minute; dropped at release. */
    java.util.Set<io.connwatch.net.IpAddress> adminTargetSet = new java.util.HashSet<>();
    int adminTargets;
    /** Administrative-port endpoints with the most links this minute; null until one, handed to the AdminMinute at release. */
    TopRemotes adminRemotes;

    /** Ports of remote administration and file sharing that lateral movement uses. */
    public static final java.util.Set<Integer> ADMIN_PORTS = java.util.Set.of(22, 135, 445, 3389, 5985, 5986);

    MachineMinute(String machine, String computer, long minuteStartMillis) {
        super(machine, computer, minuteStartMillis);
    }

    @Override
    void add(Connection c) {
        super.add(c);
        if (c.direction == Direction.OUTBOUND && ADMIN_PORTS.contains(c.destinationPort) && c.destinationIp.isPrivate()
            && (c.linksEstablished > 0 || c.linksFailed > 0 || c.linksLive > 0)) {
            adminTargetSet.add(c.destinationIp);
            if (adminRemotes == null) {
                adminRemotes = new TopRemotes();
            }
            // links established or failed; a minute with neither counts the session still open
            long links = c.linksEstablished + c.linksFailed;
            adminRemotes.add(c.destinationIp, c.destinationPort, links > 0 ? links : c.linksLive);
        }
    }

    /**
     * Called when the minute closes: the set becomes a count, and an {@link AdminMinute} carrying
     * the set and the top endpoints when it is not empty (the only minutes lateral-movement rules
     * need to see).
     */
    AdminMinute seal() {
        adminTargets = adminTargetSet.size();
        AdminMinute admin = adminTargets == 0 ? null
            : new AdminMinute(machine, computer, timestamp, java.util.Set.copyOf(adminTargetSet), adminRemotes);
        adminTargetSet = null;
        adminRemotes = null;
        return admin;
    }

    /** Distinct internal hosts reached on administrative ports (22, 135, 445, 3389, 5985, 5986) this minute. */
    public int getAdminTargets() {
        return adminTargets;
    }

    @Override
    public String getTable() {
        return "MachineMinute";
    }

    /** Null: an alert on a machine's minute is about the whole machine. */
    @Override
    public String alertProcess() {
        return null;
    }

    @Override
    public Map<String, Object> toColumns() {
        Map<String, Object> m = columns();
        putCounters(m);
        m.put("AdminTargets", adminTargets);
        return m;
    }
}
