package io.connwatch.engine.jmh;

import io.connwatch.feeds.IndexBenchmark;
import io.connwatch.feeds.Indicator;
import io.connwatch.feeds.IpIndex;
import io.connwatch.net.IpAddress;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The threat index's lookups (what enrichment does per connection) over the synthetic feed mix of
 * {@code connwatch feeds bench}: random IPv4 addresses (almost all misses, the common case) and
 * listed ones (hits, which build the match). Scores are per lookup.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseParallelGC", "-Xmx2g"})
@OperationsPerInvocation(IpIndexBenchmark.PROBES)
public class IpIndexBenchmark {
    static final int PROBES = 4096;

    @Param({"30", "1000000"})
    public int indicators;

    private IpIndex index;
    private IpAddress[] random;
    private IpAddress[] listed;

    @Setup(Level.Trial)
    public void build() {
        List<Indicator> feed = IndexBenchmark.indicators(indicators, 7);
        index = IpIndex.build(feed);
        SplittableRandom r = new SplittableRandom(11);
        random = new IpAddress[PROBES];
        listed = new IpAddress[PROBES];
        for (int i = 0; i < PROBES; i++) {
            random[i] = IpAddress.ofIpv4(r.nextInt());
            listed[i] = feed.get(r.nextInt(feed.size())).prefix().network();
        }
    }

    @Benchmark
    public void containsRandom(Blackhole bh) {
        for (IpAddress ip : random) {
            bh.consume(index.contains(ip));
        }
    }

    @Benchmark
    public void lookupListed(Blackhole bh) {
        for (IpAddress ip : listed) {
            bh.consume(index.lookup(ip));
        }
    }
}
