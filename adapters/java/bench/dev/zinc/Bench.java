package dev.zinc;

import java.lang.foreign.MemorySegment;

/**
 * Micro-benchmark: {@link SharedRegion#signal()} against a bare FFM downcall
 * ({@code zinc_capacity(NULL)}) and the raw {@code zinc_notify} downcall without the adapter.
 * Run: {@code make bench-java} or
 * {@code java --enable-native-access=ALL-UNNAMED -jar adapters/java/target/zinc-bench.jar [iterations]}.
 * Not a test: prints ns/op, asserts nothing.
 */
public final class Bench {
    private Bench() {}

    interface Op {
        void run() throws Throwable;
    }

    static volatile long sink;

    static double measure(String label, long iters, Op op) throws Throwable {
        for (int round = 0; round < 3; round++) { // warm-up: let C2 compile the loop
            for (long i = 0; i < Math.max(1, iters / 5); i++) {
                op.run();
            }
        }
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
            long t0 = System.nanoTime();
            for (long i = 0; i < iters; i++) {
                op.run();
            }
            best = Math.min(best, (System.nanoTime() - t0) / (double) iters);
        }
        System.out.printf("%-44s %8.1f ns/op (best of 5 x %d)%n", label, best, iters);
        return best;
    }

    public static void main(String[] args) throws Throwable {
        long iters = args.length > 0 ? Long.parseLong(args[0]) : 2_000_000L;
        String name = "bench_java_" + ProcessHandle.current().pid();
        System.out.println("zinc Java bench, JDK " + Runtime.version() + ", library " + Native.SOURCE);
        try (SharedRegion r = SharedRegion.create(name, 4096)) {
            MemorySegment raw = MemorySegment.ofAddress(rawHandle(r));
            measure("bare downcall zinc_capacity(NULL)", iters, () -> sink += (long) Native.CAPACITY.invokeExact(MemorySegment.NULL));
            measure("raw downcall zinc_notify(handle)", iters, () -> {
                Native.NOTIFY.invokeExact(raw);
            });
            measure("SharedRegion.signal()", iters, r::signal);
            // Like every other language's wait(0) row: a poll with nothing pending, timed alone.
            r.signal();
            r.await(0); // consume our own signal, so nothing is pending from here on
            measure("SharedRegion.await(0), nothing pending", iters, () -> sink += r.await(0) ? 1 : 0);
        }
    }

    private static long rawHandle(SharedRegion r) {
        return r.nativeHandle().address();
    }
}
