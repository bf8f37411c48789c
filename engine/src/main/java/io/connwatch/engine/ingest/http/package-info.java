/** The HTTP ingest endpoint and the service's HTTP routes on a Vert.x event loop. */
package io.connwatch.engine.ingest.http;
