/** The composition root: builds and starts the service's parts in order and closes them in reverse. */
package io.connwatch.engine.service;
