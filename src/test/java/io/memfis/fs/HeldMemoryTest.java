package io.memfis.fs;

import io.memfis.fs.data.WritebackQueue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class HeldMemoryTest {

    private final WritebackQueue queue = new WritebackQueue(1_000_000);
    private final HeldMemory memory = new HeldMemory(queue);

    @AfterEach
    void close() {
        queue.close();
    }

    @Test
    void aFileClosedAgainGrowsItsHoldInsteadOfReservingBesideIt() {
        memory.hold(7, 1024);
        memory.topUp(7, 301_024);
        assertEquals(301_024, queue.inUse());
        memory.topUp(7, 2048);
        assertEquals(301_024, queue.inUse(), "a hold never shrinks before its store is made");
        memory.free(7);
        assertEquals(0, queue.inUse());
        memory.topUp(7, 5000);
        assertEquals(0, queue.inUse(), "a file no longer held reserves nothing");
    }

    @Test
    void growingAHoldWaitsAtTheCapLikeANewOne() throws Exception {
        memory.hold(1, 600_000);
        memory.hold(2, 1024);
        CompletableFuture<Void> grow = CompletableFuture.runAsync(() -> memory.topUp(2, 600_000));
        // the top-up blocks in the queue: nothing to poll but that it is still not done
        Thread.sleep(200);
        assertFalse(grow.isDone(), "a top-up past the cap waits");
        memory.free(1);
        grow.get(10, TimeUnit.SECONDS);
        assertEquals(600_000, queue.inUse());
        memory.free(2);
        assertEquals(0, queue.inUse());
    }

    @Test
    void aTopUpThatEndsAfterTheHoldGivesItsShareBack() throws Exception {
        memory.hold(1, 900_000);
        memory.hold(2, 50_000);
        CompletableFuture<Void> grow = CompletableFuture.runAsync(() -> memory.topUp(2, 200_000));
        Thread.sleep(200); // as above
        memory.free(2);
        memory.free(1);
        grow.get(10, TimeUnit.SECONDS);
        assertEquals(0, queue.inUse(), "the late top-up's share went back");
    }
}
