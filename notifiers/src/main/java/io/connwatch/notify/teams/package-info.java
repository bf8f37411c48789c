/** The Microsoft Teams channel: an Adaptive Card message per alert group to a Workflows (Power Automate) webhook. */
package io.connwatch.notify.teams;
