package dev.zinc;

import static dev.zinc.TestSupport.shmPath;
import static dev.zinc.TestSupport.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Use after close, double close, close while views live, close racing other threads. */
class LifetimeTest {
    @AfterAll
    static void noLeaks() {
        TestSupport.assertNoLeaks();
    }

    /** A view used after close: the JDK's IllegalStateException, never unmapped memory. */
    static void closedError(Executable call) {
        IllegalStateException e = assertThrows(IllegalStateException.class, call);
        assertTrue(e.getMessage() != null && !e.getMessage().isEmpty());
    }

    /** A call after close: the core's -9 with its message. */
    static void closedCode(Executable call) {
        ZincException.Closed e = assertThrows(ZincException.Closed.class, call);
        assertEquals(-9, e.code());
        assertEquals(ZincError.CLOSED, e.error());
        assertEquals(Native.strerror(-9), e.getMessage());
    }

    @Test
    void everyCallAndEveryViewFailsCleanlyAfterClose() {
        String name = uniqueName();
        SharedRegion r = SharedRegion.create(name, 8192);
        MemorySegment seg = r.segment();
        MemorySegment slice = seg.asSlice(4096, 16);
        ByteBuffer whole = r.buffer();
        ByteBuffer window = r.buffer(100, 10);
        ByteBuffer dup = whole.duplicate();
        seg.set(ValueLayout.JAVA_INT, 0, 5);
        r.close();
        assertTrue(r.isClosed());
        assertFalse(Files.exists(shmPath(name)));

        closedError(() -> seg.get(ValueLayout.JAVA_INT, 0));
        closedError(() -> seg.set(ValueLayout.JAVA_INT, 0, 1));
        closedError(() -> slice.get(ValueLayout.JAVA_BYTE, 0));
        closedError(() -> seg.fill((byte) 1));
        closedError(() -> MemorySegment.copy(seg, 0, MemorySegment.ofArray(new byte[8]), 0, 8));
        closedError(() -> whole.get(0));
        closedError(() -> whole.put(0, (byte) 1));
        closedError(() -> window.getInt(0));
        closedError(() -> dup.get(8191));
        closedError(() -> whole.get(new byte[16]));
        r.signal(); // a no-op, like zinc_notify on a closed handle
        closedCode(() -> r.await(0));
        closedCode(() -> r.await(10));
        closedCode(r::await);
        assertEquals(0, r.capacity());
        closedCode(r::segment);
        closedCode(r::buffer);
        closedCode(() -> r.buffer(0, 1));
        assertFalse(seg.scope().isAlive());
        assertTrue(r.toString().contains("closed"));
    }

    @Test
    void doubleCloseIsANoOp() {
        String name = uniqueName();
        SharedRegion r = SharedRegion.create(name, 4096);
        r.close();
        r.close();
        r.close();
        assertTrue(r.isClosed());
        // a new region of the same name is not disturbed by closing the old object again
        try (SharedRegion again = SharedRegion.create(name, 4096)) {
            r.close();
            again.signal();
            assertTrue(again.await(0));
            assertTrue(Files.exists(shmPath(name)));
        }
    }

    @Test
    void closeWhileAnotherThreadAwaitsForever() throws Exception {
        String name = uniqueName();
        SharedRegion r = SharedRegion.create(name, 4096);
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread waiter = new Thread(() -> {
            started.countDown();
            try {
                outcome.complete(new AssertionError("await returned " + r.await(SharedRegion.FOREVER)));
            } catch (Throwable t) {
                outcome.complete(t);
            }
        });
        waiter.start();
        started.await();
        Thread.sleep(200); // inside the zinc_wait downcall by now
        long t0 = System.nanoTime();
        assertTimeoutPreemptively(Duration.ofSeconds(2), r::close, "close must not hang on a waiter");
        Throwable t = outcome.get(2, TimeUnit.SECONDS); // the core wakes the waiter: no slicing
        assertTrue(System.nanoTime() - t0 < 2_000_000_000L, "the waiter got its error within 2 s");
        assertInstanceOf(ZincException.Closed.class, t, String.valueOf(t));
        assertEquals(-9, ((ZincException) t).code());
        assertEquals(Native.strerror(-9), t.getMessage());
        waiter.join();
        assertFalse(Files.exists(shmPath(name)));
    }

    @Test
    void closeWhileOtherThreadsReadWriteAndSignal() throws Exception {
        String name = uniqueName();
        SharedRegion r = SharedRegion.create(name, 1 << 20);
        int threads = 4;
        CountDownLatch running = new CountDownLatch(threads);
        AtomicLong work = new AtomicLong();
        java.util.List<CompletableFuture<Throwable>> ends = new java.util.ArrayList<>();
        for (int k = 0; k < threads; k++) {
            final int kind = k;
            ends.add(new CompletableFuture<>());
            Thread t = new Thread(() -> {
                MemorySegment s = r.segment();
                ByteBuffer b = r.buffer();
                running.countDown();
                try {
                    while (true) {
                        switch (kind) {
                            case 0 -> { // read the whole region through the segment
                                long sum = 0;
                                for (long i = 0; i < s.byteSize(); i += 8) {
                                    sum += s.get(ValueLayout.JAVA_LONG, i);
                                }
                                work.addAndGet(sum | 1);
                            }
                            case 1 -> { // write through the ByteBuffer
                                for (int i = 0; i < b.capacity(); i += 8) {
                                    b.putLong(i, i);
                                }
                                work.incrementAndGet();
                            }
                            case 2 -> { // bulk copy
                                s.fill((byte) 3);
                                work.incrementAndGet();
                            }
                            default -> { // downcalls
                                r.signal();
                                r.await(0);
                                work.incrementAndGet();
                            }
                        }
                    }
                } catch (Throwable e) {
                    ends.get(kind).complete(e);
                }
            });
            t.start();
        }
        running.await();
        while (work.get() < 20) {
            Thread.onSpinWait();
        }
        r.close();
        for (int k = 0; k < threads; k++) {
            Throwable t = ends.get(k).get(20, TimeUnit.SECONDS);
            // views throw the JDK's IllegalStateException; await on the closed handle the core's -9
            Class<? extends Throwable> want = k < 3 ? IllegalStateException.class : ZincException.Closed.class;
            assertTrue(want.isInstance(t), k + ": " + t);
        }
        assertFalse(Files.exists(shmPath(name)));
    }

    @Test
    void creatorCloseWhileAnOpenerLivesKeepsTheRegionForTheOpener() {
        String name = uniqueName();
        SharedRegion creator = SharedRegion.create(name, 4096);
        SharedRegion opener = SharedRegion.open(name);
        creator.segment().set(ValueLayout.JAVA_INT, 0, 77);
        creator.close();
        assertTrue(Files.exists(shmPath(name)), "no region is removed while a handle is open");
        assertEquals(77, opener.segment().get(ValueLayout.JAVA_INT, 0));
        opener.segment().set(ValueLayout.JAVA_INT, 0, 78);
        opener.close();
        assertFalse(Files.exists(shmPath(name)), "the last handle out removes the name");
    }

    @Test
    void viewsOfOneHandleSurviveClosingAnotherHandle() {
        String name = uniqueName();
        try (SharedRegion a = SharedRegion.create(name, 4096)) {
            SharedRegion b = SharedRegion.open(name);
            MemorySegment bs = b.segment();
            b.close();
            closedError(() -> bs.get(ValueLayout.JAVA_BYTE, 0));
            a.segment().set(ValueLayout.JAVA_BYTE, 0, (byte) 1);
            assertEquals(1, a.buffer().get(0));
        }
    }
}
