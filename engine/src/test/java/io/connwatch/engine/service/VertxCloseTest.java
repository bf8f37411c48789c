package io.connwatch.engine.service;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A shutdown cannot hang on Vert.x: a verticle whose stop never finishes costs the close timeout, no more. */
class VertxCloseTest {
    @Test
    void aVerticleThatNeverStopsDoesNotHoldTheShutdown() {
        Vertx v = Vertx.vertx();
        v.deployVerticle(new VerticleBase() {
            @Override
            public Future<?> stop() {
                return Promise.promise().future(); // never completes, as a stuck Kafka consumer's close did
            }
        }).await();
        // the preemptive bound only keeps a broken implementation from hanging the build
        boolean closed = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> ConnwatchService.closeWithin(v, Duration.ofSeconds(1)));
        assertFalse(closed, "the stuck verticle cannot have stopped");
    }

    @Test
    void anOrdinaryCloseSaysItClosed() {
        assertTrue(ConnwatchService.closeWithin(Vertx.vertx(), Duration.ofSeconds(20)));
    }
}
