/** The HTTP ingest route, POST /ingest: records in, accepted and rejected counts out, rules run before the answer. */
package io.connwatch.engine.ingest.http;
