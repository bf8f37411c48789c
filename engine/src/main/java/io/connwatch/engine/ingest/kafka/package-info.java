/** Kafka ingest: a consumer-group member with ordered at-least-once commits, alignment, backpressure and dead letters. */
package io.connwatch.engine.ingest.kafka;
