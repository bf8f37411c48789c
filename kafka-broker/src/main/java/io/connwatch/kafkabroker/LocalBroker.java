package io.connwatch.kafkabroker;

import java.io.IOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

/**
 * Starts a real single-node Kafka broker in KRaft mode (broker and controller in one process) on
 * loopback, for the tests and the benchmark. Run it in its own JVM with target/lib on the class path:
 *
 * <pre>java -cp 'kafka-broker/target/classes:kafka-broker/target/lib/*' io.connwatch.kafkabroker.LocalBroker DIR [PORT [CONTROLLER_PORT]]</pre>
 *
 * A port of 0 (or none) picks a free one. The first start formats DIR; later starts with the same
 * DIR reuse its log and ports, so a broker can be killed and started again as the same broker.
 * Prints {@code bootstrap=127.0.0.1:PORT} (PLAINTEXT) and {@code sasl-bootstrap=127.0.0.1:PORT}
 * (SASL_PLAINTEXT, mechanism PLAIN, user {@code connwatch}, password {@code connwatch-secret}).
 */
public final class LocalBroker {
    private LocalBroker() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--exit-with-parent")) {
            // Started by a test JVM: stop when it goes, even if it was killed and ran no shutdown hook.
            Thread watchdog = new Thread(() -> {
                try {
                    while (System.in.read() >= 0) {
                        // the parent never writes; end of input means it is gone
                    }
                } catch (IOException e) {
                    // same
                }
                Runtime.getRuntime().halt(0);
            }, "parent-watchdog");
            watchdog.setDaemon(true);
            watchdog.start();
            args = java.util.Arrays.copyOfRange(args, 1, args.length);
        }
        if (args.length < 1) {
            System.err.println("usage: LocalBroker [--exit-with-parent] DIR [PORT [CONTROLLER_PORT]]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]).toAbsolutePath();
        Files.createDirectories(dir);
        Path props = dir.resolve("server.properties");
        Properties p = new Properties();
        if (Files.exists(props)) {
            try (var in = Files.newBufferedReader(props)) {
                p.load(in);
            }
        } else {
            int port = args.length > 1 ? Integer.parseInt(args[1]) : 0;
            int controller = args.length > 2 ? Integer.parseInt(args[2]) : 0;
            port = port == 0 ? freePort() : port;
            controller = controller == 0 ? freePort() : controller;
            int sasl = freePort();
            p.setProperty("process.roles", "broker,controller");
            p.setProperty("node.id", "1");
            p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controller);
            p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller
                + ",SASL_PLAINTEXT://127.0.0.1:" + sasl);
            p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port + ",SASL_PLAINTEXT://127.0.0.1:" + sasl);
            // A SASL/PLAIN listener with one user, connwatch / connwatch-secret, for the tests of SASL settings.
            p.setProperty("sasl.enabled.mechanisms", "PLAIN");
            p.setProperty("listener.name.sasl_plaintext.plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required user_connwatch=\"connwatch-secret\";");
            p.setProperty("controller.listener.names", "CONTROLLER");
            p.setProperty("inter.broker.listener.name", "PLAINTEXT");
            p.setProperty("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT");
            p.setProperty("log.dirs", dir.resolve("data").toString());
            p.setProperty("num.partitions", "1");
            p.setProperty("offsets.topic.replication.factor", "1");
            p.setProperty("offsets.topic.num.partitions", "4");
            p.setProperty("transaction.state.log.replication.factor", "1");
            p.setProperty("transaction.state.log.min.isr", "1");
            p.setProperty("share.coordinator.state.topic.replication.factor", "1");
            p.setProperty("share.coordinator.state.topic.min.isr", "1");
            p.setProperty("group.initial.rebalance.delay.ms", "0");
            p.setProperty("log.flush.interval.messages", "1000000");
            try (Writer w = Files.newBufferedWriter(props, StandardCharsets.UTF_8)) {
                p.store(w, "connwatch local broker");
            }
            format(props);
        }
        for (String listener : p.getProperty("advertised.listeners").split(",")) {
            String name = listener.startsWith("SASL_PLAINTEXT") ? "sasl-bootstrap=" : "bootstrap=";
            System.out.println(name + listener.substring(listener.indexOf("//") + 2));
        }
        System.out.flush();
        kafka.Kafka.main(new String[] {props.toString()});
    }

    private static void format(Path props) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("kafka.tools.StorageTool");
        cmd.add("format");
        cmd.add("--ignore-formatted");
        cmd.add("-t");
        cmd.add(UUID.randomUUID().toString().replace("-", "").substring(0, 22));
        cmd.add("-c");
        cmd.add(props.toString());
        Process format = new ProcessBuilder(cmd).inheritIO().start();
        if (format.waitFor() != 0) {
            throw new IOException("formatting the broker's storage failed: exit " + format.exitValue());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
