package io.connwatch.net;

/**
 * An IPv4 or IPv6 network: an address and a prefix length, normalized so that host bits are
 * zero. IPv4 prefixes are held in the IPv4-mapped IPv6 space (length + 96), like
 * {@link IpAddress}, so both families share one ordering.
 */
public final class IpPrefix implements Comparable<IpPrefix> {
    private final long hi;
    private final long lo;
    /** Length in the 128-bit space (IPv4 /n is 96 + n). */
    private final int length;
    private final boolean v4;

    private IpPrefix(long hi, long lo, int length, boolean v4) {
        this.length = length;
        this.v4 = v4;
        this.hi = length >= 64 ? hi : (length == 0 ? 0 : hi & (-1L << (64 - length)));
        this.lo = length >= 128 ? lo : (length <= 64 ? 0 : lo & (-1L << (128 - length)));
    }

    /** The single-address prefix of an address (/32 or /128). */
    public static IpPrefix of(IpAddress ip) {
        return new IpPrefix(ip.high(), ip.low(), 128, ip.isIpv4());
    }

    /**
     * The prefix of {@code ip} with {@code length} bits in its own family (0..32 for IPv4,
     * 0..128 for IPv6); host bits are cleared.
     */
    public static IpPrefix of(IpAddress ip, int length) {
        int max = ip.isIpv4() ? 32 : 128;
        if (length < 0 || length > max) {
            throw new IllegalArgumentException("prefix length " + length + " is outside 0.." + max);
        }
        return new IpPrefix(ip.high(), ip.low(), ip.isIpv4() ? 96 + length : length, ip.isIpv4());
    }

    /** Parses {@code a.b.c.d/n}, {@code 2001:db8::/32} or a bare address; host bits are cleared. */
    public static IpPrefix parse(CharSequence text) {
        IpPrefix p = tryParse(text);
        if (p == null) {
            String s = text.toString().trim();
            throw new IllegalArgumentException("not an IP address or CIDR: '" + (s.length() > 64 ? s.substring(0, 64) + "..." : s) + "'");
        }
        return p;
    }

    /** Like {@link #parse} but returns null for text that is not a prefix. */
    public static IpPrefix tryParse(CharSequence text) {
        if (text == null) {
            return null;
        }
        String s = text.toString().trim();
        int slash = s.indexOf('/');
        if (slash < 0) {
            IpAddress ip = IpAddress.tryParse(s);
            return ip == null ? null : of(ip);
        }
        IpAddress ip = IpAddress.tryParse(s.substring(0, slash));
        if (ip == null) {
            return null;
        }
        String len = s.substring(slash + 1).trim();
        if (len.isEmpty() || len.length() > 3) {
            return null;
        }
        int n = 0;
        for (int i = 0; i < len.length(); i++) {
            char c = len.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
            n = n * 10 + (c - '0');
        }
        if (ip.isIpv4() && s.indexOf(':') >= 0) {
            // IPv4-mapped IPv6 text: ::ffff:a.b.c.d/96+n is the IPv4 prefix /n
            if (n < 96) {
                return new IpPrefix(ip.high(), ip.low(), n, false);
            }
            return of(ip, n - 96);
        }
        if (n > (ip.isIpv4() ? 32 : 128)) {
            return null;
        }
        return of(ip, n);
    }

    public boolean isIpv4() {
        return v4;
    }

    /** The prefix length in its own family: /0../32 for IPv4, /0../128 for IPv6. */
    public int length() {
        return v4 ? length - 96 : length;
    }

    /** The prefix length in the shared 128-bit space. */
    public int length128() {
        return length;
    }

    /** True for /32 and /128: one address. */
    public boolean isHost() {
        return length == 128;
    }

    public long highStart() {
        return hi;
    }

    public long lowStart() {
        return lo;
    }

    /** Upper 64 bits of the last address in the prefix. */
    public long highEnd() {
        return length >= 64 ? hi : hi | (length == 0 ? -1L : ~(-1L << (64 - length)));
    }

    /** Lower 64 bits of the last address in the prefix. */
    public long lowEnd() {
        return length >= 128 ? lo : (length <= 64 ? -1L : lo | ~(-1L << (128 - length)));
    }

    public IpAddress network() {
        return v4 ? IpAddress.ofIpv4((int) lo) : IpAddress.ofIpv6(hi, lo);
    }

    public boolean contains(IpAddress ip) {
        int c1 = compare(ip.high(), ip.low(), hi, lo);
        int c2 = compare(ip.high(), ip.low(), highEnd(), lowEnd());
        return c1 >= 0 && c2 <= 0;
    }

    static int compare(long aHi, long aLo, long bHi, long bLo) {
        int c = Long.compareUnsigned(aHi, bHi);
        return c != 0 ? c : Long.compareUnsigned(aLo, bLo);
    }

    /** By start address, then shorter (wider) prefixes first. */
    @Override
    public int compareTo(IpPrefix o) {
        int c = compare(hi, lo, o.hi, o.lo);
        return c != 0 ? c : Integer.compare(length, o.length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpPrefix p && p.hi == hi && p.lo == lo && p.length == length;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(hi * 31 + lo) * 31 + length;
    }

    @Override
    public String toString() {
        return network() + "/" + length();
    }
}
