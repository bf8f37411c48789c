package io.connwatch.engine.api.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The admin token of a service without configured tokens: made once, owner-only, reused, and only its path logged. */
class AdminTokenFileTest {
    @TempDir
    Path tmp;

    @Test
    void theFirstStartWritesAnOwnerOnlyFileAndLaterStartsReuseIt() throws Exception {
        Path file = tmp.resolve("data").resolve("admin-token");
        Logger log = (Logger) LoggerFactory.getLogger(AdminTokenFile.class);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        log.addAppender(logs);
        ApiToken first;
        try {
            first = AdminTokenFile.loadOrCreate(file);
        } finally {
            log.detachAppender(logs);
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        String token = Files.readString(file).strip();
        assertTrue(token.matches("[A-Za-z0-9_-]{43}"), "32 random bytes: " + token.length() + " characters");
        assertEquals("admin", first.name());
        assertEquals(Set.of(Role.ADMIN), first.roles());
        assertTrue(new TokenVerifier(List.of(first)).verify(token).isPresent());
        assertEquals(List.of("admin token in " + file), logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList());

        assertEquals(first, AdminTokenFile.loadOrCreate(file), "the same token at the next start");
        assertEquals(token, Files.readString(file).strip());
    }

    @Test
    void aFileHoldingTooShortATokenIsRefusedWithoutShowingIt() throws Exception {
        Path file = tmp.resolve("admin-token");
        Files.writeString(file, "hunter2\n");
        IOException e = assertThrows(IOException.class, () -> AdminTokenFile.loadOrCreate(file));
        assertEquals(file + " holds a token shorter than 24 characters: delete the file to have a new token generated", e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"));
    }

    @Test
    void onlyAServiceWithoutConfiguredTokensGeneratesOne() throws Exception {
        Path file = tmp.resolve("admin-token");
        HttpSecurity.Settings configured = new HttpSecurity.Settings(AllowedHosts.LOOPBACK, TestTokens.all(), file,
            HttpSecurity.Settings.DEFAULT_SESSION_TTL, 10, 20, null);
        HttpSecurity.start(configured);
        assertFalse(Files.exists(file), "configured tokens: no admin token");
        HttpSecurity.start(new HttpSecurity.Settings(AllowedHosts.LOOPBACK, List.of(), file, HttpSecurity.Settings.DEFAULT_SESSION_TTL, 10,
            20, null));
        assertTrue(Files.exists(file));
    }
}
