/**
 * Named time intervals as in Alertmanager's {@code time_intervals}: times of day, weekdays, days
 * of the month, months and years in a time zone, for routes to mute or activate on.
 */
package io.connwatch.lifecycle.timeinterval;
