/** What the service tells about itself: its Prometheus metrics (read from the counters its parts keep) and its readiness. */
package io.connwatch.engine.metrics;
