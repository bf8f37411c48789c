package io.connwatch.net;

/**
 * An IPv4 or IPv6 address held as two longs, parsed without DNS and compared by value.
 *
 * <p>IPv4 addresses are stored in their IPv4-mapped IPv6 form ({@code ::ffff:a.b.c.d}) so both
 * families share one ordering, which the threat index relies on; {@link #isIpv4()} tells them
 * apart and {@link #toString()} prints IPv4 in dotted form.
 */
public final class IpAddress implements Comparable<IpAddress> {
    private static final long V4_MAPPED_HI = 0L;
    private static final long V4_MAPPED_LO_PREFIX = 0x0000_FFFF_0000_0000L;

    private final long hi;
    private final long lo;
    private final boolean v4;

    private IpAddress(long hi, long lo, boolean v4) {
        this.hi = hi;
        this.lo = lo;
        this.v4 = v4;
    }

    /** An IPv4 address from its 32-bit value. */
    public static IpAddress ofIpv4(int bits) {
        return new IpAddress(V4_MAPPED_HI, V4_MAPPED_LO_PREFIX | (bits & 0xFFFF_FFFFL), true);
    }

    /** An IPv6 address from its two 64-bit halves; an IPv4-mapped value becomes an IPv4 address. */
    public static IpAddress ofIpv6(long hi, long lo) {
        boolean mapped = hi == V4_MAPPED_HI && (lo & 0xFFFF_FFFF_0000_0000L) == V4_MAPPED_LO_PREFIX;
        return new IpAddress(hi, lo, mapped);
    }

    /**
     * Parses an IPv4 dotted quad or an IPv6 literal (with {@code ::} compression, an embedded
     * IPv4 tail, optional brackets and no zone).
     *
     * @throws IllegalArgumentException naming what is wrong with the text
     */
    public static IpAddress parse(CharSequence text) {
        IpAddress ip = tryParse(text);
        if (ip == null) {
            throw new IllegalArgumentException("not an IP address: '" + abbreviate(text) + "'");
        }
        return ip;
    }

    /** Like {@link #parse} but returns null for text that is not an address. */
    public static IpAddress tryParse(CharSequence text) {
        if (text == null) {
            return null;
        }
        int start = 0;
        int end = text.length();
        while (start < end && text.charAt(start) == ' ') {
            start++;
        }
        while (end > start && text.charAt(end - 1) == ' ') {
            end--;
        }
        if (end - start >= 2 && text.charAt(start) == '[' && text.charAt(end - 1) == ']') {
            start++;
            end--;
        }
        if (start >= end) {
            return null;
        }
        for (int i = start; i < end; i++) {
            if (text.charAt(i) == ':') {
                return parseV6(text, start, end);
            }
        }
        long v4 = parseV4(text, start, end);
        return v4 < 0 ? null : ofIpv4((int) v4);
    }

    /** Returns the 32-bit value of a dotted quad in [start, end), or -1 if it is not one. */
    static long parseV4(CharSequence s, int start, int end) {
        long result = 0;
        int octets = 0;
        int i = start;
        while (i < end) {
            int value = 0;
            int digits = 0;
            while (i < end) {
                char c = s.charAt(i);
                if (c < '0' || c > '9') {
                    break;
                }
                if (digits > 0 && value == 0) {
                    return -1; // leading zeros are ambiguous (octal in some parsers): refuse them
                }
                value = value * 10 + (c - '0');
                digits++;
                if (value > 255) {
                    return -1;
                }
                i++;
            }
            if (digits == 0) {
                return -1;
            }
            result = (result << 8) | value;
            octets++;
            if (i == end) {
                break;
            }
            if (s.charAt(i) != '.' || octets == 4) {
                return -1;
            }
            i++;
            if (i == end) {
                return -1;
            }
        }
        return octets == 4 ? result : -1;
    }

