/** Alerts rendered in the Open Cybersecurity Schema Framework (OCSF), for SIEMs and data lakes that read it. */
package io.connwatch.alert.ocsf;
