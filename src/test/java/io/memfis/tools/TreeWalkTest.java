package io.memfis.tools;

import io.memfis.fs.FsException;
import io.memfis.fs.FsOptions;
import io.memfis.fs.MemFs;
import io.memfis.layout.Attributes;
import io.memfis.store.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TreeWalkTest {

    private final Stores.InMemory store = Stores.inMemory(64 * 1024);
    private final MemFs fs = MemFs.open(store, FsOptions.defaults("walk")
            .withAttrTimeout(Duration.ZERO).withHealthInterval(Duration.ZERO));

    @AfterEach
    void close() {
        fs.close();
    }

    @Test
    void visitsEveryPathSortedEachDirectoryJustBeforeWhatItHolds() {
        for (String dir : List.of("/b", "/a", "/a/y", "/a/x", "/c")) {
            fs.mkdir(dir, 0755, 0, 0);
        }
        for (String file : List.of("/z", "/a/y/2", "/a/y/1", "/a/0", "/c/c")) {
            fs.release(fs.create(file, 0644, 0, 0, 1), file);
        }
        assertEquals(List.of("/a", "/a/0", "/a/x", "/a/y", "/a/y/1", "/a/y/2", "/b", "/c", "/c/c", "/z"), walk("/"));
        assertEquals(List.of("/a/y/1", "/a/y/2"), walk("/a/y"));
    }

    @Test
    void reportsAMissingRecordAndAnUnreadableListingAndGoesOn() {
        fs.mkdir("/broken", 0755, 0, 0);
        fs.release(fs.create("/broken/f", 0644, 0, 0, 1), "/broken/f");
        fs.release(fs.create("/gone", 0644, 0, 0, 1), "/gone");
        fs.release(fs.create("/ok", 0644, 0, 0, 1), "/ok");
        store.evict(fs.keys().dirPage("/broken", 0));
        store.evict(fs.keys().record("/gone"));
        List<String> events = new ArrayList<>();
        TreeWalk.walk(fs, "/", new TreeWalk.Visitor() {
            @Override
            public void visit(String path, Attributes attributes) {
                events.add(path);
            }

            @Override
            public void missing(String path) {
                events.add("missing " + path);
            }

            @Override
            public void unreadable(String directory, FsException e) {
                events.add("unreadable " + directory);
            }
        });
        assertEquals(List.of("/broken", "unreadable /broken", "missing /gone", "/ok"), events);
    }

    @Test
    void aStoreThatFailsEndsTheWalk() {
        fs.mkdir("/a", 0755, 0, 0);
        store.breakDown();
        assertThrows(FsException.class, () -> walk("/"));
    }

    private List<String> walk(String start) {
        List<String> paths = new ArrayList<>();
        TreeWalk.walk(fs, start, new TreeWalk.Visitor() {
            @Override
            public void visit(String path, Attributes attributes) {
                paths.add(path);
            }

            @Override
            public void missing(String path) {
                throw new AssertionError("missing " + path);
            }

            @Override
            public void unreadable(String directory, FsException e) {
                throw new AssertionError("unreadable " + directory, e);
            }
        });
        return paths;
    }
}
