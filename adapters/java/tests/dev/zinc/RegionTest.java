package dev.zinc;

import static dev.zinc.TestSupport.shmPath;
import static dev.zinc.TestSupport.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The API in one process: views, zero-copy, notify/await, timeouts. */
@SuppressWarnings("restricted")
class RegionTest {
    @AfterAll
    static void noLeaks() {
        TestSupport.assertNoLeaks();
    }

    @Test
    void createOpenAndProperties() {
        String name = uniqueName();
        try (SharedRegion a = SharedRegion.create(name, 8192)) {
            assertTrue(Files.exists(shmPath(name)));
            assertEquals(8192, a.capacity());
            assertEquals(name, a.name());
            assertTrue(a.isCreator());
            assertFalse(a.isClosed());
            assertEquals(8192, a.segment().byteSize());
            try (SharedRegion b = SharedRegion.open(name)) {
                assertEquals(8192, b.capacity());
                assertFalse(b.isCreator());
            }
            assertTrue(Files.exists(shmPath(name)), "an opener's close must not remove the region");
        }
        assertFalse(Files.exists(shmPath(name)), "the creator's close (last handle) removes the name");
    }

    @Test
    void segmentIsZeroCopyAcrossHandlesBuffersAndTheNativePointer() throws Throwable {
        String name = uniqueName();
        try (SharedRegion a = SharedRegion.create(name, 4096); SharedRegion b = SharedRegion.open(name)) {
            a.segment().set(ValueLayout.JAVA_INT, 100, 0x01020304);
            assertEquals(0x01020304, b.segment().get(ValueLayout.JAVA_INT, 100));
            ByteBuffer buf = b.buffer();
            assertTrue(buf.isDirect());
            assertEquals(ByteOrder.nativeOrder(), buf.order());
            assertEquals(4096, buf.capacity());
            assertEquals(0x01020304, buf.getInt(100));
            buf.put(7, (byte) 0x7F);
            assertEquals(0x7F, a.segment().get(ValueLayout.JAVA_BYTE, 7));

            // the raw pointer the core hands out (zinc_ptr) is the view's address: writes through
            // that native pointer show in the view and vice versa
            MemorySegment p = (MemorySegment) Native.PTR_OF.invokeExact(handleOf(a));
            assertEquals(p.address(), a.segment().address());
            MemorySegment raw = p.reinterpret(4096);
            raw.set(ValueLayout.JAVA_LONG, 4088, -2L);
            assertEquals(-2L, b.segment().get(ValueLayout.JAVA_LONG, 4088));
            b.segment().set(ValueLayout.JAVA_SHORT, 0, (short) 0x1234);
            assertEquals((short) 0x1234, raw.get(ValueLayout.JAVA_SHORT, 0));
            assertEquals(4096L, (long) Native.CAPACITY.invokeExact(handleOf(a)));
        }
    }

    @Test
    void windowedBuffers() {
        String name = uniqueName();
        try (SharedRegion r = SharedRegion.create(name, 3 * 4096)) {
            ByteBuffer w = r.buffer(4096, 100);
            assertEquals(100, w.capacity());
            assertEquals(ByteOrder.nativeOrder(), w.order());
            w.put(0, (byte) 42);
            w.put(99, (byte) 43);
            assertEquals(42, r.segment().get(ValueLayout.JAVA_BYTE, 4096));
            assertEquals(43, r.segment().get(ValueLayout.JAVA_BYTE, 4195));
            assertEquals(3 * 4096, r.buffer(0, 3 * 4096).capacity());
            assertEquals(1, r.buffer(3 * 4096 - 1, 1).capacity());
            assertThrows(IndexOutOfBoundsException.class, () -> w.get(100));
            assertThrows(IndexOutOfBoundsException.class, () -> r.buffer(3 * 4096 - 10, 11));
            assertThrows(IndexOutOfBoundsException.class, () -> r.buffer(-1, 10));
            assertThrows(IndexOutOfBoundsException.class, () -> r.buffer(0, -1));
            assertThrows(IndexOutOfBoundsException.class, () -> r.buffer(Long.MAX_VALUE, 1));
            assertThrows(IndexOutOfBoundsException.class, () -> r.segment().get(ValueLayout.JAVA_BYTE, 3 * 4096));
        }
    }

