/** Text from outside (requests, records) made fit for the service's own output, such as its log lines. */
package io.connwatch.text;
