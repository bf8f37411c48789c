/** IPv4 and IPv6 addresses and prefixes as compact values, for facts and for the threat-intelligence index. */
package io.connwatch.net;
