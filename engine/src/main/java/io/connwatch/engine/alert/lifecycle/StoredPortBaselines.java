package io.connwatch.engine.alert.lifecycle;

import io.connwatch.engine.facts.PortBaseline;
import io.connwatch.lifecycle.store.LifecycleStore;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * The machines' learned listening ports kept in the lifecycle store (map {@code port-baselines},
 * value {@code firstSeen:port,port,...}), so that `new-listening-port` does not learn afresh after
 * a restart. Written as ports are learned, committed with the store's next commit (within a second).
 */
public final class StoredPortBaselines implements PortBaseline.Memory {
    private static final String MAP = "port-baselines";
    private final LifecycleStore store;

    public StoredPortBaselines(LifecycleStore store) {
        this.store = store;
    }

    @Override
    public PortBaseline.Learned load(String machine) {
        String v = store.get(MAP, machine);
        if (v == null) {
            return null;
        }
        try {
            int colon = v.indexOf(':');
            long firstSeen = Long.parseLong(v.substring(0, colon));
            Set<Integer> ports = new HashSet<>();
            for (String p : v.substring(colon + 1).split(",")) {
                if (!p.isEmpty()) {
                    ports.add(Integer.parseInt(p));
                }
            }
            return new PortBaseline.Learned(firstSeen, ports);
        } catch (RuntimeException e) {
            return null;
        }
    }

    @Override
    public void save(String machine, long firstSeen, Set<Integer> ports) {
        StringBuilder b = new StringBuilder().append(firstSeen).append(':');
        for (Integer p : new TreeSet<>(ports)) {
            b.append(p).append(',');
        }
        store.put(MAP, machine, b.toString());
    }
}
