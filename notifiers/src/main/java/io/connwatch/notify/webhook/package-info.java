/** The webhook channel: versioned, signed JSON payloads over HTTP(S). */
package io.connwatch.notify.webhook;
