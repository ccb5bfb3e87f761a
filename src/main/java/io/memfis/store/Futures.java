package io.memfis.store;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** {@link Store#await} for every store, so that all of them fail the same way. */
final class Futures {

    private Futures() {
    }

    /**
     * Waits at most {@code timeout}. A {@link StoreException} is thrown again (with the
     * caller's stack, the original as cause); a timeout, a cancellation or an interrupt is
     * {@link StoreException.Kind#UNAVAILABLE}; an unchecked exception that a caller's own
     * stage threw passes unchanged; anything else is {@link StoreException.Kind#FAILED}.
     */
    static <T> T await(CompletableFuture<T> future, Duration timeout) {
        try {
            return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(false);
            throw new StoreException(StoreException.Kind.UNAVAILABLE,
                    "no answer within " + timeout.toMillis() + " ms", e);
        } catch (CancellationException e) {
            throw new StoreException(StoreException.Kind.UNAVAILABLE, "the operation was cancelled", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException(StoreException.Kind.UNAVAILABLE, "interrupted while waiting", e);
        } catch (ExecutionException e) {
            Throwable cause = unwrap(e.getCause());
            if (cause instanceof StoreException s) {
                throw new StoreException(s.kind(), s.getMessage(), s);
            }
            if (cause instanceof CancellationException) {
                throw new StoreException(StoreException.Kind.UNAVAILABLE, "the operation was cancelled", cause);
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new StoreException(StoreException.Kind.FAILED, String.valueOf(cause), cause);
        }
    }

    static <T> CompletableFuture<T> failed(StoreException e) {
        return CompletableFuture.failedFuture(e);
    }

    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
