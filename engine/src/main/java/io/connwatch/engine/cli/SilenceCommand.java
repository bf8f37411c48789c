package io.connwatch.engine.cli;

import io.connwatch.config.Durations;
import io.connwatch.engine.config.ConnwatchConfig;
import io.connwatch.engine.service.LifecycleAssembly;
import io.connwatch.lifecycle.match.Matcher;
import io.connwatch.lifecycle.match.Matchers;
import io.connwatch.lifecycle.silence.Silence;
import io.connwatch.lifecycle.silence.SilenceJson;
import io.connwatch.lifecycle.silence.Silences;
import io.connwatch.lifecycle.store.LifecycleStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Silences from the command line: add, list, expire. While a service runs (it holds the lifecycle
 * store) they go through its API; otherwise they open the store themselves, and the service
 * finds them at its next start.
 */
@Command(name = "silence", mixinStandardHelpOptions = true,
    description = {"Silences: mute alerts whose labels match, for a while (Alertmanager's semantics).",
        "While `connwatch run` holds the lifecycle store these go through its API (an operate or admin token);",
        "otherwise they change the store directly."},
    subcommands = {SilenceCommand.Add.class, SilenceCommand.Listing.class, SilenceCommand.Expire.class})
final class SilenceCommand implements Runnable {
    /** Exit code for arguments that cannot be read: a usage error, as picocli's own. */
    static final int USAGE = 2;
    /** The longest matchers or comment a listed silence shows. */
    static final int LISTED = 200;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    /** What a subcommand does with the silences in the store, or through the API. */
    interface Work {
        int offline(Silences silences, Instant now) throws Exception;

        int online(ServiceApi api) throws Exception;
    }

    /**
     * Opens the lifecycle store and runs {@code work} on its silences; when the store cannot be
     * opened (a running service holds it), runs {@code work} through that service's API; when
     * that does not answer either, says so in one line and returns 1.
     */
    static int withSilences(CommandSpec spec, ConnwatchConfig config, ServiceApi.Options options, Work work) throws Exception {
        Path state = config.notifications().lifecycle().state();
        LifecycleStore store;
        try {
            store = LifecycleStore.open(state);
        } catch (IOException held) {
            try {
                return work.online(ServiceApi.of(config, options));
            } catch (ServiceApi.Unreachable e) {
                return fail(spec, "the lifecycle store in " + state + " is in use (is connwatch running?) and its API cannot be used: "
                    + e.getMessage());
            }
        }
        try (store) {
            return work.offline(LifecycleAssembly.stages(config.notifications().lifecycle(), store).silences(), Instant.now());
        }
    }

    static int fail(CommandSpec spec, String message) {
        spec.commandLine().getErr().println(message);
        spec.commandLine().getErr().flush();
        return 1;
    }

    static int usage(CommandSpec spec, String message) {
        spec.commandLine().getErr().println(message);
        spec.commandLine().getErr().flush();
        return USAGE;
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
        description = {"Silence the alerts every matcher matches; prints the new silence's id.",
            "Example: connwatch silence add 'computer=\"web-01\"' 'rule=~\"port-scan.*\"' --duration 2h --comment \"maintenance\""})
    static final class Add implements Callable<Integer> {
        @Mixin
        ConfigOption config;
        @Mixin
        ServiceApi.Options service;
        @Spec
        CommandSpec spec;
        @Parameters(arity = "1..*", paramLabel = "MATCHER",
            description = "label=\"value\", label!=\"value\", label=~\"regex\" or label!~\"regex\" (or several as {a=\"b\", c=~\"d\"}).")
        List<String> matcherTexts;
        @Option(names = {"-d", "--duration"}, description = "How long it mutes, from its start (default: 1h unless --end is given).")
        String duration;
        @Option(names = "--start", description = "When it starts (ISO-8601, e.g. 2026-03-01T22:00:00Z; default: now).")
        String start;
        @Option(names = "--end", description = "When it ends (ISO-8601), instead of --duration.")
        String end;
        @Option(names = {"-m", "--comment"}, required = true, description = "Why (required).")
        String comment;
        @Option(names = {"-a", "--author"},
            description = "Who creates it (default: the API token's name, or the user name when the store is opened directly).")
        String author;

        @Override
        public Integer call() throws Exception {
            Matchers matchers;
            Instant startsAt;
            Instant endsAt;
            Duration d;
            try {
                List<Matcher> all = new ArrayList<>();
                for (String t : matcherTexts) {
                    all.addAll(Matchers.parse(t).all());
                }
                matchers = new Matchers(all);
                if (duration != null && end != null) {
                    return usage(spec, "give --duration or --end, not both");
                }
                startsAt = start == null ? null : time("--start", start);
                endsAt = end == null ? null : time("--end", end);
                d = duration == null ? (end == null ? Duration.ofHours(1) : null) : Durations.parse(duration);
                if (d != null && (d.isNegative() || d.isZero())) {
                    return usage(spec, "--duration must be positive");
                }
            } catch (IllegalArgumentException e) {
                return usage(spec, e.getMessage());
            }
            PrintWriter out = spec.commandLine().getOut();
            ConnwatchConfig c = config.load();
            return withSilences(spec, c, service, new Work() {
                @Override
                public int offline(Silences silences, Instant now) {
                    Instant from = startsAt == null || startsAt.isBefore(now) ? now : startsAt;
                    try {
                        Silence s = silences.add(matchers, from, endsAt != null ? endsAt : from.plus(d),
                            author != null ? author : System.getProperty("user.name", "cli"), comment, now);
                        out.println(s.id());
                        out.flush();
                        return 0;
                    } catch (IllegalArgumentException e) {
                        return fail(spec, e.getMessage());
                    }
                }

                @Override
                public int online(ServiceApi api) throws ServiceApi.Unreachable {
                    JsonArray m = new JsonArray();
                    matchers.all().forEach(x -> m.add(x.toString()));
                    JsonObject body = new JsonObject().put("matchers", m).put("comment", comment);
                    if (startsAt != null) {
                        body.put("startsAt", startsAt.toString());
                    }
                    if (endsAt != null) {
                        body.put("endsAt", endsAt.toString());
                    } else {
                        body.put("duration", d.toString());
                    }
                    if (author != null) {
                        body.put("createdBy", author);
                    }
                    ServiceApi.Answer a = api.send("POST", "/api/v1/silences", body.encode());
                    if (!a.ok()) {
                        return fail(spec, a.error());
                    }
                    out.println(new JsonObject(a.body()).getString("silenceID"));
                    out.flush();
                    return 0;
                }
            });
        }

