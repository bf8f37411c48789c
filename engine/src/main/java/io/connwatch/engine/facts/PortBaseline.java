package io.connwatch.engine.facts;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What the engine learns of each machine's listening ports from its VMBoundPort rows: when the
 * machine was first seen, and every port it has listened on (loopback-only binds aside). It marks
 * each bound-port row that opens a port the machine never had ({@link BoundPort#isNewPort()}), and
 * each inbound connection whose destination port the machine is known to listen on
 * ({@link Connection#isDestinationPortOpen()}), so rules test plain properties instead of joining
 * every row against learned facts. One per rule partition (machines never move between them);
 * memory is one small set per machine; a restart learns afresh.
 */
public final class PortBaseline {
    private static final class MachineState {
        final long firstSeen;
        final Set<Integer> ports = new HashSet<>();

        MachineState(long firstSeen) {
            this.firstSeen = firstSeen;
        }
    }

    private final Map<String, MachineState> machines = new HashMap<>();

    /** Learns from a bound-port row and marks it. */
    public void observe(BoundPort b) {
        MachineState s = machines.computeIfAbsent(b.machine, k -> new MachineState(b.timestamp));
        b.listeningSince = s.firstSeen;
        b.newPort = !b.isLoopbackOnly() && s.ports.add(b.port);
    }

    /** Marks an inbound connection to a port its machine is known to listen on. */
    public void mark(Connection c) {
        if (c.direction == Direction.INBOUND) {
            MachineState s = machines.get(c.machine);
            c.destinationPortOpen = s != null && s.ports.contains(c.destinationPort);
        }
    }

    public int machines() {
        return machines.size();
    }
}
