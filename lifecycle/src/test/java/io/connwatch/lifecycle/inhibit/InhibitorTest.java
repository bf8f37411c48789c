package io.connwatch.lifecycle.inhibit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.connwatch.lifecycle.inhibit.Inhibitor.Candidate;
import io.connwatch.lifecycle.match.Matchers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Inhibition with Alertmanager's semantics, and the shipped rules. */
class InhibitorTest {
    private static final InhibitRule CRITICAL_MUTES_LOW =
        new InhibitRule(Matchers.parse("severity=critical"), Matchers.parse("severity=~\"info|low\""), List.of("computer"));

    private static Candidate alert(String fp, String... kv) {
        Map<String, String> labels = new java.util.HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            labels.put(kv[i], kv[i + 1]);
        }
        return new Candidate(fp, labels);
    }

    /** Asks both ways (one pass, and through an index) and checks they agree. */
    private static List<String> inhibitedBy(Inhibitor inhibitor, Candidate target, List<Candidate> firing) {
        List<String> direct = inhibitor.inhibitedBy(target.labels(), target.fingerprint(), firing);
        assertEquals(direct, inhibitor.index(firing).inhibitedBy(target.labels(), target.fingerprint()), "index and one pass agree");
        return direct;
    }

    @Test
    void aSourceMutesTargetsWithTheSameEqualLabels() {
        Inhibitor inhibitor = new Inhibitor(List.of(CRITICAL_MUTES_LOW));
        Candidate critical = alert("c1", "severity", "critical", "computer", "web-01");
        Candidate low = alert("l1", "severity", "low", "computer", "web-01");
        Candidate lowElsewhere = alert("l2", "severity", "low", "computer", "web-02");
        Candidate medium = alert("m1", "severity", "medium", "computer", "web-01");
        List<Candidate> firing = List.of(critical, low, lowElsewhere, medium);
        assertEquals(List.of("c1"), inhibitedBy(inhibitor, low, firing));
        assertEquals(List.of(), inhibitedBy(inhibitor, lowElsewhere, firing), "another computer");
        assertEquals(List.of(), inhibitedBy(inhibitor, medium, firing), "not a target");
        assertEquals(List.of(), inhibitedBy(inhibitor, critical, firing));
        assertEquals(List.of(), inhibitedBy(inhibitor, low, List.of(low, lowElsewhere)), "no source firing");
    }

    @Test
    void aLabelMissingOnBothCountsAsEqualAndMissingIsEmpty() {
        Inhibitor inhibitor = new Inhibitor(List.of(CRITICAL_MUTES_LOW));
        Candidate critical = alert("c1", "severity", "critical");
        Candidate low = alert("l1", "severity", "low");
        Candidate lowEmpty = alert("l2", "severity", "low", "computer", "");
        Candidate lowNamed = alert("l3", "severity", "low", "computer", "web-01");
        List<Candidate> firing = List.of(critical, low, lowEmpty, lowNamed);
        assertEquals(List.of("c1"), inhibitedBy(inhibitor, low, firing));
        assertEquals(List.of("c1"), inhibitedBy(inhibitor, lowEmpty, firing), "as in Alertmanager, empty and missing are the same");
        assertEquals(List.of(), inhibitedBy(inhibitor, lowNamed, firing));
    }

    @Test
    void anAlertNeverInhibitsItself() {
        InhibitRule anyCriticalMutesTheMachine =
            new InhibitRule(Matchers.parse("severity=critical"), Matchers.parse("computer=~\".+\""), List.of("computer"));
        Inhibitor inhibitor = new Inhibitor(List.of(anyCriticalMutesTheMachine));
        Candidate critical = alert("c1", "severity", "critical", "computer", "web-01");
        assertEquals(List.of(), inhibitedBy(inhibitor, critical, List.of(critical)));
        InhibitRule sameLabelsBothSides = new InhibitRule(Matchers.parse("rule=x"), Matchers.parse("computer=~\".+\""), List.of());
        Candidate x = alert("x1", "rule", "x", "computer", "a");
        assertEquals(List.of(), inhibitedBy(new Inhibitor(List.of(sameLabelsBothSides)), x, List.of(x)));
    }

    @Test
    void alertsMatchingBothSidesDoNotMuteEachOtherButAOneSidedSourceMutesThem() {
        InhibitRule rule = new InhibitRule(Matchers.parse("severity=~\"critical|high\""), Matchers.parse("severity=~\"high|low\""),
            List.of("computer"));
        Inhibitor inhibitor = new Inhibitor(List.of(rule));
        Candidate high1 = alert("h1", "severity", "high", "computer", "web-01");
        Candidate high2 = alert("h2", "severity", "high", "computer", "web-01");
        Candidate low = alert("l1", "severity", "low", "computer", "web-01");
        assertEquals(List.of(), inhibitedBy(inhibitor, high1, List.of(high1, high2)));
        assertEquals(List.of(), inhibitedBy(inhibitor, high2, List.of(high1, high2)));
        assertEquals(List.of("h1", "h2"), inhibitedBy(inhibitor, low, List.of(high1, high2, low)), "each source that mutes, sorted");
        Candidate critical = alert("c1", "severity", "critical", "computer", "web-01");
        assertEquals(List.of("c1"), inhibitedBy(inhibitor, high1, List.of(high1, high2, critical)));
    }

    @Test
    void severalRulesReportEachInhibitingAlertOnce() {
        InhibitRule byComputer = CRITICAL_MUTES_LOW;
        InhibitRule byTeam = new InhibitRule(Matchers.parse("severity=critical"), Matchers.parse("severity=low"), List.of("team"));
        Inhibitor inhibitor = new Inhibitor(List.of(byComputer, byTeam));
        Candidate critical = alert("c1", "severity", "critical", "computer", "web-01", "team", "soc");
        Candidate otherCritical = alert("c2", "severity", "critical", "computer", "db-01", "team", "soc");
        Candidate low = alert("l1", "severity", "low", "computer", "web-01", "team", "soc");
        assertEquals(List.of("c1", "c2"), inhibitedBy(inhibitor, low, List.of(otherCritical, low, critical)));
    }

    @Test
    void noEqualLabelsMeansAnySourceAnywhere() {
        Inhibitor inhibitor = new Inhibitor(List.of(new InhibitRule(Matchers.parse("rule=outage"), Matchers.parse("severity=low"), List.of())));
        Candidate outage = alert("o", "rule", "outage", "computer", "x");
        Candidate low = alert("l", "severity", "low", "computer", "y");
        assertEquals(List.of("o"), inhibitedBy(inhibitor, low, List.of(outage, low)));
    }

    @Test
    void theShippedRulesPageOnceForOneConnectionFailureIncident() {
        Inhibitor inhibitor = new Inhibitor(Inhibitor.defaults());
        Candidate machine = alert("m", "rule", "connection-failure-spike-machine", "severity", "high", "computer", "web-01");
        Candidate process = alert("p", "rule", "connection-failure-spike-process", "severity", "medium", "computer", "web-01");
        Candidate ratio = alert("r", "rule", "connection-failure-ratio-machine", "severity", "medium", "computer", "web-01");
        Candidate elsewhere = alert("e", "rule", "connection-failure-spike-process", "severity", "medium", "computer", "web-02");
        Candidate scan = alert("s", "rule", "port-scan", "severity", "medium", "computer", "web-01");
        List<Candidate> firing = List.of(machine, process, ratio, elsewhere, scan);
        assertEquals(List.of(), inhibitedBy(inhibitor, machine, firing));
        assertEquals(List.of("m"), inhibitedBy(inhibitor, process, firing));
        assertEquals(List.of("m"), inhibitedBy(inhibitor, ratio, firing));
        assertEquals(List.of(), inhibitedBy(inhibitor, elsewhere, firing));
        assertEquals(List.of(), inhibitedBy(inhibitor, scan, firing));

        Candidate critical = alert("c", "rule", "malicious-remote-ip", "severity", "critical", "computer", "web-01");
        Candidate info = alert("i", "rule", "new-listening-port", "severity", "info", "computer", "web-01");
        Candidate low = alert("l", "rule", "wildcard-bind", "severity", "low", "computer", "web-01");
        Candidate lowElsewhere = alert("l2", "rule", "wildcard-bind", "severity", "low", "computer", "db-01");
        firing = List.of(critical, info, low, lowElsewhere, scan);
        assertEquals(List.of("c"), inhibitedBy(inhibitor, info, firing));
        assertEquals(List.of("c"), inhibitedBy(inhibitor, low, firing));
        assertEquals(List.of(), inhibitedBy(inhibitor, lowElsewhere, firing));
        assertEquals(List.of(), inhibitedBy(inhibitor, scan, firing), "medium is not muted");
    }

    @Test
    void anIndexOfThousandsAnswersAsOnePassDoes() {
        Inhibitor inhibitor = new Inhibitor(Inhibitor.defaults());
        List<Candidate> firing = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            firing.add(alert("f" + i, "rule", i % 5 == 0 ? "connection-failure-spike-machine" : "connection-failure-spike-process",
                "severity", "medium", "computer", "host-" + i / 5));
        }
        Inhibitor.Index index = inhibitor.index(firing);
        int muted = 0;
        for (int i = 0; i < firing.size(); i++) {
            Candidate c = firing.get(i);
            List<String> by = index.inhibitedBy(c.labels(), c.fingerprint());
            assertEquals(i % 5 == 0 ? List.of() : List.of("f" + (i - i % 5)), by, c.toString());
            muted += by.isEmpty() ? 0 : 1;
        }
        assertEquals(4_000, muted, "every process spike, each by the machine spike on its computer");
        Candidate sample = firing.get(4_321);
        assertEquals(List.of("f4320"), inhibitor.inhibitedBy(sample.labels(), sample.fingerprint(), firing));
    }
}