    private static IpAddress parseV6(CharSequence s, int start, int end) {
        int[] groups = new int[8];
        int count = 0;
        int gap = -1;
        int i = start;
        if (end - start >= 2 && s.charAt(i) == ':' && s.charAt(i + 1) == ':') {
            gap = 0;
            i += 2;
            if (i == end) {
                return new IpAddress(0, 0, false);
            }
        } else if (s.charAt(i) == ':') {
            return null;
        }
        while (i < end) {
            if (count == 8) {
                return null;
            }
            int groupStart = i;
            int value = 0;
            int digits = 0;
            while (i < end && digits <= 4) {
                int d = Character.digit(s.charAt(i), 16);
                if (d < 0) {
                    break;
                }
                value = (value << 4) | d;
                digits++;
                i++;
            }
            if (i < end && s.charAt(i) == '.') {
                // embedded IPv4 tail: takes two groups
                if (count > 6) {
                    return null;
                }
                long v4 = parseV4(s, groupStart, end);
                if (v4 < 0) {
                    return null;
                }
                groups[count++] = (int) (v4 >>> 16);
                groups[count++] = (int) (v4 & 0xFFFF);
                i = end;
                break;
            }
            if (digits == 0 || digits > 4) {
                return null;
            }
            groups[count++] = value;
            if (i == end) {
                break;
            }
            if (s.charAt(i) != ':') {
                return null;
            }
            i++;
            if (i < end && s.charAt(i) == ':') {
                if (gap >= 0) {
                    return null;
                }
                gap = count;
                i++;
            } else if (i == end) {
                return null;
            }
        }
        if (gap < 0 && count != 8) {
            return null;
        }
        if (gap >= 0 && count == 8) {
            return null;
        }
        int[] full = new int[8];
        if (gap < 0) {
            full = groups;
        } else {
            int tail = count - gap;
            System.arraycopy(groups, 0, full, 0, gap);
            System.arraycopy(groups, gap, full, 8 - tail, tail);
        }
        long hi = ((long) full[0] << 48) | ((long) full[1] << 32) | ((long) full[2] << 16) | full[3];
        long lo = ((long) full[4] << 48) | ((long) full[5] << 32) | ((long) full[6] << 16) | full[7];
        return ofIpv6(hi, lo);
    }

    public boolean isIpv4() {
        return v4;
    }

    /** The upper 64 bits of the (IPv4-mapped, for IPv4) IPv6 form. */
    public long high() {
        return hi;
    }

    /** The lower 64 bits of the (IPv4-mapped, for IPv4) IPv6 form. */
    public long low() {
        return lo;
    }

    /** The 32-bit value of an IPv4 address. */
    public int ipv4Bits() {
        if (!v4) {
            throw new IllegalStateException("not an IPv4 address: " + this);
        }
        return (int) lo;
    }

    /** True for 0.0.0.0 and ::, the addresses a socket binds to listen on every interface. */
    public boolean isWildcard() {
        return v4 ? (int) lo == 0 : hi == 0 && lo == 0;
    }

    /** True for 127.0.0.0/8 and ::1. */
    public boolean isLoopback() {
        return v4 ? ((int) lo >>> 24) == 127 : hi == 0 && lo == 1;
    }

    /** True for RFC 1918, RFC 4193 (fc00::/7), link-local and carrier-grade NAT ranges. */
    public boolean isPrivate() {
        if (v4) {
            int a = (int) lo;
            int first = a >>> 24;
            int second = (a >>> 16) & 0xFF;
            return first == 10
                || (first == 172 && second >= 16 && second <= 31)
                || (first == 192 && second == 168)
                || (first == 169 && second == 254)
                || (first == 100 && second >= 64 && second <= 127);
        }
        int top = (int) (hi >>> 48);
        return (top & 0xFE00) == 0xFC00 || (top & 0xFFC0) == 0xFE80;
    }

    @Override
    public int compareTo(IpAddress o) {
        int c = Long.compareUnsigned(hi, o.hi);
        return c != 0 ? c : Long.compareUnsigned(lo, o.lo);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpAddress other && other.hi == hi && other.lo == lo;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(hi * 31 + lo);
    }

    /** Dotted quad for IPv4; RFC 5952 canonical text (lower case, longest zero run as ::) for IPv6. */
    @Override
    public String toString() {
        if (v4) {
            int a = (int) lo;
            return (a >>> 24) + "." + ((a >>> 16) & 0xFF) + "." + ((a >>> 8) & 0xFF) + "." + (a & 0xFF);
        }
        int[] g = new int[8];
        for (int i = 0; i < 4; i++) {
            g[i] = (int) (hi >>> (48 - 16 * i)) & 0xFFFF;
            g[i + 4] = (int) (lo >>> (48 - 16 * i)) & 0xFFFF;
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }

    private static String abbreviate(CharSequence text) {
        String s = text.toString();
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }

}
