package dev.zinc;

import static dev.zinc.TestSupport.child;
import static dev.zinc.TestSupport.shmPath;
import static dev.zinc.TestSupport.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The full API between two real JVMs (ProcessBuilder). */
class CrossProcessTest {
    @AfterAll
    static void noLeaks() {
        TestSupport.assertNoLeaks();
    }

    @Test
    void parentWritesChildReadsRepliesAndSignalsBack() throws Exception {
        String name = uniqueName();
        int seed = 91;
        long cap = 64 * 1024;
        try (SharedRegion r = SharedRegion.create(name, cap); TestSupport.Proc c = child("open-reply", name, "" + seed)) {
            assertEquals("OPENED " + cap, c.line(), c.stderr());
            MemorySegment s = r.segment();
            for (long i = 0; i < cap; i++) {
                s.set(ValueLayout.JAVA_BYTE, i, (byte) TestSupport.pattern(seed, i));
            }
            r.signal();
            assertTrue(r.await(30_000), "the child's reply notification");
            assertEquals("REPLIED", c.line());
            for (long i = 0; i < cap; i++) {
                assertEquals((byte) (255 - TestSupport.pattern(seed, i)), s.get(ValueLayout.JAVA_BYTE, i), "byte " + i);
            }
            assertEquals(0, c.waitExit());
        }
    }

    @Test
    void childCreatesParentOpensAndOwnershipStaysWithTheCreator() throws Exception {
        String name = uniqueName();
        try (TestSupport.Proc c = child("create-hold", name, "8192")) {
            assertEquals("READY", c.line(), c.stderr());
            SharedRegion r = SharedRegion.open(name);
            assertEquals(8192, r.capacity());
            assertEquals(0x5A494E43L, r.segment().get(ValueLayout.JAVA_LONG, 0));
            // another create of the live name fails in this process too
            ErrorTest.expect(ZincException.AlreadyExists.class, -17, () -> SharedRegion.create(name, 4096));
            c.send("signal");
            assertTrue(r.await(30_000), "notification from the other JVM");
            c.send("close");
            assertEquals("CLOSED", c.line());
            assertEquals(0, c.waitExit());
            assertTrue(Files.exists(shmPath(name)), "the creator left, but this opener still holds it");
            r.segment().set(ValueLayout.JAVA_LONG, 8, 1);
            r.close();
            assertFalse(Files.exists(shmPath(name)), "removed by the last handle");
        }
    }

    @Test
    void childAwaitIsWokenByTheParentsSignal() throws Exception {
        String name = uniqueName();
        try (SharedRegion r = SharedRegion.create(name, 4096); TestSupport.Proc c = child("await", name, "30000")) {
            assertEquals("OPENED", c.line(), c.stderr());
            r.segment().set(ValueLayout.JAVA_LONG, 0, 4242L);
            r.signal();
            assertEquals("NOTIFIED 4242", c.line());
            assertEquals(0, c.waitExit());
        }
    }

    @Test
    void childAwaitTimesOutWithoutASignal() throws Exception {
        String name = uniqueName();
        try (SharedRegion r = SharedRegion.create(name, 4096); TestSupport.Proc c = child("await", name, "200")) {
            assertEquals("OPENED", c.line(), c.stderr());
            assertEquals("TIMEOUT", c.line());
            assertEquals(0, c.waitExit());
            assertEquals(4096, r.capacity());
        }
    }

    @Test
    void errorsInTheOtherProcessCarryTheCoreCodes() throws Exception {
        String name = uniqueName();
        try (TestSupport.Proc c = child("open", name)) {
            assertEquals("ERR -2 " + Native.strerror(-2), c.line(), c.stderr());
        }
        try (SharedRegion r = SharedRegion.create(name, 4096); TestSupport.Proc c = child("create", name, "4096")) {
            assertEquals("ERR -17 " + Native.strerror(-17), c.line(), c.stderr());
            assertTrue(r.capacity() > 0);
        }
        try (TestSupport.Proc c = child("create", name, "1000")) {
            assertEquals("ERR -22 " + Native.strerror(-22), c.line(), c.stderr());
        }
    }

    @Test
    void aKilledCreatorsRegionIsReclaimedAndNeverOpened() throws Exception {
        String name = uniqueName();
        TestSupport.Proc c = child("create-hold", name, "4096");
        assertEquals("READY", c.line(), c.stderr());
        c.process.destroyForcibly().waitFor();
        c.close();
        // every handle's process is dead: the region is stale
        ErrorTest.expect(ZincException.NotFound.class, -2, () -> SharedRegion.open(name));
        try (SharedRegion r = SharedRegion.create(name, 8192)) {
            assertEquals(8192, r.capacity(), "create reclaimed the stale name");
            assertEquals(0L, r.segment().get(ValueLayout.JAVA_LONG, 0), "a fresh region");
        }
        assertFalse(Files.exists(shmPath(name)));
    }

    @Test
    void aKilledOpenerDoesNotKeepTheRegionAlive() throws Exception {
        String name = uniqueName();
        SharedRegion r = SharedRegion.create(name, 4096);
        r.segment().set(ValueLayout.JAVA_LONG, 0, 99L);
        TestSupport.Proc c = child("open-hold", name);
        assertEquals("OPENED 99", c.line(), c.stderr());
        c.process.destroyForcibly().waitFor();
        c.close();
        r.close();
        assertFalse(Files.exists(shmPath(name)), "the dead opener's handle counts as closed");
    }
}
