/** One parser per feed format, each reporting bad entries by place and loading the rest. */
package io.connwatch.feeds.format;
