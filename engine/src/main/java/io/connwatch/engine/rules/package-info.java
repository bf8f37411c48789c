/** Rule loading, compilation errors, the partitioned Drools sessions, their event-time clock, and hot reload. */
package io.connwatch.engine.rules;
