/** The facts rules reason over: connection and bound-port records, their decoding and validation, and the per-minute rollups. */
package io.connwatch.engine.facts;
