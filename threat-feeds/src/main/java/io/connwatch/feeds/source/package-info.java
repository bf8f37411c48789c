/** Fetching feeds from files and HTTP(S) with conditional requests, timeouts and size limits. */
package io.connwatch.feeds.source;
