package io.connwatch.engine.api.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin token of a service configured without tokens: generated at the first start into a
 * file only its owner may read (0600), and read again from it at later starts. Only the file's
 * path is ever logged.
 */
public final class AdminTokenFile {
    private static final Logger LOG = LoggerFactory.getLogger(AdminTokenFile.class);
    /** The name the generated token signs in as. */
    public static final String NAME = "admin";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private AdminTokenFile() {
    }

    /** The admin token in {@code file}, generated there first when the file does not exist. */
    public static ApiToken loadOrCreate(Path file) throws IOException {
        if (!Files.exists(file)) {
            try {
                create(file);
            } catch (FileAlreadyExistsException e) {
                // another process made it meanwhile: read theirs
            }
        }
        String token = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (token.length() < ApiToken.MIN_LENGTH) {
            throw new IOException(file + " holds a token shorter than " + ApiToken.MIN_LENGTH
                + " characters: delete the file to have a new token generated");
        }
        warnIfShared(file);
        LOG.info("admin token in {}", file);
        return ApiToken.of(NAME, Set.of(Role.ADMIN), token);
    }

    private static void create(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        boolean posix = file.getFileSystem().supportedFileAttributeViews().contains("posix");
        if (posix) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            // the umask may only take permissions away; make sure none were given beyond the owner's
            Files.setPosixFilePermissions(file, OWNER_ONLY);
        } else {
            Files.createFile(file);
        }
        Files.writeString(file, SessionStore.random() + "\n", StandardCharsets.UTF_8);
    }

    private static void warnIfShared(Path file) {
        try {
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
            p.retainAll(Set.of(PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ,
                PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE));
            if (!p.isEmpty()) {
                LOG.warn("{} may be read or written by others than its owner: chmod 600 it", file);
            }
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system: nothing to check
        }
    }
}
