/** The service's HTTP API: one server on one port, mounting the ingest route and the status and admin routes. */
package io.connwatch.engine.api;
