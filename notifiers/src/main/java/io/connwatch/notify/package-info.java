/** Delivery: the Notifier contract, routing, the durable outbox, and the dispatcher that owns retries and circuit breaking. */
package io.connwatch.notify;
