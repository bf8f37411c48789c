/** The Opsgenie channel: Alert API v2 create, acknowledge and close by alias, one alert per alert group. */
package io.connwatch.notify.opsgenie;
