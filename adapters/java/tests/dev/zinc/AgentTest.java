package dev.zinc;

import static dev.zinc.TestSupport.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The conformance agent through its launcher (adapters/java/agent/zinc-agent serve, the packaged
 * agent jar), driven the way tests/matrix drives it; this JVM plays the other role.
 */
class AgentTest {
    TestSupport.Proc agent;

    @BeforeEach
    void start() throws Exception {
        Path script = Paths.get(System.getProperty("zinc.test.agentScript", "agent/zinc-agent"));
        Path jar = script.getParent().resolveSibling("target/zinc-agent.jar");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(jar),
                "the agent jar is built by `make agent-java` before `make test-java`");
        agent = TestSupport.Proc.start(List.of(script.toString(), "serve"), Map.of(), null);
    }

    @AfterEach
    void stop() throws Exception {
        if (agent != null) {
            agent.send("quit");
            assertEquals(0, agent.waitExit(), agent.stderr());
            assertEquals("", agent.stderr(), "the agent prints no warnings");
            agent.close();
        }
    }

    @AfterAll
    static void noLeaks() {
        TestSupport.assertNoLeaks();
    }

    @Test
    void agentAsReader() throws Exception {
        String name = uniqueName();
        int seed = 17;
        long cap = 3 * 4096;
        try (SharedRegion w = SharedRegion.create(name, cap)) {
            agent.send("reader " + name + " " + seed);
            assertEquals("OPENED", agent.line(), agent.stderr());
            MemorySegment s = w.segment();
            for (long i = 0; i < cap; i++) {
                s.set(ValueLayout.JAVA_BYTE, i, (byte) TestSupport.pattern(seed, i));
            }
            w.signal();
            assertTrue(w.await(30_000));
            assertEquals("PASS", agent.line());
            for (long i = 0; i < cap; i++) {
                assertEquals((byte) (255 - TestSupport.pattern(seed, i)), s.get(ValueLayout.JAVA_BYTE, i));
            }
        }
    }

    @Test
    void agentAsWriterThenNoreplyReader() throws Exception {
        String name = uniqueName();
        int seed = 200;
        long cap = 2 * 4096;
        agent.send("writer " + name + " " + cap + " " + seed);
        assertEquals("READY", agent.line(), agent.stderr());
        try (SharedRegion r = SharedRegion.open(name)) {
            agent.send("GO");
            assertTrue(r.await(30_000));
            MemorySegment s = r.segment();
            for (long i = 0; i < cap; i++) {
                assertEquals((byte) TestSupport.pattern(seed, i), s.get(ValueLayout.JAVA_BYTE, i), "byte " + i);
                s.set(ValueLayout.JAVA_BYTE, i, (byte) (255 - TestSupport.pattern(seed, i)));
            }
            r.signal();
            assertEquals("PASS", agent.line());
        }
        // noreply writer: no wait for a reply
        String other = uniqueName();
        agent.send("writer " + other + " 4096 3 noreply");
        assertEquals("READY", agent.line());
        try (SharedRegion r = SharedRegion.open(other)) {
            agent.send("GO");
            assertTrue(r.await(30_000));
            assertEquals("PASS", agent.line());
            assertEquals((byte) TestSupport.pattern(3, 4095), r.segment().get(ValueLayout.JAVA_BYTE, 4095));
        }
    }

    @Test
    void agentReportsAMismatchAsFail() throws Exception {
        String name = uniqueName();
        try (SharedRegion w = SharedRegion.create(name, 4096)) {
            agent.send("reader " + name + " 5 noreply");
            assertEquals("OPENED", agent.line(), agent.stderr());
            w.signal(); // data still all zero: not pattern(5, i)
            String l = agent.line();
            assertTrue(l.startsWith("FAIL ") && l.contains("mismatch at byte 0"), l);
        }
    }

    @Test
    void agentChecksum() throws Exception {
        String name = uniqueName();
        long cap = 4 * 4096;
        try (SharedRegion w = SharedRegion.create(name, cap)) {
            agent.send("checksum " + name);
            assertEquals("OPENED", agent.line(), agent.stderr());
            ValueLayout.OfFloat f = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
            long expected = 0;
            for (long k = 0; k < cap / 4; k++) {
                int v = (int) (k % 251) - 100;
                w.segment().set(f, k * 4, v);
                expected += v;
            }
            long before = System.currentTimeMillis() * 1_000_000L;
            w.signal();
            String[] parts = agent.line().split(" ");
            assertEquals("CHECKSUM", parts[0], String.join(" ", parts));
            assertEquals(Long.toString(expected), parts[1]);
            long ns = Long.parseLong(parts[2]);
            assertTrue(ns >= before - 1_000_000_000L, "unix time in ns: " + ns);
        }
    }

    @Test
    void agentErrorsAndFailuresKeepItServing() throws Exception {
        agent.send("errors");
        assertEquals("create_bad_name -22 " + Native.strerror(-22), agent.line(), agent.stderr());
        assertEquals("create_bad_size -22 " + Native.strerror(-22), agent.line());
        assertEquals("open_missing -2 " + Native.strerror(-2), agent.line());
        assertEquals("open_nul_name -22 " + Native.strerror(-22), agent.line());
        assertEquals("wait_closed -9 " + Native.strerror(-9), agent.line());
        assertEquals("double_close 0 success", agent.line());
        assertEquals("DONE", agent.line());
        String missing = uniqueName();
        agent.send("reader " + missing + " 1");
        assertEquals("FAIL -2 " + Native.strerror(-2), agent.line());
        agent.send("checksum " + missing);
        assertEquals("FAIL -2 " + Native.strerror(-2), agent.line());
        agent.send("writer " + missing + " 1000 1");
        assertEquals("FAIL -22 " + Native.strerror(-22), agent.line());
        agent.send("errors");
        assertTrue(agent.line().startsWith("create_bad_name -22 "), "still serving");
        for (int i = 0; i < 5; i++) {
            agent.line();
        }
        assertEquals("DONE", agent.line());
    }

    @Test
    void abiPrintsTheAdaptersOwnTables() throws Exception {
        agent.send("abi");
        List<String> lines = new java.util.ArrayList<>();
        for (String l = agent.line(); !l.equals("DONE"); l = agent.line()) {
            lines.add(l);
        }
        for (java.lang.reflect.Field f : Zinc.class.getFields()) {
            assertTrue(lines.contains("const " + f.getName() + " " + f.get(null)), f.getName() + " in " + lines);
        }
        assertTrue(lines.contains("const ZINC_EBADF -9"), lines.toString());
        assertTrue(lines.contains("const ZINC_WAIT_FOREVER 4294967295"), lines.toString());
        for (int code : new int[] {-1, -2, -9, -11, -17, -22, -28, -74, -110}) {
            assertTrue(lines.contains("message " + code + " " + Native.strerror(code)), code + " in " + lines);
        }
        List<String> fns = lines.stream().filter(l -> l.startsWith("fn ")).toList();
        assertEquals(List.of("fn zinc_create i32 ptr usize ptr", "fn zinc_open i32 ptr ptr", "fn zinc_ptr ptr ptr",
                "fn zinc_capacity usize ptr", "fn zinc_close void ptr", "fn zinc_notify void ptr", "fn zinc_wait i32 ptr u32",
                "fn zinc_strerror ptr i32"), fns);
        assertEquals(Zinc.class.getFields().length + 9 + 8, lines.size(), lines.toString());
    }
}
