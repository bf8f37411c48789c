/** The connwatch command line: one picocli command per verb, parsing options and handing work to the service and the tools. */
package io.connwatch.engine.cli;
