package io.connwatch.engine.facts;

import io.connwatch.net.IpAddress;
import java.util.Map;

/** One VMBoundPort row: a port a process listened on during one minute, and its traffic. */
public final class BoundPort extends MachineRecord {
    IpAddress ip;
    int port;
    boolean isWildcardBind;
    String portId;
    boolean newPort;
    long listeningSince;
    long loopbackUntil;

    BoundPort() {
    }

    /**
     * True for the first row of a port this machine never listened on before (set by the engine's
     * {@link PortBaseline}; loopback-only binds are never new).
     */
    public boolean isNewPort() {
        return newPort;
    }

    /**
     * True for a row open on all interfaces whose machine, process and port the engine last saw
     * bound to loopback only (127.0.0.0/8 or ::1) in an earlier minute, with no all-interfaces
     * row since: a service moved from loopback to every interface (set by {@link PortBaseline}).
     */
    public boolean isMovedFromLoopback() {
        return loopbackUntil != 0;
    }

    /** For a row {@link #isMovedFromLoopback() moved from loopback}: the last minute the port was loopback-only (epoch ms); 0 otherwise. */
    public long getLoopbackUntil() {
        return loopbackUntil;
    }

    /** Epoch milliseconds when the engine first saw this machine's bound ports: the start of its learning. */
    public long getListeningSince() {
        return listeningSince;
    }

    @Override
    public String getTable() {
        return Table.VM_BOUND_PORT.azureName();
    }

    /** The bound address; may be the wildcard 0.0.0.0 or ::. */
    public IpAddress getIp() {
        return ip;
    }

    public int getPort() {
        return port;
    }

    /** Azure's flag: the port is open on every interface (set on the specific-IP record that survives). */
    public boolean isWildcardBind() {
        return isWildcardBind;
    }

    /** Same as {@link #isWildcardBind()}, named for Drools property access ({@code isWildcardBind == true}). */
    public boolean getIsWildcardBind() {
        return isWildcardBind;
    }

    public String getPortId() {
        return portId;
    }

    /**
     * True when the port listens on all interfaces: Azure's IsWildcardBind flag or a wildcard
     * address. Rules should use this, not a test on the address alone (see docs/input-formats.md, wildcard binds).
     */
    public boolean isOpenOnAllInterfaces() {
        return isWildcardBind || ip.isWildcard();
    }

    /** True when the port is bound to a loopback address only. */
    public boolean isLoopbackOnly() {
        return !isWildcardBind && ip.isLoopback();
    }

    @Override
    void addColumns(Map<String, Object> m) {
        m.put("Ip", ip.toString());
        m.put("Port", port);
        m.put("Protocol", protocol.azureName());
        m.put("IsWildcardBind", isWildcardBind);
        putIfSet(m, "PortId", portId);
    }

    @Override
    public String toString() {
        return "BoundPort[" + timeGenerated + " " + machine + " " + getProcessLabel() + " " + ip + ":" + port
            + (isWildcardBind ? " wildcard" : "") + "]";
    }
}
