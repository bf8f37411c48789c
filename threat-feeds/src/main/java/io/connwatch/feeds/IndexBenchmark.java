package io.connwatch.feeds;

import io.connwatch.net.IpAddress;
import io.connwatch.net.IpPrefix;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Measures the IP index the way the README reports it: build time, heap per indicator and
 * lookups per second on one thread, over a mix of IPv4 and IPv6 indicators shaped like real feeds
 * (mostly single hosts, some networks).
 */
public final class IndexBenchmark {
    /** The figures of one run. */
    public record Result(int indicators, int ranges, double buildSeconds, double bytesPerIndicator,
                         double randomLookupsPerSecond, double hitLookupsPerSecond, long hits) {
    }

    private IndexBenchmark() {
    }

    public static List<Indicator> indicators(int n, long seed) {
        Random r = new Random(seed);
        List<Indicator> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            IpPrefix p;
            if (r.nextInt(10) < 7) {
                IpAddress a = IpAddress.ofIpv4(r.nextInt());
                p = IpPrefix.of(a, r.nextInt(5) == 0 ? 16 + r.nextInt(16) : 32);
            } else {
                IpAddress a = IpAddress.ofIpv6(0x2000_0000_0000_0000L | (r.nextLong() >>> 4), r.nextLong());
                p = IpPrefix.of(a, r.nextBoolean() ? 128 : 32 + r.nextInt(33));
            }
            out.add(new Indicator(p, ThreatType.values()[r.nextInt(ThreatType.values().length)], r.nextInt(6), r.nextInt(101),
                TlpLevel.values()[r.nextInt(4)], "feed description " + (i % 50), null, null, null, true, null,
                "feed-" + (i % 8), null, List.of()));
        }
        return out;
    }

    public static Result run(int n, int rounds, PrintWriter out) {
        List<Indicator> input = indicators(n, 42);
        IpIndex index = null;
        double bestBuild = Double.MAX_VALUE;
        for (int round = 0; round < rounds; round++) {
            index = null;
            long t = System.nanoTime();
            index = IpIndex.build(input);
            bestBuild = Math.min(bestBuild, (System.nanoTime() - t) / 1e9);
        }
        index = null;
        long before = usedAfterGc();
        index = IpIndex.build(input);
        long after = usedAfterGc();
        double perIndicator = (after - before) / (double) n;

        Random r = new Random(7);
        int probes = 4_000_000;
        IpAddress[] random = new IpAddress[probes / 4];
        IpAddress[] hitting = new IpAddress[probes / 4];
        for (int i = 0; i < random.length; i++) {
            random[i] = r.nextInt(10) < 7 ? IpAddress.ofIpv4(r.nextInt())
                : IpAddress.ofIpv6(0x2000_0000_0000_0000L | (r.nextLong() >>> 4), r.nextLong());
            IpPrefix p = input.get(r.nextInt(n)).prefix();
            hitting[i] = p.network();
        }
        double bestRandom = 0;
        double bestHit = 0;
        long hits = 0;
        for (int round = 0; round < rounds + 2; round++) {
            long t = System.nanoTime();
            long found = 0;
            for (int k = 0; k < 4; k++) {
                for (IpAddress a : random) {
                    if (index.contains(a)) {
                        found++;
                    }
                }
            }
            double rate = probes / ((System.nanoTime() - t) / 1e9);
            bestRandom = Math.max(bestRandom, rate);
            t = System.nanoTime();
            long matched = 0;
            for (int k = 0; k < 4; k++) {
                for (IpAddress a : hitting) {
                    if (index.lookup(a) != null) {
                        matched++;
                    }
                }
            }
            double hitRate = probes / ((System.nanoTime() - t) / 1e9);
            bestHit = Math.max(bestHit, hitRate);
            hits = found;
            if (matched != probes) {
                throw new IllegalStateException("an indicator's own address did not match: " + matched + " of " + probes);
            }
            out.printf(Locale.ROOT, "round %d: contains() on random addresses %,.0f/s (%,d hits); lookup() of listed addresses %,.0f/s%n",
                round + 1, rate, found, hitRate);
            out.flush();
        }
        Result result = new Result(n, index.ranges(), bestBuild, perIndicator, bestRandom, bestHit, hits);
        out.printf(Locale.ROOT, "index of %,d indicators (%,d ranges): build %.2f s (best of %d), %.1f bytes per indicator, "
                + "%,.0f random lookups/s, %,.0f matching lookups/s (one thread)%n",
            n, result.ranges(), bestBuild, rounds, perIndicator, bestRandom, bestHit);
        out.flush();
        return result;
    }

    private static long usedAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
