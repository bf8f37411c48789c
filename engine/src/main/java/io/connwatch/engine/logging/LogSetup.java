package io.connwatch.engine.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * connwatch's logging, set up in code rather than from a logback.xml: logback's XML
 * configuration took about 200 ms of every command's start. Logs go to standard error (so that
 * replay keeps standard output for alerts alone), one line per event:
 * {@code CONNWATCH_LOG_FORMAT=text} (the default, for people) or {@code json} (one JSON object per
 * line, for log shippers: logback's JsonEncoder); {@code CONNWATCH_LOG_LEVEL} sets the root level
 * (default INFO). Both are read as system properties first, then from the environment. A user's
 * own {@code -Dlogback.configurationFile} still wins: this steps aside for it.
 */
public final class LogSetup extends ContextAwareBase implements Configurator {
    /** The text layout: UTC time, level, thread, logger; line breaks in a message folded, a stack trace indented under its line. */
    static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX,UTC} %-5level [%thread] %logger{24} - "
        + "%replace(%msg){'[\\r\\n]+', ' '}%n%replace(%ex){'(?m)^(?!$)', '    '}%nopex";

    /** Libraries' levels: what connwatch's own words do not already say. */
    static final Map<String, Level> LEVELS = Map.of(
        "org.drools", Level.WARN,
        // advice to move eval() into patterns: the shipped rules compare two accumulates, which needs eval
        "org.drools.base.rule.EvalCondition", Level.ERROR,
        "org.kie", Level.WARN,
        // it dumps every compile error raw before connwatch reports each once, with file:line and a suggestion
        "org.drools.compiler.kie.builder.impl.KieProject", Level.OFF,
        "io.netty", Level.WARN,
        "io.vertx", Level.INFO,
        // the clients print their whole configuration at INFO (passwords as [hidden]); warnings are what matters
        "org.apache.kafka", Level.WARN);

    private final UnaryOperator<String> settings;

    public LogSetup() {
        this(name -> System.getProperty(name, System.getenv(name)));
    }

    LogSetup(UnaryOperator<String> settings) {
        this.settings = settings;
    }

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        String format = settings.apply("CONNWATCH_LOG_FORMAT");
        boolean json = format != null && format.strip().toLowerCase(Locale.ROOT).equals("json");
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(json ? json(context) : text(context));
        stderr.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        String level = settings.apply("CONNWATCH_LOG_LEVEL");
        root.setLevel(Level.toLevel(level == null ? null : level.strip(), Level.INFO));
        root.addAppender(stderr);
        LEVELS.forEach((name, l) -> context.getLogger(name).setLevel(l));
        if (format != null && !json && !format.strip().equalsIgnoreCase("text")) {
            root.warn("CONNWATCH_LOG_FORMAT={} is neither text nor json; logging text", format.strip());
        }
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    private static Encoder<ILoggingEvent> text(LoggerContext context) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(TEXT_PATTERN);
        encoder.start();
        return encoder;
    }

    private static Encoder<ILoggingEvent> json(LoggerContext context) {
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(context);
        encoder.setWithSequenceNumber(false);
        encoder.setWithNanoseconds(false);
        encoder.setWithContext(false);
        encoder.start();
        return encoder;
    }
}
