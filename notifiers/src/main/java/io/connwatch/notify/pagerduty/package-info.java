/** The PagerDuty channel: Events API v2 trigger, acknowledge and resolve events, one incident per alert group. */
package io.connwatch.notify.pagerduty;
