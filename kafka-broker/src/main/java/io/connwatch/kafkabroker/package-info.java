/** A local single-node KRaft broker for tests and trials, started as its own process on loopback. */
package io.connwatch.kafkabroker;
