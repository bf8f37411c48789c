package io.connwatch.feeds;

import io.connwatch.feeds.format.FeedFormat;
import io.connwatch.feeds.format.FeedFormats;
import io.connwatch.feeds.format.FeedParse;
import io.connwatch.feeds.source.FeedFetcher;
import io.connwatch.feeds.source.FetchException;
import io.connwatch.feeds.source.FetchResult;
import io.connwatch.net.IpPrefix;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All configured feeds, kept fresh: each is checked on its own interval, and a changed feed that
 * loads well replaces that feed's indicators and publishes a new {@link ThreatSnapshot}. A fetch
 * that fails, comes back empty when the feed had indicators, or yields nothing readable keeps the
 * last good data and records the error in the feed's {@link FeedStatus}.
 */
public final class ThreatIntel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ThreatIntel.class);
    /** How often local feed files are checked for changes (their interval, when shorter). */
    public static final java.time.Duration FILE_CHECK = java.time.Duration.ofSeconds(5);

    private final Map<String, FeedConfig> feeds = new LinkedHashMap<>();
    private final Map<String, Loaded> loaded = new LinkedHashMap<>();
    private final Map<String, FeedStatus> status = new LinkedHashMap<>();
    private final FeedFetcher fetcher;
    private final Clock clock;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile ThreatSnapshot snapshot = ThreatSnapshot.EMPTY;
    private ScheduledExecutorService scheduler;

    private record Loaded(List<Indicator> indicators, List<IpPrefix> allow, int problems, int skipped, String etag,
                          String lastModified) {
    }

    public ThreatIntel(List<FeedConfig> configs, FeedFetcher fetcher, Clock clock) {
        for (FeedConfig c : configs) {
            if (feeds.put(c.name(), c) != null) {
                throw new IllegalArgumentException("two feeds are named " + c.name());
            }
            FeedFormats.byName(c.format(), c.csvMapping()); // fail now on a bad format or mapping
            status.put(c.name(), new FeedStatus(c.name(), c.displaySource(), 0, 0, 0, 0, null, null, null, clock.instant()));
        }
        this.fetcher = fetcher;
        this.clock = clock;
    }

    /** The snapshot now; cheap, call it per batch. */
    public ThreatSnapshot snapshot() {
        return snapshot;
    }

    /** Told of every new snapshot on the refreshing thread. */
    public interface Listener {
        /**
         * @param old   the snapshot replaced
         * @param now   the new snapshot
         * @param added the indicators the refreshed feed did not hold before (for retro-matching)
         */
        void changed(ThreatSnapshot old, ThreatSnapshot now, IpIndex added);
    }

    public void onChange(Listener listener) {
        listeners.add(listener);
    }

    public synchronized List<FeedStatus> status() {
        return List.copyOf(status.values());
    }

    /** Checks every feed once, now, on the calling thread. */
    public void refreshAll() {
        for (String name : List.copyOf(feeds.keySet())) {
            refresh(name);
        }
    }

    /** Starts checking each feed on its interval; call {@link #refreshAll()} first for an initial load. */
    public synchronized void start() {
        if (scheduler != null) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "connwatch-feeds");
            t.setDaemon(true);
            return t;
        });
        for (FeedConfig c : feeds.values()) {
            // A local file is cheap to check (one stat), so an edit shows within seconds.
            long period = c.path() != null ? Math.min(c.interval().toMillis(), FILE_CHECK.toMillis()) : c.interval().toMillis();
            scheduler.scheduleWithFixedDelay(() -> refresh(c.name()), period, period, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Checks one feed now and, when it changed and loads well, publishes a new snapshot.
     *
     * @return true when a new snapshot was published
     */
    public boolean refresh(String name) {
        FeedConfig c = feeds.get(name);
        if (c == null) {
            throw new IllegalArgumentException("no feed named " + name);
        }
        Loaded previous;
        synchronized (this) {
            previous = loaded.get(name);
        }
        try {
            FetchResult fetched = fetcher.fetch(c, previous == null ? null : previous.etag(),
                previous == null ? null : previous.lastModified());
            if (!fetched.changed()) {
                record(c, previous, null);
                return false;
            }
            FeedFormat format = FeedFormats.byName(c.format(), c.csvMapping());
            FeedParse parse;
            try (Reader r = new InputStreamReader(new ByteArrayInputStream(fetched.body()), StandardCharsets.UTF_8)) {
                parse = format.parse(c.name(), r, c.defaults());
            }
            int usable = parse.indicators().size() + parse.allowlist().size();
            if (usable == 0 && parse.problems().size() > 0) {
                throw new FetchException(c.name() + ": nothing readable (" + parse.problems().size() + " problems, first: "
                    + parse.problems().get(0).reason() + "); keeping the last good data");
            }
            int before = previous == null ? 0 : previous.indicators().size() + previous.allow().size();
            if (usable == 0 && before > 0) {
                throw new FetchException(c.name() + ": came back empty after holding " + before + " entries; keeping the last good data");
            }
            if (!parse.problems().isEmpty()) {
                LOG.warn("feed {}: {} entries could not be read, first: {}", c.name(), parse.problems().size(),
                    parse.problems().get(0).message());
            }
            Loaded now = new Loaded(List.copyOf(parse.indicators()), List.copyOf(parse.allowlist()), parse.problems().size(),
                parse.unusable() - parse.problems().size(), fetched.etag(), fetched.lastModified());
            ThreatSnapshot old;
            ThreatSnapshot next;
            synchronized (this) {
                loaded.put(name, now);
                old = snapshot;
                next = rebuild(old.version() + 1);
                snapshot = next;
                record(c, now, null);
            }
            LOG.info("feed {}: {} indicators, {} allowlist entries from {}", c.name(), now.indicators().size(), now.allow().size(),
                c.displaySource());
            IpIndex added = IpIndex.build(addedSince(previous, now));
            for (Listener l : listeners) {
                l.changed(old, next, added);
            }
            return true;
        } catch (FetchException | IOException | RuntimeException e) {
            String message = e instanceof FetchException ? e.getMessage() : c.name() + ": " + e.getMessage();
            LOG.warn("feed {}: refresh failed, keeping the last good data: {}", c.name(), message);
            record(c, previous, message);
            return false;
        }
    }

    private static List<Indicator> addedSince(Loaded previous, Loaded now) {
        if (previous == null) {
            return now.indicators();
        }
        java.util.Set<IpPrefix> before = new java.util.HashSet<>();
        for (Indicator i : previous.indicators()) {
            before.add(i.prefix());
        }
        List<Indicator> added = new ArrayList<>();
        for (Indicator i : now.indicators()) {
            if (!before.contains(i.prefix())) {
                added.add(i);
            }
        }
        return added;
    }

    /** Records a check: a null error means it went well (changed or not). */
    private synchronized void record(FeedConfig c, Loaded l, String error) {
        FeedStatus old = status.get(c.name());
        Instant now = clock.instant();
        status.put(c.name(), new FeedStatus(c.name(), c.displaySource(), l == null ? 0 : l.indicators().size(),
            l == null ? 0 : l.allow().size(), l == null ? 0 : l.problems(), l == null ? 0 : l.skipped(),
            error == null ? now : old.lastSuccess(), now, error, now.plus(c.interval())));
    }

    private ThreatSnapshot rebuild(long version) {
        List<Indicator> all = new ArrayList<>();
        List<Indicator> allow = new ArrayList<>();
        for (Map.Entry<String, Loaded> e : loaded.entrySet()) {
            all.addAll(e.getValue().indicators());
            for (IpPrefix p : e.getValue().allow()) {
                allow.add(new Indicator(p, ThreatType.WATCHLIST, 0, 0, TlpLevel.WHITE, null, null, null, null, true, null,
                    e.getKey(), null, List.of()));
            }
        }
        return new ThreatSnapshot(IpIndex.build(all), IpIndex.build(allow), version, clock.instant());
    }

    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }
}
