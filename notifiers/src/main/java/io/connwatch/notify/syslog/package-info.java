/** The syslog channel: RFC 5424 messages with a CEF body, over TLS (RFC 5425), TCP (RFC 6587) or UDP (RFC 5426). */
package io.connwatch.notify.syslog;
