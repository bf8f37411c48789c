package io.connwatch.engine.alert.episodes;

import io.connwatch.alert.Alert;
import io.connwatch.engine.alert.sink.AlertSink;

/**
 * Holds back alerts whose episode the group already knows (see {@link EpisodeLog}), hands the rest
 * to the outputs, then records their episode. Runs on the rule partitions' threads.
 */
public final class EpisodeLogSink implements AlertSink {
    private final AlertSink outputs;
    private final EpisodeLog log;

    public EpisodeLogSink(AlertSink outputs, EpisodeLog log) {
        this.outputs = outputs;
        this.log = log;
    }

    @Override
    public void publish(Alert alert) {
        long t = alert.evidenceTime().toEpochMilli();
        if (!log.admit(alert.fingerprint(), t)) {
            return;
        }
        outputs.publish(alert);
        log.written(alert.fingerprint(), t);
    }

    @Override
    public void repeated(String fingerprint, long evidenceMillis) {
        outputs.repeated(fingerprint, evidenceMillis);
        log.extended(fingerprint, evidenceMillis);
    }

    @Override
    public void flush() {
        outputs.flush();
    }
}
