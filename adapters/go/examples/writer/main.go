// Command writer creates a region, fills it, notifies the readers, and waits for one reader to
// acknowledge (with the CRC-32 of the data written over its first 4 bytes); run examples/reader (or a Python/Rust reader) against it.
//
//	go run ./examples/writer [-capacity 1048576] [-timeout 10s] NAME
package main

import (
	"encoding/binary"
	"flag"
	"fmt"
	"hash/crc32"
	"os"
	"time"

	"zinc.dev/zinc"
)

func main() {
	capacity := flag.Int("capacity", 1<<20, "usable bytes: a positive multiple of the page size")
	timeout := flag.Duration("timeout", 10*time.Second, "how long to wait for the reader")
	wait := flag.Duration("delay", time.Second, "pause before notifying, so that readers can open first")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: writer [-capacity N] [-timeout 10s] [-delay 1s] NAME")
		os.Exit(2)
	}
	if err := run(flag.Arg(0), *capacity, *timeout, *wait); err != nil {
		fmt.Fprintln(os.Stderr, "writer:", err)
		os.Exit(1)
	}
}

func run(name string, capacity int, timeout, delay time.Duration) error {
	r, err := zinc.Create(name, capacity)
	if err != nil {
		return err // errors.Is(err, zinc.ErrExists) when the name is taken
	}
	defer r.Close() // the creator owns the region: it disappears once every handle is closed

	data := r.Bytes()
	for i := range data {
		data[i] = byte(i * 7)
	}
	// The checksum is taken before Notify: once notified, the reader may overwrite the first
	// bytes with its acknowledgement at any moment.
	sum := crc32.ChecksumIEEE(data)
	untouched := binary.LittleEndian.Uint32(data)
	time.Sleep(delay)
	if err := r.Notify(); err != nil {
		return err
	}
	fmt.Printf("wrote %d bytes to %q, crc32 %08x; waiting for a reader\n", len(data), name, sum)
	// The reader acknowledges with the CRC-32 it computed, written over the first 4 bytes, and a
	// notification. This handle also sees its own Notify (Wait returns when the counter differs
	// from what this handle last saw), so a wake-up is only a hint: wait until the first bytes
	// have changed.
	acked := func() bool { return binary.LittleEndian.Uint32(data) != untouched }
	deadline := time.Now().Add(timeout)
	for !acked() {
		left := max(time.Until(deadline).Milliseconds(), 0)
		if err := r.Wait(uint32(left)); err != nil {
			return fmt.Errorf("no acknowledgement: %w", err)
		}
	}
	if got := binary.LittleEndian.Uint32(data); got != sum {
		return fmt.Errorf("the reader acknowledged crc32 %08x, want %08x", got, sum)
	}
	fmt.Println("reader acknowledged with the right checksum")
	return nil
}
