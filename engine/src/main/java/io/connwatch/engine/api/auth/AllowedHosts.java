package io.connwatch.engine.api.auth;

import java.net.URI;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The names this server answers for, on any port: a request whose {@code Host} is another name
 * (a DNS-rebinding page's, say) is refused, and so is a change requested from a page whose
 * {@code Origin} is not one of them. {@code *} accepts every name.
 */
public final class AllowedHosts {
    /** The loopback names every default list holds. */
    public static final List<String> LOOPBACK = List.of("localhost", "127.0.0.1", "[::1]");

    private final Set<String> names = new LinkedHashSet<>();
    private final boolean any;

    public AllowedHosts(List<String> names) {
        boolean star = false;
        for (String n : names) {
            if (n.trim().equals("*")) {
                star = true;
            } else {
                this.names.add(normalize(n));
            }
        }
        this.any = star;
    }

    /** The loopback names and, unless it is a wildcard address, the host the server listens on. */
    public static List<String> defaults(String listenHost) {
        Set<String> out = new LinkedHashSet<>(LOOPBACK);
        if (listenHost != null && !listenHost.isBlank() && !isWildcard(listenHost)) {
            out.add(listenHost.trim());
        }
        return List.copyOf(out);
    }

    /** Whether a host name or address (as in {@code Host}, without the port) is one of the names. */
    public boolean allows(String host) {
        return any || (host != null && names.contains(normalize(host)));
    }

    /** Whether a request's {@code Origin} header names one of the hosts (an opaque {@code null} origin never does). */
    public boolean allowsOrigin(String origin) {
        if (any) {
            return true;
        }
        try {
            URI u = URI.create(origin.trim());
            String scheme = u.getScheme();
            if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https")) || u.getHost() == null) {
                return false;
            }
            return allows(u.getHost());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Whether a name may appear in the list: a host name, an IPv4 address, a bracketed or bare IPv6 address, or {@code *}. */
    public static boolean valid(String name) {
        String n = name.trim();
        return n.equals("*") || n.matches("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?\\.?") || n.matches("\\[?[0-9A-Fa-f:.]+]?");
    }

    private static boolean isWildcard(String host) {
        String h = normalize(host);
        return h.equals("0.0.0.0") || h.equals("::") || h.equals("0:0:0:0:0:0:0:0");
    }

    /** Lower case, no brackets around an IPv6 address, no trailing dot. */
    private static String normalize(String host) {
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.endsWith(".") && h.length() > 1) {
            h = h.substring(0, h.length() - 1);
        }
        return h;
    }

    @Override
    public String toString() {
        return any ? "*" : String.join(", ", names);
    }
}
