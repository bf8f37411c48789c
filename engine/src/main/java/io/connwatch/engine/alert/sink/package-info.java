/** Where raised alerts go: the console, the JSON-lines file, the delivery outbox, fanned out so one failing sink stops no other. */
package io.connwatch.engine.alert.sink;
