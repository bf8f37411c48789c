/** Connection settings (bootstrap, TLS, SASL) shared by every Kafka client of connwatch, ingest and delivery alike. */
package io.connwatch.kafka;