        private static Instant time(String option, String text) {
            try {
                return OffsetDateTime.parse(text.trim()).toInstant();
            } catch (DateTimeException e) {
                throw new IllegalArgumentException(option + ": not an ISO-8601 time such as 2026-03-01T22:00:00Z: '" + text + "'", e);
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
        description = "List silences (pending and active ones unless --state says otherwise), most recently changed first.")
    static final class Listing implements Callable<Integer> {
        @Mixin
        ConfigOption config;
        @Mixin
        ServiceApi.Options service;
        @Spec
        CommandSpec spec;
        @Option(names = "--state", split = ",", paramLabel = "STATE",
            description = "pending, active, expired (several with commas; default: pending,active).")
        List<String> states = List.of("pending", "active");

        @Override
        public Integer call() throws Exception {
            Set<Silence.State> wanted = EnumSet.noneOf(Silence.State.class);
            try {
                states.forEach(s -> wanted.add(Silence.State.parse(s)));
            } catch (IllegalArgumentException e) {
                return usage(spec, e.getMessage());
            }
            PrintWriter out = spec.commandLine().getOut();
            return withSilences(spec, config.load(), service, new Work() {
                @Override
                public int offline(Silences silences, Instant now) {
                    List<Silence> list = silences.list(now, wanted);
                    print(out, list.stream().map(s -> new Listed(s, s.state(now))).toList(), list.size());
                    return 0;
                }

                @Override
                public int online(ServiceApi api) throws ServiceApi.Unreachable {
                    StringBuilder q = new StringBuilder("/api/v1/silences?limit=10000&state=");
                    wanted.forEach(s -> q.append(s.apiName()).append(','));
                    ServiceApi.Answer a = api.send("GET", q.substring(0, q.length() - 1), null);
                    if (!a.ok()) {
                        return fail(spec, a.error());
                    }
                    JsonObject o = new JsonObject(a.body());
                    List<Listed> list = new ArrayList<>();
                    for (Object s : o.getJsonArray("silences")) {
                        JsonObject j = (JsonObject) s;
                        Silence silence = SilenceJson.fromJson(j.encode());
                        list.add(new Listed(silence, Silence.State.parse(j.getJsonObject("status").getString("state"))));
                    }
                    print(out, list, o.getInteger("total"));
                    return 0;
                }
            });
        }

        private record Listed(Silence silence, Silence.State state) {
        }

        private static void print(PrintWriter out, List<Listed> list, int total) {
            out.printf(Locale.ROOT, "%d silence(s)%s%n", total, total > list.size() ? ", the first " + list.size() + " listed" : "");
            for (Listed l : list) {
                Silence s = l.silence();
                out.printf(Locale.ROOT, "%s  %s  %s  %s .. %s  by %s  %s%n", s.id(), l.state().apiName(),
                    NotifyCommand.oneLine(s.matchers().toString(), LISTED), s.startsAt(), s.endsAt(),
                    NotifyCommand.oneLine(s.createdBy(), LISTED), NotifyCommand.oneLine(s.comment(), LISTED));
            }
            out.flush();
        }
    }

    @Command(name = "expire", mixinStandardHelpOptions = true,
        description = "Expire silences now (what deleting one means); exit 1 if one is unknown or already expired.")
    static final class Expire implements Callable<Integer> {
        @Mixin
        ConfigOption config;
        @Mixin
        ServiceApi.Options service;
        @Spec
        CommandSpec spec;
        @Parameters(arity = "1..*", paramLabel = "ID", description = "The silences' ids.")
        List<String> ids;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            return withSilences(spec, config.load(), service, new Work() {
                @Override
                public int offline(Silences silences, Instant now) {
                    int exit = 0;
                    for (String id : ids) {
                        try {
                            silences.expire(id, now);
                            out.println("expired " + id);
                        } catch (NoSuchElementException | IllegalStateException e) {
                            err.println(NotifyCommand.oneLine(e.getMessage(), LISTED));
                            exit = 1;
                        }
                    }
                    out.flush();
                    err.flush();
                    return exit;
                }

                @Override
                public int online(ServiceApi api) throws ServiceApi.Unreachable {
                    int exit = 0;
                    for (String id : ids) {
                        ServiceApi.Answer a = api.send("DELETE", "/api/v1/silences/" + enc(id), null);
                        if (a.ok()) {
                            out.println("expired " + id);
                        } else {
                            err.println(NotifyCommand.oneLine(a.status() == 404 ? "no silence with id '" + id + "'" : a.error(), LISTED));
                            exit = 1;
                        }
                    }
                    out.flush();
                    err.flush();
                    return exit;
                }
            });
        }
    }
}
