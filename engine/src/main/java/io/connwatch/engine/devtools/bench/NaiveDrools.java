package io.connwatch.engine.devtools.bench;

import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.kie.api.KieBase;
import org.kie.api.KieServices;
import org.kie.api.builder.Message;
import org.kie.api.conf.EventProcessingOption;
import org.kie.api.io.ResourceType;
import org.kie.api.runtime.KieSession;
import org.kie.api.runtime.KieSessionConfiguration;
import org.kie.api.runtime.conf.ClockTypeOption;
import org.kie.api.time.SessionPseudoClock;
import org.kie.internal.utils.KieHelper;

/**
 * The naive Drools pipeline the issue compares against: every parsed row inserted as an event, three
 * rules with {@code accumulate} over {@code window:time(5m)}, one thread, a pseudo clock following
 * event time; the rules fire each time event time moves on (after the rows of an instant) and at the end.
 */
public final class NaiveDrools {
    /** Failed links of one machine within 5 minutes that make an alert. */
    public static final long FAILURES = 10;
    /** Bytes sent by one process of one machine within 5 minutes that make an alert. */
    public static final long BYTES = 100_000_000;

    static final String DRL = """
        package io.connwatch.bench.naive;
        import io.connwatch.engine.devtools.bench.FlatRecord;
        global io.connwatch.engine.devtools.bench.NaiveDrools.Counts counts;
        global java.util.Set watchlist;

        declare FlatRecord
            @role(event)
            @timestamp(time)
            @expires(5m)
        end

        rule "failures per machine over 5 minutes"
        when
            $r : FlatRecord(linksFailed > 0)
            accumulate(FlatRecord(machine == $r.machine, linksFailed > 0, $f : linksFailed) over window:time(5m); $sum : sum($f); $sum >= %d)
        then
            counts.failures($r.getMachine(), $sum);
        end

        rule "bytes per machine and process over 5 minutes"
        when
            $r : FlatRecord(type != "VMBoundPort")
            accumulate(FlatRecord(machine == $r.machine, process == $r.process, $b : bytesSent) over window:time(5m);
                $sum : sum($b); $sum >= %d)
        then
            counts.bytes($r.getMachine() + "/" + $r.getProcess(), $sum);
        end

        rule "connections to listed addresses"
        when
            $r : FlatRecord(remoteIp != null, remoteIp memberOf watchlist)
        then
            counts.listed($r.getMachine() + "/" + $r.getRemoteIp());
        end
        """.formatted(FAILURES, BYTES);

    private final KieBase base;
    private final Set<String> watchlist;

    /** Compiles the three rules; {@code watchlist} is the set of addresses the third rule looks for. */
    public NaiveDrools(Set<String> watchlist) {
        KieHelper helper = new KieHelper().addResource(KieServices.get().getResources()
            .newByteArrayResource(DRL.getBytes(java.nio.charset.StandardCharsets.UTF_8))
            .setSourcePath("io/connwatch/bench/naive/naive.drl"), ResourceType.DRL);
        List<Message> errors = helper.verify().getMessages(Message.Level.ERROR);
        if (!errors.isEmpty()) {
            throw new IllegalStateException("naive rules do not compile: " + errors);
        }
        this.base = helper.build(EventProcessingOption.STREAM);
        this.watchlist = new HashSet<>(watchlist);
    }

    /** What the rules fired: per rule the number of firings, and the largest sum seen per key. */
    public static final class Counts {
        public long failureFirings;
        public long bytesFirings;
        public long listedFirings;
        public final Map<String, Long> failuresByMachine = new HashMap<>();
        public final Map<String, Long> bytesByProcess = new HashMap<>();
        public final Set<String> listed = new HashSet<>();
        public long records;
        public long factsAtEnd;

        public void failures(String machine, Number sum) {
            failureFirings++;
            failuresByMachine.merge(machine, sum.longValue(), Math::max);
        }

        public void bytes(String process, Number sum) {
            bytesFirings++;
            bytesByProcess.merge(process, sum.longValue(), Math::max);
        }

        public void listed(String key) {
            listedFirings++;
            listed.add(key);
        }
    }

    /** Runs the input through a fresh session: parse, insert, fire and advance the clock whenever event time moves on. */
    public Counts run(BenchInput input) throws IOException {
        return run(input, c -> { });
    }

    /** The same, telling {@code whileHeld} the counts after the last row while the session still holds its windows. */
    public Counts run(BenchInput input, java.util.function.Consumer<Counts> whileHeld) throws IOException {
        KieSessionConfiguration conf = KieServices.get().newKieSessionConfiguration();
        conf.setOption(ClockTypeOption.PSEUDO);
        KieSession session = base.newKieSession(conf, null);
        try {
            Counts counts = new Counts();
            session.setGlobal("counts", counts);
            session.setGlobal("watchlist", watchlist);
            SessionPseudoClock clock = session.getSessionClock();
            long[] now = {Long.MIN_VALUE};
            input.parse(r -> {
                counts.records++;
                if (now[0] == Long.MIN_VALUE) {
                    clock.advanceTime(r.time - clock.getCurrentTime(), TimeUnit.MILLISECONDS);
                    now[0] = r.time;
                } else if (r.time > now[0]) {
                    // The rows of one instant are all in: fire on them, then move the clock on (expiring what leaves the windows).
                    session.fireAllRules();
                    clock.advanceTime(r.time - now[0], TimeUnit.MILLISECONDS);
                    now[0] = r.time;
                }
                session.insert(r);
            });
            session.fireAllRules();
            counts.factsAtEnd = session.getFactCount();
            whileHeld.accept(counts);
            return counts;
        } finally {
            session.dispose();
        }
    }
}
