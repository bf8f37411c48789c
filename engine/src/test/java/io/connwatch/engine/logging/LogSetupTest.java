package io.connwatch.engine.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** connwatch's logging as logback.xml set it up before: standard error, text or JSON lines, levels from the environment. */
class LogSetupTest {
    private static LoggerContext configured(Map<String, String> settings) {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter()); // as logback's service provider does
        LogSetup setup = new LogSetup(settings::get);
        setup.setContext(context);
        assertEquals(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY, setup.configure(context));
        return context;
    }

    @SuppressWarnings("unchecked")
    private static String encode(LoggerContext context, String message, Throwable thrown) {
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        ConsoleAppender<ILoggingEvent> stderr = (ConsoleAppender<ILoggingEvent>) root.getAppender("STDERR");
        assertEquals("System.err", stderr.getTarget());
        assertTrue(stderr.isStarted());
        LoggingEvent event = new LoggingEvent(LogSetupTest.class.getName(), context.getLogger("io.connwatch.engine.service.ConnwatchService"),
            Level.INFO, message, thrown, null);
        event.setThreadName("main");
        event.setTimeStamp(1_764_567_900_123L);
        return new String(stderr.getEncoder().encode(event), StandardCharsets.UTF_8);
    }

    @Test
    void textIsOneLinePerEventInUtcWithLineBreaksFoldedAndTheStackTraceIndented() {
        LoggerContext context = configured(Map.of());
        assertEquals("2025-12-01T05:45:00.123Z INFO  [main] i.c.e.s.ConnwatchService - two lines\n",
            encode(context, "two\r\nlines", null));
        String withTrace = encode(context, "failed", new IllegalStateException("boom"));
        assertTrue(withTrace.startsWith("2025-12-01T05:45:00.123Z INFO  [main] i.c.e.s.ConnwatchService - failed\n"
            + "    java.lang.IllegalStateException: boom\n    \tat "), withTrace);
    }

    @Test
    void jsonIsOneObjectPerLineWithoutSequenceNumbersNanosecondsOrContext() {
        String line = encode(configured(Map.of("CONNWATCH_LOG_FORMAT", " JSON ")), "hello\nthere", null);
        assertTrue(line.startsWith("{") && line.endsWith("}\n") && line.indexOf('\n') == line.length() - 1, line);
        assertTrue(line.contains("\"level\":\"INFO\"") && line.contains("\"threadName\":\"main\"") && line.contains("hello\\nthere"), line);
        assertFalse(line.contains("sequenceNumber") || line.contains("nanoseconds") || line.contains("\"context\""), line);
    }

    @Test
    void theLevelComesFromTheSettingAndAnUnreadableOneMeansInfo() {
        assertEquals(Level.INFO, configured(Map.of()).getLogger(Logger.ROOT_LOGGER_NAME).getLevel());
        assertEquals(Level.DEBUG, configured(Map.of("CONNWATCH_LOG_LEVEL", "debug ")).getLogger(Logger.ROOT_LOGGER_NAME).getLevel());
        assertEquals(Level.INFO, configured(Map.of("CONNWATCH_LOG_LEVEL", "loud")).getLogger(Logger.ROOT_LOGGER_NAME).getLevel());
    }

    @Test
    void librariesAreQuietedAsBefore() {
        LoggerContext context = configured(Map.of("CONNWATCH_LOG_LEVEL", "DEBUG"));
        assertEquals(Level.WARN, context.getLogger("org.drools").getLevel());
        assertEquals(Level.OFF, context.getLogger("org.drools.compiler.kie.builder.impl.KieProject").getLevel());
        assertEquals(Level.ERROR, context.getLogger("org.drools.base.rule.EvalCondition").getLevel());
        assertEquals(Level.WARN, context.getLogger("org.apache.kafka.clients.producer.ProducerConfig").getEffectiveLevel());
        assertEquals(Level.DEBUG, context.getLogger("io.connwatch.engine.rules.RuleEngine").getEffectiveLevel());
    }

    @Test
    void anUnknownFormatLogsTextAndSaysSo() {
        LoggerContext context = configured(Map.of("CONNWATCH_LOG_FORMAT", "xml"));
        assertTrue(encode(context, "x", null).startsWith("2025-12-01T05:45:00.123Z INFO "));
    }

    @Test
    void aUsersOwnLogbackFileWins() {
        String before = System.getProperty("logback.configurationFile");
        System.setProperty("logback.configurationFile", "/nonexistent/logback.xml");
        try {
            LoggerContext context = new LoggerContext();
            LogSetup setup = new LogSetup(Map.<String, String>of()::get);
            setup.setContext(context);
            assertEquals(ExecutionStatus.INVOKE_NEXT_IF_ANY, setup.configure(context));
            assertNull(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR"));
        } finally {
            if (before == null) {
                System.clearProperty("logback.configurationFile");
            } else {
                System.setProperty("logback.configurationFile", before);
            }
        }
    }

    @Test
    void logbackFindsItAsAService() {
        assertTrue(ServiceLoader.load(ch.qos.logback.classic.spi.Configurator.class).stream()
            .anyMatch(p -> p.type() == LogSetup.class));
    }
}
