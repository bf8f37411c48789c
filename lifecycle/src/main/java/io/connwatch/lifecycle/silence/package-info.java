/**
 * Silences as Alertmanager users know them: matchers and a time window that mute matching
 * alerts, created, expired and garbage-collected here, persisted in an MVStore and replicated
 * between instances by newest {@code updatedAt}.
 */
package io.connwatch.lifecycle.silence;
