/**
 * The web console's workbooks: a bounded in-memory store of per-machine minute rollups fed from the
 * records the engine takes in, the six VM insights views computed from it, and the routes that
 * serve them and the console's static files.
 */
package io.connwatch.engine.workbook;