    @Test
    void bufferRefusesRegionsOf2GiBOrMoreButWindowsWork() {
        long cap = (1L << 31); // 2 GiB: one byte more than a ByteBuffer can index
        org.junit.jupiter.api.Assumptions.assumeTrue(SHM.toFile().getUsableSpace() > cap + (1L << 30),
                "needs > 3 GiB free in /dev/shm");
        String name = uniqueName();
        try (SharedRegion r = SharedRegion.create(name, cap)) {
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, r::buffer);
            assertTrue(e.getMessage().contains("2 GiB"), e.getMessage());
            ByteBuffer tail = r.buffer(cap - 4096, 4096);
            tail.put(4095, (byte) 9);
            assertEquals(9, r.segment().get(ValueLayout.JAVA_BYTE, cap - 1));
            assertEquals(cap, r.segment().byteSize());
        }
    }

    private static final java.nio.file.Path SHM = TestSupport.SHM;

    @Test
    void signalAndAwaitBetweenHandles() {
        String name = uniqueName();
        try (SharedRegion a = SharedRegion.create(name, 4096); SharedRegion b = SharedRegion.open(name)) {
            assertFalse(b.await(0), "nothing signalled yet: a poll reports no notification");
            a.signal();
            assertTrue(b.await(0));
            assertFalse(b.await(0), "a notification is seen once per handle");
            a.signal();
            a.signal();
            assertTrue(b.await(1000), "notifications coalesce");
            assertFalse(b.await(0));
            // the signaller's own handle sees it too (it is a waiter like any other)
            assertTrue(a.await(0));
        }
    }

    @Test
    void awaitWakesOnASignalFromAnotherThread() throws Exception {
        String name = uniqueName();
        try (SharedRegion a = SharedRegion.create(name, 4096); SharedRegion b = SharedRegion.open(name)) {
            var waiting = new java.util.concurrent.CountDownLatch(1);
            var result = new java.util.concurrent.CompletableFuture<Boolean>();
            Thread t = new Thread(() -> {
                waiting.countDown();
                result.complete(b.await(SharedRegion.FOREVER));
            });
            t.start();
            waiting.await();
            Thread.sleep(150); // let it park in the kernel
            a.signal();
            assertTrue(result.get(10, java.util.concurrent.TimeUnit.SECONDS));
            t.join();
        }
    }

    @Test
    void timeouts() {
        String name = uniqueName();
        try (SharedRegion r = SharedRegion.create(name, 4096)) {
            assertFalse(r.await(0));
            assertFalse(r.await(1));
            long t0 = System.nanoTime();
            assertFalse(r.await(120));
            assertTrue(System.nanoTime() - t0 >= 100_000_000L, "the core's timeout, not a shorter one");
            ZincException.TimedOut e = assertThrows(ZincException.TimedOut.class, () -> r.awaitOrThrow(10));
            assertEquals(-110, e.code());
            assertEquals(ZincError.TIMED_OUT, e.error());
            assertEquals(Native.strerror(-110), e.getMessage());
            ZincException.Invalid neg = assertThrows(ZincException.Invalid.class, () -> r.await(-1));
            assertEquals(Native.strerror(-22), neg.getMessage());
            assertEquals(0xFFFF_FFFFL, SharedRegion.FOREVER, "FOREVER is ZINC_WAIT_FOREVER");
            r.signal();
            r.awaitOrThrow(10);
        }
    }

    @Test
    void segmentIsTheSameViewEachTime() {
        String name = uniqueName();
        try (SharedRegion r = SharedRegion.create(name, 4096)) {
            assertSame(r.segment(), r.segment());
            assertTrue(r.toString().contains(name));
        }
    }

    static MemorySegment handleOf(SharedRegion r) {
        return r.nativeHandle();
    }
}
