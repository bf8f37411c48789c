package io.connwatch.engine.cli;

import io.connwatch.engine.service.NotifyAssembly;
import io.connwatch.alert.Alert;
import io.connwatch.alert.Evidence;
import io.connwatch.alert.Notification;
import io.connwatch.alert.Severity;
import io.connwatch.engine.config.ConnwatchConfig;
import io.connwatch.notify.Channels;
import io.connwatch.notify.DeliveryException;
import io.connwatch.notify.Notifier;
import io.connwatch.notify.Outbox;
import io.connwatch.notify.OutboxEntry;
import io.connwatch.notify.ReceiverConfig;
import io.connwatch.notify.Templates;
import io.connwatch.notify.email.EmailNotifier;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Alert delivery: test a receiver, preview templates, list and replay dead letters. */
@Command(name = "notify", mixinStandardHelpOptions = true, description = "Alert delivery: test receivers, preview templates, list and replay dead letters.",
    subcommands = {NotifyCommand.Test.class, NotifyCommand.Preview.class, NotifyCommand.DeadLetters.class, NotifyCommand.Replay.class})
final class NotifyCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    /**
     * A sample notification for a receiver: the {@link #sample()} alert, ungrouped and firing, as
     * {@code test} and {@code preview} send it.
     */
    static Notification sampleNotification(String receiver) {
        return Notification.of(receiver, List.of(sample()), Instant.now());
    }

    /** A realistic alert for tests and previews. */
    static Alert sample() {
        Map<String, Object> conn = new LinkedHashMap<>();
        conn.put("TimeGenerated", "2024-04-01T08:15:00Z");
        conn.put("Computer", "app-001.contoso.com");
        conn.put("ProcessName", "python3");
        conn.put("Direction", "outbound");
        conn.put("DestinationIp", "192.9.135.73");
        conn.put("DestinationPort", 1194);
        conn.put("RemoteIp", "192.9.135.73");
        Map<String, Object> intel = new LinkedHashMap<>();
        intel.put("Source", "feed");
        intel.put("Indicator", "192.9.135.73/32");
        intel.put("ThreatType", "C2");
        intel.put("Feeds", List.of("feodo"));
        return new Alert(UUID.randomUUID().toString(), "malicious-remote-ip-outbound", Severity.HIGH, "0000test0000", Instant.parse(
            "2024-04-01T08:15:00Z"), Instant.now(), "app-001.contoso.com", "m-00000000-0000-0000-0000-000000000000", "python3",
            "TEST from connwatch notify test: outbound connection from python3 on app-001.contoso.com to known C2 (feodo) 192.9.135.73:1194",
            Map.of("direction", "outbound", "threat_type", "C2", "test", "true"),
            List.of(new Evidence("VMConnection", Instant.parse("2024-04-01T08:15:00Z"), conn),
                new Evidence("ThreatIntel", Instant.parse("2024-04-01T08:15:00Z"), intel)));
    }

    /** Exit code for a receiver that is not configured: a usage error, as picocli's own. */
    static final int UNKNOWN_RECEIVER = 2;
    /** The longest summary the dead-letter list shows. */
    static final int LISTED_SUMMARY = 200;

    /** The notifier of one configured receiver (only that one is built), or null when none has that name. */
    static Notifier receiver(ConnwatchConfig c, String name) throws IOException {
        for (ReceiverConfig r : c.notifications().receivers()) {
            if (r.name().equals(name)) {
                return Channels.create(r, c.notifications().templateSet());
            }
        }
        return null;
    }

    /** Says, in one line, that a receiver is not configured and which are; returns the exit code. */
    static int unknownReceiver(CommandSpec spec, ConnwatchConfig c, String name) {
        List<String> known = c.notifications().receivers().stream().map(ReceiverConfig::name).toList();
        spec.commandLine().getErr().println("no receiver named '" + name + "' in notify.receivers ("
            + (known.isEmpty() ? "none configured" : "known: " + String.join(", ", known)) + ")");
        spec.commandLine().getErr().flush();
        return UNKNOWN_RECEIVER;
    }

    /**
     * A value from a monitored host made fit for one line of a terminal: control characters (line
     * breaks, escape sequences) become a space or {@code ?}, and it is cut at {@code max}.
     */
    static String oneLine(String value, int max) {
        if (value == null) {
            return "-";
        }
        String cut = value.length() > max ? value.substring(0, max) + "\u2026" : value;
        StringBuilder sb = new StringBuilder(cut.length());
        cut.codePoints().forEach(cp -> {
            if (cp == '\n' || cp == '\r' || cp == '\t') {
                sb.append(' ');
            } else if (Character.isISOControl(cp) || Character.getType(cp) == Character.FORMAT) {
                sb.append('?');
            } else {
                sb.appendCodePoint(cp);
            }
        });
        return sb.toString();
    }

    @Command(name = "test", mixinStandardHelpOptions = true,
        description = "Send a sample alert through one receiver's real channel, now, bypassing the outbox; exit 1 if it fails.")
    static final class Test implements Callable<Integer> {
        @Mixin
        ConfigOption config;
        @Spec
        CommandSpec spec;
        @Option(names = "--receiver", required = true, paramLabel = "NAME",
            description = "The receiver to test: a name under notify.receivers in the configuration.")
        String receiver;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            ConnwatchConfig c = config.load();
            try (Notifier n = receiver(c, receiver)) {
                if (n == null) {
                    return unknownReceiver(spec, c, receiver);
                }
                n.deliver(sampleNotification(receiver));
                out.println(receiver + ": delivered a sample alert");
                out.flush();
                return 0;
            } catch (DeliveryException e) {
                spec.commandLine().getErr().println((e.retryable() ? "failed (temporary): " : "failed (permanent): ") + e.getMessage());
                spec.commandLine().getErr().flush();
                return 1;
            }
        }
    }

    @Command(name = "preview", mixinStandardHelpOptions = true,
        description = "Print what a receiver would send for a sample notification of one alert: the email's subject and parts, "
            + "the webhook or Slack JSON, the alerts topic's records.")
    static final class Preview implements Callable<Integer> {
        @Mixin
        ConfigOption config;
        @Spec
        CommandSpec spec;
        @Option(names = "--receiver", description = "A configured receiver; without it, the email templates are rendered.")
        String receiver;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            ConnwatchConfig c = config.load();
            Notification sample = sampleNotification(receiver == null ? "preview" : receiver);
            Templates t = c.notifications().templateSet();
            try (Notifier n = receiver == null ? null : receiver(c, receiver)) {
                if (receiver != null && n == null) {
                    return unknownReceiver(spec, c, receiver);
                }
                // a receiver without a text form of its own (and none named) shows what the email templates give
                out.println(Optional.ofNullable(n).flatMap(x -> x.preview(sample)).orElseGet(() -> EmailNotifier.preview(t, sample)));
            }
            out.flush();
            return 0;
        }
    }

    /** Opens the outbox, or says in one line that a service holds it and its API cannot be used either; null then. */
    static Outbox openOrNull(ConnwatchConfig c) {
        try {
            return NotifyAssembly.openOutbox(c.notifications());
        } catch (IOException held) {
            return null;
        }
    }

    /** One dead letter as listed, from the outbox or from the API. */
    record Listed(long id, String receiver, String groupKey, String status, String severity, int alerts, int attempts, String lastError,
                  String alertId, String computer, String summary) {
        static Listed of(OutboxEntry e) {
            Notification n = e.notification();
            Alert a = n.alerts().isEmpty() ? null : n.alerts().get(0).alert();
            return new Listed(e.id(), e.receiver(), n.groupKey(), n.status().label(), n.worstSeverity().label(), n.alerts().size(),
                e.attempts(), e.lastError(), a == null ? null : a.id(), a == null ? null : a.computer() != null ? a.computer() : a.machine(),
                a == null ? null : a.summary());
        }

        static Listed of(JsonObject o) {
            JsonObject a = o.getJsonObject("firstAlert");
            return new Listed(o.getLong("id"), o.getString("receiver"), o.getString("groupKey"), o.getString("status"),
                o.getString("severity"), o.getInteger("alerts"), o.getInteger("attempts"), o.getString("lastError"),
                a == null ? null : a.getString("id"), a == null ? null : a.getString("computer"), a == null ? null : a.getString("summary"));
        }
    }

    static void print(PrintWriter out, List<Listed> dead, int total, int pending) {
        out.printf(Locale.ROOT, "%d dead letter(s), %d waiting for delivery%n", total, pending);
        for (Listed e : dead) {
            out.printf(Locale.ROOT, "%d  %s  %s  %s %s  alerts=%d  attempts=%d  %s%n", e.id(), oneLine(e.receiver(), LISTED_SUMMARY),
                oneLine(e.groupKey(), LISTED_SUMMARY), e.status(), e.severity(), e.alerts(), e.attempts(),
                oneLine(e.lastError(), Integer.MAX_VALUE));
            if (e.alertId() != null) {
                out.printf(Locale.ROOT, "    alert %s  %s  %s%n", oneLine(e.alertId(), LISTED_SUMMARY), oneLine(e.computer(), LISTED_SUMMARY),
                    oneLine(e.summary(), LISTED_SUMMARY));
            }
        }
        if (total > dead.size()) {
            out.printf(Locale.ROOT, "(the first %d listed)%n", dead.size());
        }
        out.flush();
    }

    @Command(name = "dead-letters", mixinStandardHelpOptions = true,
        description = "List the notifications given up on, with receiver, group, status, alert count, attempts and reason, then "
            + "the first alert's id, computer and summary (through the service's API while it runs).")
    static final class DeadLetters implements Callable<Integer> {
        @Mixin
        ConfigOption config;
        @Mixin
        ServiceApi.Options service;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            ConnwatchConfig c = config.load();
            Outbox opened = openOrNull(c);
            if (opened == null) {
                try {
                    ServiceApi.Answer a = ServiceApi.of(c, service).send("GET", "/api/v1/dead-letters?limit=10000", null);
                    if (!a.ok()) {
                        return SilenceCommand.fail(spec, a.error());
                    }
                    JsonObject o = new JsonObject(a.body());
                    List<Listed> dead = o.getJsonArray("deadLetters").stream().map(x -> Listed.of((JsonObject) x)).toList();
                    print(out, dead, o.getInteger("total"), o.getInteger("pending"));
                    return 0;
                } catch (ServiceApi.Unreachable e) {
                    return outboxHeld(spec, c, e);
                }
            }
            try (Outbox o = opened) {
                List<OutboxEntry> dead = o.deadLetters();
                print(out, dead.stream().map(Listed::of).toList(), dead.size(), o.pendingCount());
            }
            return 0;
        }
    }

    static int outboxHeld(CommandSpec spec, ConnwatchConfig c, ServiceApi.Unreachable e) {
        return SilenceCommand.fail(spec, "the outbox in " + c.notifications().outbox() + " is in use (is connwatch running?) and its API "
            + "cannot be used: " + e.getMessage());
    }

    @Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Queue dead letters for delivery again (through the service's API while it runs, with an admin token; "
            + "otherwise it delivers them at its next start); exit 1 if an id named is not a dead letter.")
    static final class Replay implements Callable<Integer> {
        @Mixin
        ConfigOption config;
        @Mixin
        ServiceApi.Options service;
        @Spec
        CommandSpec spec;
        @Option(names = "--all", description = "Replay every dead letter.")
        boolean all;
        @Parameters(arity = "0..*", paramLabel = "ID", description = "Dead letters to replay, by id.")
        List<Long> ids = List.of();

        @Override
        public Integer call() throws Exception {
            if (!all && ids.isEmpty()) {
                spec.commandLine().getErr().println("name dead letters by id, or use --all");
                return 2;
            }
            ConnwatchConfig c = config.load();
            Outbox opened = openOrNull(c);
            int n;
            List<Long> missing;
            if (opened == null) {
                try {
                    JsonObject body = all ? new JsonObject().put("all", true) : new JsonObject().put("ids", new JsonArray(new ArrayList<>(ids)));
                    ServiceApi.Answer a = ServiceApi.of(c, service).send("POST", "/api/v1/dead-letters/replay", body.encode());
                    if (!a.ok()) {
                        return SilenceCommand.fail(spec, a.error());
                    }
                    JsonObject o = new JsonObject(a.body());
                    n = o.getInteger("replayed");
                    missing = o.getJsonArray("notDeadLetters").stream().map(x -> ((Number) x).longValue()).toList();
                } catch (ServiceApi.Unreachable e) {
                    return outboxHeld(spec, c, e);
                }
            } else {
                try (Outbox o = opened) {
                    Set<Long> dead = o.deadLetters().stream().map(OutboxEntry::id).collect(Collectors.toSet());
                    missing = all ? List.of() : ids.stream().distinct().filter(id -> !dead.contains(id)).toList();
                    List<Long> found = ids.stream().distinct().filter(dead::contains).toList();
                    // replayDead takes an empty list as "all": name none found, replay none
                    n = all ? o.replayDead(List.of(), System.currentTimeMillis())
                        : found.isEmpty() ? 0 : o.replayDead(found, System.currentTimeMillis());
                }
            }
            spec.commandLine().getOut().println(n + " dead letter(s) queued again");
            spec.commandLine().getOut().flush();
            if (!missing.isEmpty()) {
                spec.commandLine().getErr().println("not among the dead letters: "
                    + missing.stream().map(String::valueOf).collect(Collectors.joining(", ")));
                spec.commandLine().getErr().flush();
                return 1;
            }
            return 0;
        }
    }
}
