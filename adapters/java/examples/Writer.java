import dev.zinc.SharedRegion;
import java.lang.foreign.MemorySegment;

/** writer: creates the region, writes "hello", and waits for the reader's "world". */
public class Writer {
    public static void main(String[] args) {
        String name = args.length > 0 ? args[0] : "frames";
        try (SharedRegion region = SharedRegion.create(name, 1 << 20)) { // 1 MiB, a multiple of the page size
            MemorySegment data = region.segment();                       // the shared pages, no copy
            data.setString(0, "hello");                                  // a NUL-terminated UTF-8 string
            region.signal();                                             // wakes every waiter, in every process
            System.out.println("writer: wrote hello to " + name + ", waiting for the reply");

            // A handle also sees its own signal, so a wake-up is only a hint: loop on the data itself.
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!data.getString(8).equals("world")) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no reply in 30 s");
                }
                region.await(1000);                                      // true when notified, false on timeout
            }
            System.out.println("writer: got world");
        } // close(); the last handle out removes the region. Errors are ZincException (code(), getMessage())
    }
}
