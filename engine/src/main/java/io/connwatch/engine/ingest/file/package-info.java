/** File replay: decodes files (plain or gzip) into the engine, counting and reporting every rejection. */
package io.connwatch.engine.ingest.file;
