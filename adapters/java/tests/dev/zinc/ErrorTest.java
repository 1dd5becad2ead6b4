package dev.zinc;

import static dev.zinc.TestSupport.shmPath;
import static dev.zinc.TestSupport.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Every error path: codes, classes and the core's messages. */
class ErrorTest {
    @AfterAll
    static void noLeaks() {
        TestSupport.assertNoLeaks();
    }

    static <T extends ZincException> T expect(Class<T> type, int code, Executable call) {
        T e = assertThrows(type, call);
        assertEquals(code, e.code());
        assertEquals(ZincError.of(code), e.error());
        assertEquals(Native.strerror(code), e.getMessage(), "exactly the core's zinc_strerror text");
        assertFalse(e.getMessage().isEmpty());
        return e;
    }

    @Test
    void invalidNames() {
        List<String> bad = new ArrayList<>(List.of("", "bad/name", "has space", "dot.name", "émoji", "a".repeat(251), "nul\0byte", "\0"));
        for (String n : bad) {
            expect(ZincException.Invalid.class, -22, () -> SharedRegion.create(n, 4096));
            expect(ZincException.Invalid.class, -22, () -> SharedRegion.open(n));
        }
        // the longest valid name works
        String longest = (TestSupport.PREFIX + "x".repeat(250)).substring(0, 250);
        try (SharedRegion r = SharedRegion.create(longest, 4096)) {
            assertEquals(4096, r.capacity());
        }
        assertThrows(NullPointerException.class, () -> SharedRegion.create(null, 4096));
        assertThrows(NullPointerException.class, () -> SharedRegion.open(null));
    }

    @Test
    void invalidSizes() {
        String name = uniqueName();
        for (long cap : new long[] {0, 1, 1000, 4095, 4097, 6144, -4096, -1, Long.MIN_VALUE}) {
            expect(ZincException.Invalid.class, -22, () -> SharedRegion.create(name, cap));
            assertFalse(Files.exists(shmPath(name)), "a failed create leaves nothing behind");
        }
    }

    @Test
    void alreadyExists() {
        String name = uniqueName();
        try (SharedRegion r = SharedRegion.create(name, 4096)) {
            expect(ZincException.AlreadyExists.class, -17, () -> SharedRegion.create(name, 4096));
            assertEquals(4096, r.capacity(), "the live region is untouched");
        }
    }

    @Test
    void notFound() {
        String name = uniqueName();
        expect(ZincException.NotFound.class, -2, () -> SharedRegion.open(name));
        try (SharedRegion r = SharedRegion.create(name, 4096)) {
            assertNotNull(r);
        }
        expect(ZincException.NotFound.class, -2, () -> SharedRegion.open(name));
    }

    @Test
    void corruptedObjects() throws Exception {
        // a truncated object, a right-sized object with a wrong magic, a header whose capacity
        // disagrees with the object's size: all CorruptedRegion, never a crash
        ByteBuffer header = ByteBuffer.allocate(64 + 4096).order(ByteOrder.nativeOrder());
        header.putLong(0, 0x5A494E435F524547L).putShort(8, (short) 1).putLong(16, 1 << 20);
        ByteBuffer wrongMagic = ByteBuffer.allocate(64 + 4096).order(ByteOrder.nativeOrder());
        wrongMagic.putLong(0, 0x1122334455667788L).putShort(8, (short) 1).putLong(16, 4096);
        byte[][] bodies = {new byte[10], wrongMagic.array(), header.array()};
        for (byte[] body : bodies) {
            String name = uniqueName();
            Path p = shmPath(name);
            Files.write(p, body);
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
            try {
                expect(ZincException.Corrupted.class, -74, () -> SharedRegion.open(name));
            } finally {
                Files.deleteIfExists(p);
            }
        }
    }

    @Test
    void permissionDeniedAcrossUsers() throws Exception {
        String name = uniqueName();
        boolean root = ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        try (SharedRegion r = SharedRegion.create(name, 4096)) {
            assertEquals(name, r.name());
            Path p = shmPath(name);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)), "regions are created 0600");
            if (root) {
                // root bypasses file modes: open it from another JVM running as nobody
                String cp = System.getProperty("java.class.path");
                StringBuilder own = new StringBuilder();
                for (String part : cp.split(java.io.File.pathSeparator)) {
                    if (part.endsWith("classes") || part.endsWith("test-classes")) {
                        own.append(own.length() == 0 ? "" : java.io.File.pathSeparator).append(part);
                    }
                }
                List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
                cmd.addAll(TestSupport.childCommand(own.toString(), List.of("-XX:-UsePerfData"), "open", name));
                try (TestSupport.Proc c = TestSupport.Proc.start(cmd, java.util.Map.of(), null)) {
                    assertEquals("ERR -1 " + Native.strerror(-1), c.line(), c.stderr());
                    assertEquals(0, c.waitExit());
                }
            } else {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("---------"));
                expect(ZincException.PermissionDenied.class, -1, () -> SharedRegion.open(name));
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
            }
        }
    }

    @Test
    void aNulInsideANameIsTheCoresInvalidErrorNeverATruncation() {
        String name = uniqueName();
        try (SharedRegion r = SharedRegion.create(name, 4096)) {
            // "name\0suffix" would name the live region if it were cut at the NUL
            expect(ZincException.Invalid.class, -22, () -> SharedRegion.open(name + "\0suffix"));
            expect(ZincException.Invalid.class, -22, () -> SharedRegion.create(name + "\0x", 4096));
            assertEquals(4096, r.capacity());
        }
    }

    @Test
    void everyCodeMapsToItsKindWithTheCoreMessage() {
        int[] codes = {-1, -2, -9, -11, -17, -22, -74, -110, -28, -12, -5};
        Class<?>[] types = {ZincException.PermissionDenied.class, ZincException.NotFound.class, ZincException.Closed.class, ZincException.class,
            ZincException.AlreadyExists.class, ZincException.Invalid.class, ZincException.Corrupted.class,
            ZincException.TimedOut.class, ZincException.class, ZincException.class, ZincException.class};
        ZincError[] kinds = {ZincError.PERMISSION_DENIED, ZincError.NOT_FOUND, ZincError.CLOSED, ZincError.TRY_AGAIN, ZincError.ALREADY_EXISTS,
            ZincError.INVALID, ZincError.CORRUPTED, ZincError.TIMED_OUT, ZincError.PLATFORM, ZincError.PLATFORM, ZincError.PLATFORM};
        java.util.Set<String> messages = new java.util.HashSet<>();
        for (int i = 0; i < codes.length; i++) {
            ZincException e = ZincException.of(codes[i]);
            assertEquals(types[i], e.getClass(), "class for " + codes[i]);
            assertInstanceOf(RuntimeException.class, e);
            assertEquals(codes[i], e.code());
            assertEquals(kinds[i], e.error());
            assertEquals(Native.strerror(codes[i]), e.getMessage());
            messages.add(e.getMessage());
            if (kinds[i] != ZincError.PLATFORM) {
                assertEquals(codes[i], kinds[i].code());
            }
        }
        assertEquals(codes.length, messages.size(), "every code has its own core message: " + messages);
        assertThrows(IllegalArgumentException.class, () -> ZincException.of(0));
        assertEquals(ZincError.PLATFORM, ZincError.of(-9999));
    }
}
