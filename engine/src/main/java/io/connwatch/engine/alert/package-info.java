/** Raising alerts from rules: the alerts global DRL calls and the fingerprint that names an incident. */
package io.connwatch.engine.alert;
