/** Sources of records, one package each (HTTP, Kafka, file replay), and the ingest counters they share. */
package io.connwatch.engine.ingest;
