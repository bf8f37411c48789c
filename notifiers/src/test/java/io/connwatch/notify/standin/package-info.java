/**
 * Loopback stand-ins for the services the SIEM channels deliver to, each implementing its
 * contract (authentication, size limits, rate limiting, per-item answers) and recording what it
 * received: for the channels' tests and for {@code connwatch notify test} against them.
 */
package io.connwatch.notify.standin;
