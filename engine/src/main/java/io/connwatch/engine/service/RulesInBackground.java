package io.connwatch.engine.service;

import io.connwatch.engine.config.ConnwatchConfig;
import io.connwatch.engine.rules.RuleCompilationException;
import io.connwatch.engine.rules.RuleSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The configured rules, loaded and checked on a thread of their own while the caller starts
 * other parts, and handed over (or their compile problems thrown) by {@link #get}.
 */
final class RulesInBackground {
    private final CompletableFuture<RuleSet> loading;

    private RulesInBackground(CompletableFuture<RuleSet> loading) {
        this.loading = loading;
    }

    static RulesInBackground start(ConnwatchConfig config) {
        CompletableFuture<RuleSet> loading = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                loading.complete(EngineAssembly.rules(config));
            } catch (RuleCompilationException | RuntimeException | Error e) {
                loading.completeExceptionally(e);
            }
        }, "connwatch-rules-compile");
        t.setDaemon(true);
        t.start();
        return new RulesInBackground(loading);
    }

    /** The loaded rules; waits for them. */
    RuleSet get() throws RuleCompilationException {
        try {
            return loading.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuleCompilationException r) {
                throw r;
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }
}
