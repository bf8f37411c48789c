/** The alerts-topic channel: alerts as JSON records on a Kafka topic. */
package io.connwatch.notify.kafka;
