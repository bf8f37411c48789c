package io.connwatch.engine.api.auth;

import java.time.Clock;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Failed sign-ins per remote address (an IPv6 address counts by its /64, which one client
 * usually holds whole) in one-minute windows: beyond the limit, every attempt from that address
 * is refused unchecked until its window ends, so tokens cannot be guessed quickly. At most
 * {@code maxAddresses} are remembered (the oldest windows are dropped first).
 */
public final class FailedAttempts {
    static final long WINDOW_MILLIS = 60_000;

    private static final class Window {
        long start;
        int failures;
    }

    private final int perMinute;
    private final int maxAddresses;
    private final Clock clock;
    private final Map<String, Window> windows = new LinkedHashMap<>();
    private final LongAdder failed = new LongAdder();
    private final LongAdder refused = new LongAdder();

    public FailedAttempts(int perMinute, int maxAddresses, Clock clock) {
        this.perMinute = perMinute;
        this.maxAddresses = maxAddresses;
        this.clock = clock;
    }

    /**
     * Seconds the address must wait before it may try again (counted as a refusal), or 0 when it
     * may try now.
     */
    public synchronized long retryAfterSeconds(String address) {
        Window w = windows.get(key(address));
        long now = clock.millis();
        if (w == null || now - w.start >= WINDOW_MILLIS || w.failures < perMinute) {
            return 0;
        }
        refused.increment();
        return Math.max(1, (w.start + WINDOW_MILLIS - now + 999) / 1000);
    }

    /** Counts one failed attempt from the address. */
    public synchronized void failed(String address) {
        failed.increment();
        String k = key(address);
        long now = clock.millis();
        Window w = windows.get(k);
        if (w == null || now - w.start >= WINDOW_MILLIS) {
            windows.remove(k);
            if (windows.size() >= maxAddresses) {
                windows.values().removeIf(x -> now - x.start >= WINDOW_MILLIS);
            }
            if (windows.size() >= maxAddresses) {
                Iterator<String> oldest = windows.keySet().iterator();
                oldest.next();
                oldest.remove();
            }
            w = new Window();
            w.start = now;
            windows.put(k, w);
        }
        w.failures++;
    }

    /** Failed attempts so far. */
    public long failures() {
        return failed.sum();
    }

    /** Attempts refused unchecked so far because their address had failed too often. */
    public long refusals() {
        return refused.sum();
    }

    /** An IPv4 address as it is, an IPv6 address by its first four groups. */
    static String key(String address) {
        if (address == null) {
            return "";
        }
        if (address.indexOf(':') < 0) {
            return address;
        }
        try {
            byte[] b = java.net.InetAddress.getByName(address.startsWith("[") ? address.substring(1, address.length() - 1) : address)
                .getAddress();
            if (b.length == 4) {
                return java.net.InetAddress.getByAddress(b).getHostAddress();
            }
            return java.util.HexFormat.of().formatHex(b, 0, 8) + "/64";
        } catch (java.net.UnknownHostException e) {
            return address;
        }
    }
}
