/** Threat intelligence: indicators, the IP index, and feeds kept fresh while running. */
package io.connwatch.feeds;
