package io.memfis.tools;

import io.memfis.fs.meta.PoolRecord;
import io.memfis.layout.Keys;
import io.memfis.store.Store;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Moves a namespace from one pool of servers (or hash) to another: copies each key whose
 * server changes, and only those, to its new server, then records the new pool on every
 * server of both; {@link #finish} then deletes the copies left on the old servers. Copies are
 * plain sets of what the old server holds, so a second run after a kill completes the first.
 * nginx with the old upstream keeps finding every key until the finish, nginx with the new
 * one from the end of the copy. Mounts must not write meanwhile: a key that changed during
 * the copy is copied again, and the run fails if it keeps changing.
 */
public final class Rebalance {

    private static final int BATCH = 500;
    private static final int ROUNDS = 3;

    /** Keys and bytes that move from one server to another. */
    public record Move(String from, String to, long keys, long bytes) {
    }

    /** What a run did (or, dry, would do). */
    public record Result(long keys, List<Move> moves) {
        public long moved() {
            return moves.stream().mapToLong(Move::keys).sum();
        }

        public long bytes() {
            return moves.stream().mapToLong(Move::bytes).sum();
        }
    }

    private final Store from;
    private final Store to;
    private final Keys keys;

    private Rebalance(Store from, Store to, Keys keys) {
        this.from = from;
        this.to = to;
        this.keys = keys;
    }

    /**
     * For the namespace of {@code keys} on {@code from}, recorded there (or already moved:
     * recorded on {@code to}).
     *
     * @throws ToolException when the namespace is recorded on neither pool
     */
    public static Rebalance of(Store from, Store to, Keys keys) {
        PoolRecord old = PoolRecord.of(from, keys);
        List<PoolRecord.Copy> copies = old.read();
        if (copies.stream().noneMatch(c -> c.state() == PoolRecord.State.PRESENT)) {
            throw new ToolException("namespace " + keys.prefix() + " has no pool record on " + old.text()
                    + ": mount it once with these servers (it records them), or give the servers it lives on");
        }
        var wrong = old.mismatch(copies, keys.prefix());
        if (wrong.isPresent() && PoolRecord.of(to, keys).mismatch(copies, keys.prefix()).isPresent()) {
            throw new ToolException(wrong.get());
        }
        return new Rebalance(from, to, keys);
    }

    /** Counts what would move, per pair of servers, reading the values for their sizes. */
    public Result dryRun(Consumer<String> progress) {
        return pass(progress, false);
    }

    /** Copies what moves, checks it did not change meanwhile, then records the new pool. */
    public Result run(Consumer<String> progress) {
        Result r = pass(progress, true);
        PoolRecord fresh = PoolRecord.of(to, keys);
        byte[] text = fresh.text().getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < to.serverCount(); i++) {
            fresh.write(i);
        }
        for (int i = 0; i < from.serverCount(); i++) {
            from.setOn(i, keys.pool(), text);
        }
        return r;
    }

    /**
     * Deletes, from the old servers, the copies of keys that moved: after nginx was
     * reloaded with the new upstream. Refused until the copy has recorded the new pool.
     */
    public long finish(Consumer<String> progress) {
        PoolRecord fresh = PoolRecord.of(to, keys);
        List<PoolRecord.Copy> copies = fresh.read();
        if (fresh.mismatch(copies, keys.prefix()).isPresent()
                || copies.stream().noneMatch(c -> c.state() == PoolRecord.State.PRESENT)) {
            throw new ToolException("namespace " + keys.prefix() + " is not recorded on the new servers yet: "
                    + "run memfis rebalance without --finish first");
        }
        List<String> moving = moving();
        long deleted = 0;
        for (int at = 0; at < moving.size(); at += BATCH) {
            List<CompletableFuture<Boolean>> deletes = new ArrayList<>();
            for (String key : moving.subList(at, Math.min(moving.size(), at + BATCH))) {
                deletes.add(from.delete(key)); // the old store sends it to the old server
            }
            for (CompletableFuture<Boolean> d : deletes) {
                deleted += from.await(d) ? 1 : 0;
            }
            progress.accept("deleted old copies: " + Math.min(moving.size(), at + BATCH) + " of " + moving.size()
                    + " keys");
        }
        return deleted;
    }

    private Result pass(Consumer<String> progress, boolean copy) {
        List<String> all = namespaceKeys();
        List<String> moving = moving(all);
        Map<String, long[]> perPair = new TreeMap<>();
        Map<String, Long> tokens = new HashMap<>();
        long done = 0;
        long bytes = 0;
        for (int at = 0; at < moving.size(); at += BATCH) {
            List<String> batch = moving.subList(at, Math.min(moving.size(), at + BATCH));
            Map<String, Store.Item> items = from.await(from.getAll(batch));
            List<CompletableFuture<Long>> sets = new ArrayList<>();
            for (String key : batch) {
                Store.Item item = items.get(key);
                if (item == null) {
                    continue; // deleted since it was listed
                }
                long[] pair = perPair.computeIfAbsent(pair(key), p -> new long[2]);
                pair[0]++;
                pair[1] += item.value().length;
                bytes += item.value().length;
                if (copy) {
                    tokens.put(key, item.token());
                    sets.add(to.set(key, item.value(), item.flags()));
                }
            }
            sets.forEach(to::await);
            done += batch.size();
            progress.accept((copy ? "copied " : "counted ") + done + " of " + moving.size() + " moving keys ("
                    + bytes / (1 << 20) + " MiB), of " + all.size());
        }
        if (copy) {
            copyChanged(tokens, progress);
        }
        List<Move> moves = new ArrayList<>();
        perPair.forEach((p, n) -> {
            String[] ends = p.split(" ");
            moves.add(new Move(ends[0], ends[1], n[0], n[1]));
        });
        return new Result(all.size(), moves);
    }

    /** Copies again what changed on the old servers while it was copied; fails when it keeps changing. */
    private void copyChanged(Map<String, Long> tokens, Consumer<String> progress) {
        for (int round = 1; !tokens.isEmpty(); round++) {
            Map<String, Long> changed = new HashMap<>();
            List<String> keyList = new ArrayList<>(tokens.keySet());
            for (int at = 0; at < keyList.size(); at += BATCH) {
                List<String> batch = keyList.subList(at, Math.min(keyList.size(), at + BATCH));
                Map<String, Store.Item> now = from.await(from.getAll(batch));
                for (String key : batch) {
                    Store.Item item = now.get(key);
                    if (item == null) {
                        to.await(to.delete(key));
                    } else if (item.token() != tokens.get(key)) {
                        to.await(to.set(key, item.value(), item.flags()));
                        changed.put(key, item.token());
                    }
                }
            }
            if (changed.isEmpty()) {
                return;
            }
            if (round == ROUNDS) {
                throw new ToolException(changed.size() + " keys kept changing during the copy (" + changed.keySet()
                        .iterator().next() + ", ...): a mount writes; unmount every mount and run it again");
            }
            progress.accept("copied again " + changed.size() + " keys that changed meanwhile");
            tokens = changed;
        }
    }

    private List<String> namespaceKeys() {
        return from.keys(keys.prefix()).stream().filter(k -> keys.owns(k) && !k.equals(keys.pool())).toList();
    }

    private List<String> moving() {
        return moving(namespaceKeys());
    }

    private List<String> moving(List<String> all) {
        return all.stream().filter(k -> !oldServer(k).equals(newServer(k))).toList();
    }

    private String pair(String key) {
        return oldServer(key) + " " + newServer(key);
    }

    private String oldServer(String key) {
        return from.serverName(from.serverOf(key));
    }

    private String newServer(String key) {
        return to.serverName(to.serverOf(key));
    }
}
