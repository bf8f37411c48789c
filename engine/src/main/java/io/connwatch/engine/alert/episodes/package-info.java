/** Dedup episodes: one alert per fingerprint episode, in memory and shared through the compacted episode log (the notification log's counterpart). */
package io.connwatch.engine.alert.episodes;
