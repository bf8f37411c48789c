/**
 * The alert lifecycle between the rules and the notifiers, in Alertmanager's order: inhibit, time
 * intervals, silence, then per route and receiver group, wait, dedup against the notification log,
 * and hand the notification to the durable outbox. Subpackages: {@code match} (label matchers),
 * {@code silence}, {@code inhibit}, {@code timeinterval}, {@code dispatch} (groups and timers),
 * {@code nflog} (what each receiver was last sent), {@code ack}.
 */
package io.connwatch.lifecycle;
