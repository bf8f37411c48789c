/** The alert model every stage shares: an Alert with its severity, labels and evidence, and its JSON form. */
package io.connwatch.alert;
