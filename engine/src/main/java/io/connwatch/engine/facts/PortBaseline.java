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
 * memory is one small set per machine. With a {@link Memory} (the service's lifecycle store) what
 * was learned survives a restart: a machine is looked up there the first time it is seen, and a
 * new machine or port is written there.
 */
public final class PortBaseline {
    /** Where learned baselines are kept beyond the process: {@code firstSeen} and the ports of a machine. */
    public interface Memory {
        Memory NONE = new Memory() {
            @Override
            public Learned load(String machine) {
                return null;
            }

            @Override
            public void save(String machine, long firstSeen, Set<Integer> ports) {
            }
        };

        /** What was learned of a machine, or null. */
        Learned load(String machine);

        void save(String machine, long firstSeen, Set<Integer> ports);
    }

    /** A machine's learned baseline. */
    public record Learned(long firstSeen, Set<Integer> ports) {
    }

    private Memory memory = Memory.NONE;

    private static final class MachineState {
        final long firstSeen;
        final Set<Integer> ports = new HashSet<>();

        MachineState(long firstSeen) {
            this.firstSeen = firstSeen;
        }
    }

    private final Map<String, MachineState> machines = new HashMap<>();

    /** Keeps what is learned in {@code m} too, and starts from what it holds. */
    public void use(Memory m) {
        this.memory = m;
        machines.clear();
    }

    private MachineState known(String machine) {
        MachineState s = machines.get(machine);
        if (s == null && memory != Memory.NONE) {
            Learned l = memory.load(machine);
            if (l != null) {
                s = new MachineState(l.firstSeen());
                s.ports.addAll(l.ports());
                machines.put(machine, s);
            }
        }
        return s;
    }

    /** Learns from a bound-port row and marks it. */
    public void observe(BoundPort b) {
        MachineState s = known(b.machine);
        boolean changed = false;
        if (s == null) {
            s = new MachineState(b.timestamp);
            machines.put(b.machine, s);
            changed = true;
        }
        b.listeningSince = s.firstSeen;
        b.newPort = !b.isLoopbackOnly() && s.ports.add(b.port);
        if (changed || b.newPort) {
            memory.save(b.machine, s.firstSeen, s.ports);
        }
    }

    /** Marks an inbound connection to a port its machine is known to listen on. */
    public void mark(Connection c) {
        if (c.direction == Direction.INBOUND) {
            MachineState s = known(c.machine);
            c.destinationPortOpen = s != null && s.ports.contains(c.destinationPort);
        }
    }

    public int machines() {
        return machines.size();
    }
}
