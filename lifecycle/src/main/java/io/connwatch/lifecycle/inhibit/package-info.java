/**
 * Inhibition as in Alertmanager: a firing source alert mutes target alerts that share the values
 * of the rule's {@code equal} labels, so one incident pages once.
 */
package io.connwatch.lifecycle.inhibit;
