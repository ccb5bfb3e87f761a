package io.memfis.fs;

import io.memfis.store.ServerStats;
import io.memfis.store.Store;
import io.memfis.store.StoreException;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A store that can stop one get or multi-get after it has read and before it answers,
 * or one compare-and-swap, add or set before it is sent (a compare-and-swap also once applied, before
 * it answers), so that a test can run another operation
 * in exactly that gap: races made deterministic.
 * It also counts the read requests, for tests of what a cache saves, and can claim not to
 * keep requests in order, so that the code for several servers runs on one, and can refuse
 * to store some keys as a full memcached does, and count the writes of some keys.
 */
final class PausingStore implements Store {

    private final Store store;
    private volatile Predicate<Collection<String>> trap;
    private volatile Predicate<String> casTrap;
    private volatile Predicate<String> appliedCasTrap;
    private volatile Predicate<String> getTrap;
    private volatile Predicate<String> addTrap;
    private volatile Predicate<String> setTrap;
    private volatile Predicate<String> full = key -> false;
    private final CountDownLatch reached = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);
    private final AtomicLong reads = new AtomicLong();
    private volatile Predicate<String> counted = key -> false;
    private final AtomicLong countedWrites = new AtomicLong();
    private volatile boolean unordered;

    PausingStore(Store store) {
        this.store = store;
    }

    /** The next multi-get whose keys match will wait, having read, until {@link #release}. */
    void pauseGetAll(Predicate<Collection<String>> keys) {
        trap = keys;
    }

    /** The next get of a matching key will wait, having read, until {@link #release}. */
    void pauseGet(Predicate<String> key) {
        getTrap = key;
    }

    /** The next compare-and-swap of a matching key will wait, before it is applied, until {@link #release}. */
    void pauseCas(Predicate<String> key) {
        casTrap = key;
    }

    /** The next add of a matching key will wait, before it is sent, until {@link #release}. */
    void pauseAdd(Predicate<String> key) {
        addTrap = key;
    }

    /** The next set of a matching key will wait, before it is sent, until {@link #release}. */
    void pauseSet(Predicate<String> key) {
        setTrap = key;
    }

    /** The next compare-and-swap of a matching key will wait, once applied and before it answers, until {@link #release}. */
    void pauseAfterCas(Predicate<String> key) {
        appliedCasTrap = key;
    }

    /** From now on, sets of matching keys fail with out of memory. */
    void refuseSets(Predicate<String> keys) {
        full = keys;
    }

    /** Waits until the paused request has come. */
    void awaitPaused() throws InterruptedException {
        if (!reached.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("the request to pause never came");
        }
    }

    void release() {
        released.countDown();
    }

    /** From now on counts the writes (set, add, compare-and-swap) of matching keys. */
    void countWrites(Predicate<String> keys) {
        counted = keys;
    }

    long countedWrites() {
        return countedWrites.get();
    }

    private void written(String key) {
        if (counted.test(key)) {
            countedWrites.incrementAndGet();
        }
    }

    /** Read requests (get and multi-get) so far. */
    long reads() {
        return reads.get();
    }

    @Override
    public CompletableFuture<Map<String, Item>> getAll(Collection<String> keys) {
        reads.incrementAndGet();
        CompletableFuture<Map<String, Item>> answer = store.getAll(keys);
        Predicate<Collection<String>> t = trap;
        if (t != null && t.test(keys)) {
            trap = null;
            answer.join();
            pause();
        }
        return answer;
    }

    private void pause() {
        reached.countDown();
        try {
            if (!released.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("the paused request was never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public CompletableFuture<Item> get(String key) {
        reads.incrementAndGet();
        CompletableFuture<Item> answer = store.get(key);
        Predicate<String> t = getTrap;
        if (t != null && t.test(key)) {
            getTrap = null;
            answer.join();
            pause();
        }
        return answer;
    }

    @Override
    public CompletableFuture<OptionalLong> add(String key, byte[] value) {
        written(key);
        Predicate<String> t = addTrap;
        if (t != null && t.test(key)) {
            addTrap = null;
            pause();
        }
        return store.add(key, value);
    }

    @Override
    public CompletableFuture<OptionalLong> cas(String key, long token, byte[] value) {
        written(key);
        Predicate<String> t = casTrap;
        if (t != null && t.test(key)) {
            casTrap = null;
            pause();
        }
        CompletableFuture<OptionalLong> answer = store.cas(key, token, value);
        Predicate<String> after = appliedCasTrap;
        if (after != null && after.test(key)) {
            appliedCasTrap = null;
            answer.join();
            pause();
        }
        return answer;
    }

    @Override
    public CompletableFuture<Long> set(String key, byte[] value, int flags) {
        written(key);
        Predicate<String> t = setTrap;
        if (t != null && t.test(key)) {
            setTrap = null;
            pause();
        }
        if (full.test(key)) {
            return CompletableFuture.failedFuture(new StoreException(StoreException.Kind.OUT_OF_MEMORY,
                    "SERVER_ERROR out of memory storing object"));
        }
        return store.set(key, value, flags);
    }

    @Override
    public CompletableFuture<Boolean> delete(String key) {
        return store.delete(key);
    }

    @Override
    public CompletableFuture<Long> incr(String key, long by, long initial) {
        return store.incr(key, by, initial);
    }

    @Override
    public boolean preservesOrder() {
        return store.preservesOrder() && !unordered;
    }

    /** From now on says that requests may be applied out of order, as with several servers. */
    PausingStore sayUnordered() {
        unordered = true;
        return this;
    }

    @Override
    public int maxValueSize() {
        return store.maxValueSize();
    }

    @Override
    public List<ServerStats> stats() {
        return store.stats();
    }

    @Override
    public List<String> keys(String prefix) {
        return store.keys(prefix);
    }

    @Override
    public <T> T await(CompletableFuture<T> future) {
        return store.await(future);
    }

    @Override
    public void close() {
        store.close();
    }
}
