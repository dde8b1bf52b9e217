package io.marketmesh.node.api;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The answer of a Pekko ask, as a plain {@link CompletableFuture} whose continuations run on the thread that
 * completes it.
 *
 * <p>Why: Pekko's Java asks return Scala's converted future, which runs every non-async continuation
 * ({@code thenApply}, {@code thenCompose}, {@code exceptionally}, ...) as its async twin on
 * CompletableFuture's default executor, and on a machine of two cores or fewer that executor starts a new thread per
 * continuation (the common pool has parallelism 1 there). That thread start was most of the CPU of a book query.
 * The continuations here are short (render JSON, combine answers), so they run where the reply arrives, as
 * pekko-http's own future combinators do.
 */
final class Replies {

    private Replies() {
    }

    static <T> CompletableFuture<T> of(CompletionStage<T> ask) {
        CompletableFuture<T> plain = new CompletableFuture<>();
        ask.whenCompleteAsync((value, failure) -> {
            if (failure == null) {
                plain.complete(value);
            } else {
                plain.completeExceptionally(failure);
            }
        }, Runnable::run);
        return plain;
    }
}
