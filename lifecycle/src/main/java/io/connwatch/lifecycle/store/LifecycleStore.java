package io.connwatch.lifecycle.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;

/**
 * The lifecycle's state on disk (an H2 MVStore file, the engine the outbox uses): maps of JSON
 * values by key, one per kind of state (alerts, groups, the notification log, acknowledgements,
 * silences). Changes are written as they happen and committed by {@link #commit}; with
 * {@code sync} the commit reaches the disk before it returns. Thread-safe.
 */
public final class LifecycleStore implements AutoCloseable {
    private final MVStore store;

    private LifecycleStore(MVStore store) {
        this.store = store;
    }

    /** Opens (or creates) {@code directory/lifecycle.mv.db}. */
    public static LifecycleStore open(Path directory) throws IOException {
        Files.createDirectories(directory);
        try {
            return new LifecycleStore(new MVStore.Builder().fileName(directory.resolve("lifecycle.mv.db").toString())
                .autoCommitDisabled().open());
        } catch (MVStoreException | IllegalStateException e) {
            // MVStoreException (a locked file, a corrupt one) is no IllegalStateException in H2 2.x
            throw new IOException("cannot open the lifecycle store in " + directory + " (is another connwatch using it?): "
                + e.getMessage(), e);
        }
    }

    /** A store that keeps nothing after close (tests, `replay`). */
    public static LifecycleStore inMemory() {
        return new LifecycleStore(new MVStore.Builder().autoCommitDisabled().open());
    }

    /** The underlying store, for parts that keep their own maps in it (silences). */
    public MVStore mvStore() {
        return store;
    }

    public void put(String map, String key, String json) {
        store.<String, String>openMap(map).put(key, json);
    }

    public String get(String map, String key) {
        return store.<String, String>openMap(map).get(key);
    }

    public void remove(String map, String key) {
        store.<String, String>openMap(map).remove(key);
    }

    /** Every entry of a map, in key order. */
    public Map<String, String> all(String map) {
        MVMap<String, String> m = store.openMap(map);
        return new LinkedHashMap<>(m);
    }

    public synchronized void commit(boolean sync) {
        if (store.hasUnsavedChanges()) {
            store.commit();
        }
        if (sync) {
            store.sync();
        }
    }

    @Override
    public void close() {
        if (!store.isClosed()) {
            store.close();
        }
    }
}
