package io.connwatch.engine.service;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes what was pushed onto it in the reverse order of pushing: push each part right after it
 * started, and one {@link #close()} undoes a start that failed halfway as well as a whole run.
 * A closer that fails is logged and the others still run; closing again does nothing.
 */
final class CleanupStack implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CleanupStack.class);

    /** Undoes one started part. */
    @FunctionalInterface
    interface Closer {
        void close() throws Exception;
    }

    private record Named(String name, Closer closer) {
    }

    private final Deque<Named> closers = new ArrayDeque<>();
    private boolean closed;

    /**
     * Adds the closer of a part that has just started.
     *
     * @param name what it closes, for the log when it fails
     * @throws IllegalStateException when the stack is already closed (the caller closes the part itself)
     */
    synchronized void push(String name, Closer closer) {
        if (closed) {
            throw new IllegalStateException("already closed: cannot add " + name);
        }
        closers.push(new Named(name, closer));
    }

    /** Pushes a resource's own {@code close()} and hands the resource back. */
    <T extends AutoCloseable> T add(String name, T resource) {
        push(name, resource::close);
        return resource;
    }

    /** Runs every closer, the last pushed first; a failing closer is logged and the rest still run. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        while (!closers.isEmpty()) {
            Named next = closers.pop();
            try {
                next.closer().close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                LOG.error("closing {} was interrupted", next.name(), e);
            } catch (Exception e) {
                LOG.error("closing {} failed", next.name(), e);
            }
        }
    }
}
