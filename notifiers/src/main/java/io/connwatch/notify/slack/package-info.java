/** The Slack channel: Block Kit messages to an incoming webhook. */
package io.connwatch.notify.slack;
