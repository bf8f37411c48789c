/** The Splunk channel: batched events to an HTTP Event Collector, with optional indexer acknowledgement. */
package io.connwatch.notify.splunk;
