package dev.zinc;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * The other process of the cross-process tests (a plain main, no JUnit: it must also run as
 * another user with only target/classes and target/test-classes on its class path).
 * Prints one line per step; Zinc errors as "ERR <code> <message>".
 */
public final class Child {
    private Child() {}

    public static void main(String[] a) throws Exception {
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try {
            switch (a[0]) {
                case "lib-source" -> {
                    Native.strerror(0);
                    say("SOURCE " + Native.SOURCE);
                }
                // the error a missing library gives, on the first use and on every later one
                case "lib-missing" -> {
                    for (int i = 0; i < 2; i++) {
                        try {
                            SharedRegion.open("t_java_never");
                            say("LOADED");
                        } catch (Throwable t) {
                            say(t.getClass().getName() + ": " + t.getMessage());
                        }
                    }
                }
                // open NAME SEED: verify pattern after a notification, reply, signal
                case "open-reply" -> {
                    try (SharedRegion r = SharedRegion.open(a[1])) {
                        int seed = Integer.parseInt(a[2]);
                        say("OPENED " + r.capacity());
                        if (!r.await(30_000)) {
                            say("TIMEOUT");
                            return;
                        }
                        MemorySegment s = r.segment();
                        for (long i = 0; i < r.capacity(); i++) {
                            int got = s.get(ValueLayout.JAVA_BYTE, i) & 0xFF;
                            if (got != TestSupport.pattern(seed, i)) {
                                say("MISMATCH " + i);
                                return;
                            }
                        }
                        for (long i = 0; i < r.capacity(); i++) {
                            s.set(ValueLayout.JAVA_BYTE, i, (byte) (255 - TestSupport.pattern(seed, i)));
                        }
                        r.signal();
                        say("REPLIED");
                    }
                }
                // create NAME CAP: create, READY, wait for a stdin line, close
                case "create-hold" -> {
                    try (SharedRegion r = SharedRegion.create(a[1], Long.parseLong(a[2]))) {
                        r.segment().set(ValueLayout.JAVA_LONG, 0, 0x5A494E43L);
                        say("READY");
                        String l = stdin.readLine();
                        if ("signal".equals(l)) {
                            r.signal();
                            stdin.readLine();
                        }
                    }
                    say("CLOSED");
                }
                // open NAME: open, READY, wait for a stdin line, close
                case "open-hold" -> {
                    try (SharedRegion r = SharedRegion.open(a[1])) {
                        say("OPENED " + r.segment().get(ValueLayout.JAVA_LONG, 0));
                        stdin.readLine();
                    }
                    say("CLOSED");
                }
                // await NAME MS: open, then report whether a notification came
                case "await" -> {
                    try (SharedRegion r = SharedRegion.open(a[1])) {
                        say("OPENED");
                        say(r.await(Long.parseLong(a[2])) ? "NOTIFIED " + r.segment().get(ValueLayout.JAVA_LONG, 0) : "TIMEOUT");
                    }
                }
                case "open" -> {
                    try (SharedRegion r = SharedRegion.open(a[1])) {
                        say("OPENED " + r.capacity());
                    }
                }
                case "create" -> {
                    try (SharedRegion r = SharedRegion.create(a[1], Long.parseLong(a[2]))) {
                        say("CREATED " + r.capacity());
                    }
                }
                default -> say("USAGE");
            }
        } catch (ZincException e) {
            say("ERR " + e.code() + " " + e.getMessage());
        }
    }

    private static void say(String s) {
        System.out.println(s);
        System.out.flush();
    }
}
