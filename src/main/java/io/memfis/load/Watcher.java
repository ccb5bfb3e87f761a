package io.memfis.load;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Watches a tree with the JDK's WatchService (inotify on Linux: one watch per directory,
 * blocked in the kernel while nothing happens) and reports into {@link Changes}. A new
 * directory is watched as soon as it is reported, with everything already below it, before
 * it is handed on whole: what was put into it before its watch existed is found by the scan
 * of the batch, what comes after by the watch. A lost event (the queue overflowed, a watch
 * could not be added) asks for a whole rescan.
 */
final class Watcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Watcher.class);

    private final Path top;
    private final Changes changes;
    private final WatchService service;
    /** The directory each key watches, relative to the top; kept here because a renamed directory keeps its key. */
    private final Map<WatchKey, String> dirs = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean exhausted;

    private Watcher(Path top, Changes changes) throws IOException {
        this.top = top;
        this.changes = changes;
        this.service = FileSystems.getDefault().newWatchService();
        this.thread = new Thread(this::drain, "memfis-sync-watch");
        thread.setDaemon(true);
    }

    /** Watches every directory of {@code top} and starts reporting. */
    static Watcher start(Path top, Changes changes) throws IOException {
        Watcher w = new Watcher(top, changes);
        w.watchTree("");
        w.thread.start();
        return w;
    }

    /** Directories watched now. */
    int watched() {
        return dirs.size();
    }

    /** Whether a directory could not be watched since the last {@link #rewatch} (the kernel's limit). */
    boolean exhausted() {
        return exhausted;
    }

    /** Watches every directory again (after lost events: a directory made meanwhile may lack its watch). */
    void rewatch() {
        exhausted = false;
        watchTree("");
    }

    /** "a/b" for "a" and "b"; the name itself below the top. */
    static String child(String dir, String name) {
        return dir.isEmpty() ? name : dir + "/" + name;
    }

    private Path absolute(String relative) {
        return relative.isEmpty() ? top : top.resolve(relative);
    }

    /** Watches {@code relative} and every directory below it. */
    private synchronized void watchTree(String relative) {
        Path start = absolute(relative);
        try {
            Files.walkFileTree(start, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                    String rel = top.relativize(d).toString();
                    try {
                        WatchKey key = d.register(service, StandardWatchEventKinds.ENTRY_CREATE,
                                StandardWatchEventKinds.ENTRY_DELETE, StandardWatchEventKinds.ENTRY_MODIFY);
                        dirs.put(key, rel);
                    } catch (IOException e) {
                        if (!exhausted) {
                            log.warn("cannot watch {} ({}); rescanning instead, and again until every directory "
                                    + "is watched (raise fs.inotify.max_user_watches)", d, e.getMessage());
                        }
                        exhausted = true;
                        changes.lost(System.nanoTime());
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE; // gone meanwhile: its parent's event says so
                }
            });
        } catch (IOException e) {
            log.debug("cannot walk {}: {}", start, e.getMessage());
        }
    }

    /** Stops watching {@code relative} and what is below it (removed, or renamed away). */
    private void unwatch(String relative) {
        String below = relative + "/";
        dirs.entrySet().removeIf(e -> {
            if (e.getValue().equals(relative) || e.getValue().startsWith(below)) {
                e.getKey().cancel();
                return true;
            }
            return false;
        });
    }

    private void drain() {
        try {
            while (true) {
                WatchKey key = service.take();
                String dir = dirs.get(key);
                for (WatchEvent<?> event : key.pollEvents()) {
                    if (dir != null) {
                        handle(dir, event);
                    } else if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                        lost();
                    }
                }
                if (!key.reset()) {
                    dirs.remove(key);
                }
            }
        } catch (ClosedWatchServiceException | InterruptedException e) {
            // closed: the sync is stopping
        } catch (RuntimeException e) {
            log.error("the watch failed; rescanning", e);
            lost();
        }
    }

    private void lost() {
        log.warn("inotify's event queue overflowed (raise fs.inotify.max_queued_events); rescanning");
        changes.lost(System.nanoTime());
    }

    private void handle(String dir, WatchEvent<?> event) {
        long now = System.nanoTime();
        WatchEvent.Kind<?> kind = event.kind();
        if (kind == StandardWatchEventKinds.OVERFLOW) {
            lost();
            return;
        }
        String name = event.context().toString();
        String path = child(dir, name);
        log.debug("{} {}", kind == StandardWatchEventKinds.ENTRY_CREATE ? "created"
                : kind == StandardWatchEventKinds.ENTRY_DELETE ? "removed" : "changed", path);
        changes.touch(dir, name, now);
        if (kind == StandardWatchEventKinds.ENTRY_DELETE) {
            unwatch(path);
            changes.gone(path, now);
        } else if (kind == StandardWatchEventKinds.ENTRY_CREATE) {
            changes.came(path, now);
            if (Files.isDirectory(absolute(path), LinkOption.NOFOLLOW_LINKS)) {
                watchTree(path);
                changes.newDir(path, System.nanoTime());
            }
        }
    }

    @Override
    public void close() throws IOException {
        service.close();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
