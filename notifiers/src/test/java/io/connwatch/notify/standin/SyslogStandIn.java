package io.connwatch.notify.standin;

import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;

/**
 * A syslog collector on 127.0.0.1: over TCP (optionally TLS, RFC 5425) it reads octet-counted
 * frames ({@code <length> SP <message>}, RFC 6587) and records each message, and a framing error
 * when a frame is malformed; over UDP (RFC 5426) each datagram is one message, refused beyond a
 * size (recorded as an error).
 */
public final class SyslogStandIn implements AutoCloseable {
    private final List<String> messages = new CopyOnWriteArrayList<>();
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private final ServerSocket tcp;
    private final DatagramSocket udp;
    private final Thread thread;

    private SyslogStandIn(ServerSocket tcp, DatagramSocket udp) {
        this.tcp = tcp;
        this.udp = udp;
        this.thread = new Thread(tcp != null ? this::acceptLoop : this::receiveLoop, "syslog-stand-in");
        thread.setDaemon(true);
        thread.start();
    }

    /** A plain TCP collector. */
    public static SyslogStandIn tcp() throws IOException {
        return new SyslogStandIn(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), null);
    }

    /** A TLS collector presenting {@code cert}. */
    public static SyslogStandIn tls(SelfSignedCert cert) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = java.nio.file.Files.newInputStream(cert.keyStore())) {
            ks.load(in, cert.password().toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, cert.password().toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        SSLServerSocket s = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        return new SyslogStandIn(s, null);
    }

    /** A UDP collector taking datagrams of up to {@code maxSize} bytes. */
    public static SyslogStandIn udp(int maxSize) throws IOException {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        SyslogStandIn in = new SyslogStandIn(null, s);
        in.maxDatagram = maxSize;
        return in;
    }

    private volatile int maxDatagram = 65_507;

    public int port() {
        return tcp != null ? tcp.getLocalPort() : udp.getLocalPort();
    }

    /** The messages received, in order. */
    public List<String> messages() {
        return new ArrayList<>(messages);
    }

    /** Framing errors, handshake failures, datagrams too large. */
    public List<String> errors() {
        return new ArrayList<>(errors);
    }

    private void acceptLoop() {
        while (!tcp.isClosed()) {
            try {
                Socket s = tcp.accept();
                Thread t = new Thread(() -> read(s), "syslog-stand-in-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void read(Socket s) {
        try (s; InputStream in = s.getInputStream()) {
            while (true) {
                StringBuilder len = new StringBuilder();
                int c;
                while ((c = in.read()) >= '0' && c <= '9') {
                    len.append((char) c);
                }
                if (c == -1 && len.length() == 0) {
                    return; // the sender closed between frames
                }
                if (c != ' ' || len.length() == 0 || len.charAt(0) == '0') {
                    errors.add("framing: expected MSG-LEN SP, got '" + len + "' then " + c);
                    return;
                }
                byte[] msg = in.readNBytes(Integer.parseInt(len.toString()));
                if (msg.length < Integer.parseInt(len.toString())) {
                    errors.add("framing: frame cut short");
                    return;
                }
                messages.add(new String(msg, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            errors.add(e.getClass().getSimpleName());
        }
    }

    private void receiveLoop() {
        byte[] buf = new byte[70_000];
        while (!udp.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                udp.receive(p);
                if (p.getLength() > maxDatagram) {
                    errors.add("datagram of " + p.getLength() + " bytes");
                } else {
                    messages.add(new String(Arrays.copyOf(p.getData(), p.getLength()), StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        if (tcp != null) {
            tcp.close();
        }
        if (udp != null) {
            udp.close();
        }
    }
}
