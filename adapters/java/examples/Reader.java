import dev.zinc.SharedRegion;
import dev.zinc.ZincException;
import java.lang.foreign.MemorySegment;

/** reader: waits for the writer's region, waits for "hello", and replies "world". */
public class Reader {
    public static void main(String[] args) throws InterruptedException {
        String name = args.length > 0 ? args[0] : "frames";
        long deadline = System.nanoTime() + 30_000_000_000L;
        try (SharedRegion region = openWhenCreated(name, deadline)) {
            MemorySegment data = region.segment();                       // the writer's pages, no copy
            while (!data.getString(0).equals("hello")) {                 // it may be there already
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no data in 30 s");
                }
                region.await(1000);
            }
            data.setString(8, "world");
            region.signal();
            System.out.println("reader: got hello from " + name + ", replied world");
        }
    }

    /** Started before the writer? Retry until its region exists. */
    static SharedRegion openWhenCreated(String name, long deadline) throws InterruptedException {
        while (true) {
            try {
                return SharedRegion.open(name);
            } catch (ZincException.NotFound e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(20);
            }
        }
    }
}
