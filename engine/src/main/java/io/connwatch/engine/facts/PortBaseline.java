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
 *
 * <p>It also remembers, per machine, the process + port keys it saw bound to loopback only or to
 * all interfaces (at most {@value #LOOPBACK_KEYS} per machine, the least recently seen dropped first; not kept in the
 * {@link Memory}), and marks a later row of the same key open on all interfaces
 * ({@link BoundPort#isMovedFromLoopback()}).
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

    /** Loopback-only and all-interfaces process + port keys remembered per machine. */
    static final int LOOPBACK_KEYS = 256;

    private static final class MachineState {
        final long firstSeen;
        final Set<Integer> ports = new HashSet<>();
        /** Per process + port bound to loopback only or to all interfaces: {last loopback-only minute, last all-interfaces minute}. */
        Map<String, long[]> loopback;

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
        rebind(s, b);
        b.newPort = !b.isLoopbackOnly() && s.ports.add(b.port);
        if (changed || b.newPort) {
            memory.save(b.machine, s.firstSeen, s.ports);
        }
    }

    private static void rebind(MachineState s, BoundPort b) {
        boolean loopbackOnly = b.isLoopbackOnly();
        if (!loopbackOnly && !b.isOpenOnAllInterfaces()) {
            return;
        }
        if (s.loopback == null) {
            s.loopback = new java.util.LinkedHashMap<>(4, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, long[]> eldest) {
                    return size() > LOOPBACK_KEYS;
                }
            };
        }
        String key = (b.process != null ? b.process : b.processName) + '|' + b.port + '|' + b.protocol;
        long[] seen = s.loopback.computeIfAbsent(key, k -> new long[] {Long.MIN_VALUE, Long.MIN_VALUE});
        if (loopbackOnly) {
            seen[0] = Math.max(seen[0], b.timestamp);
            return;
        }
        // moved: loopback-only in an earlier minute, and not open on all interfaces since (nor in that minute)
        if (seen[0] != Long.MIN_VALUE && seen[0] < b.timestamp && seen[1] < seen[0]) {
            b.loopbackUntil = seen[0];
        }
        seen[1] = Math.max(seen[1], b.timestamp);
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
