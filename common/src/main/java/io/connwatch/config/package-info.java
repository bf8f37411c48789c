/** The one settings reader of every configuration section: booleans, numbers, durations, globs, secrets and one error format. */
package io.connwatch.config;
