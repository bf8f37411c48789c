package io.connwatch.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpAddressTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "10.0.0.4, 10.0.0.4",
        "0.0.0.0, 0.0.0.0",
        "255.255.255.255, 255.255.255.255",
        "' 192.9.135.73 ', 192.9.135.73",
        "::, ::",
        "::1, ::1",
        "2001:db8::1, 2001:db8::1",
        "2001:0DB8:0000:0000:0000:0000:0000:0001, 2001:db8::1",
        "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
        "fe80::1:2:3:4, fe80::1:2:3:4",
        "'[2001:db8::2]', 2001:db8::2",
        "::ffff:10.1.2.3, 10.1.2.3",
        "64:ff9b::192.0.2.33, 64:ff9b::c000:221",
        "1:2:3:4:5:6:7:8, 1:2:3:4:5:6:7:8",
        "1::, 1::"})
    void parsesAndPrintsCanonically(String text, String canonical) {
        assertEquals(canonical, IpAddress.parse(text).toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.", "a.b.c.d", "1::2::3",
        "1:2:3:4:5:6:7:8:9", ":1:2", "1:2:3:4:5:6:7", "12345::1", "1.2.3.4:80", "::g", "host.example.com"})
    void rejectsWhatIsNotAnAddress(String text) {
        assertNull(IpAddress.tryParse(text));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IpAddress.parse(text));
        assertTrue(e.getMessage().contains("not an IP address"), e.getMessage());
    }

    @Test
    void agreesWithTheJdkOnBytes() throws Exception {
        for (String s : new String[] {"2001:db8:85a3::8a2e:370:7334", "::ffff:1.2.3.4", "fc00::7", "8.8.8.8"}) {
            IpAddress ip = IpAddress.parse(s);
            byte[] jdk = InetAddress.getByName(s).getAddress();
            if (jdk.length == 4) {
                assertTrue(ip.isIpv4());
                assertEquals(java.nio.ByteBuffer.wrap(jdk).getInt(), ip.ipv4Bits());
            } else {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(jdk);
                assertEquals(b.getLong(), ip.high());
                assertEquals(b.getLong(), ip.low());
            }
        }
    }

    @Test
    void classifiesWildcardLoopbackAndPrivateRanges() {
        assertTrue(IpAddress.parse("0.0.0.0").isWildcard());
        assertTrue(IpAddress.parse("::").isWildcard());
        assertFalse(IpAddress.parse("10.0.0.1").isWildcard());
        assertTrue(IpAddress.parse("127.0.0.1").isLoopback());
        assertTrue(IpAddress.parse("127.8.9.10").isLoopback());
        assertTrue(IpAddress.parse("::1").isLoopback());
        assertFalse(IpAddress.parse("::2").isLoopback());
        for (String p : new String[] {"10.1.1.1", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.1.1", "100.64.0.1",
            "fd00::1", "fe80::1"}) {
            assertTrue(IpAddress.parse(p).isPrivate(), p);
        }
        for (String p : new String[] {"172.32.0.1", "8.8.8.8", "192.169.0.1", "2001:db8::1"}) {
            assertFalse(IpAddress.parse(p).isPrivate(), p);
        }
    }

    @Test
    void ordersIpv4BeforeIpv6AndComparesByValue() {
        IpAddress a = IpAddress.parse("1.2.3.4");
        assertEquals(a, IpAddress.parse("::ffff:1.2.3.4"));
        assertEquals(a.hashCode(), IpAddress.parse("::ffff:1.2.3.4").hashCode());
        assertTrue(IpAddress.parse("1.2.3.4").compareTo(IpAddress.parse("1.2.3.5")) < 0);
        assertTrue(IpAddress.parse("255.255.255.255").compareTo(IpAddress.parse("2001:db8::")) < 0);
        assertTrue(IpAddress.parse("8000::").compareTo(IpAddress.parse("7fff::")) > 0, "unsigned order");
    }
}
