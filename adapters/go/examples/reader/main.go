// Command reader is a Go reader of a region that any Zinc writer created (Python, Rust, C++, Go,
// ...): it opens the region (retrying while it does not exist yet), waits for the writer's
// notification, reads the data area in place, and acknowledges by writing the data's CRC-32
// into the first 4 bytes (little-endian) and notifying.
//
//	go run ./examples/reader [-timeout 10s] NAME
package main

import (
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"hash/crc32"
	"os"
	"time"

	"zinc.dev/zinc"
)

func main() {
	timeout := flag.Duration("timeout", 10*time.Second, "how long to wait for the region and for the writer's notification")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: reader [-timeout 10s] NAME")
		os.Exit(2)
	}
	if err := run(flag.Arg(0), *timeout); err != nil {
		fmt.Fprintln(os.Stderr, "reader:", err)
		os.Exit(1)
	}
}

func run(name string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	var r *zinc.Region
	for {
		var err error
		r, err = zinc.Open(name)
		if err == nil {
			break
		}
		if !errors.Is(err, zinc.ErrNotFound) || time.Now().After(deadline) {
			return err // e.g. ErrInvalid for a bad name, ErrCorrupted for a damaged segment
		}
		time.Sleep(20 * time.Millisecond) // the writer has not created it yet
	}
	defer r.Close()

	// Wait for "data ready". A notification sent before we opened is not seen by this handle, so
	// writers notify after readers opened (or the reader checks the data itself first).
	if err := r.Wait(uint32(timeout.Milliseconds())); err != nil {
		if errors.Is(err, zinc.ErrTimedOut) {
			return fmt.Errorf("no notification from the writer within %v: %w", timeout, err)
		}
		return err
	}
	data := r.Bytes() // the shared pages themselves: no copy
	sum := crc32.ChecksumIEEE(data)
	fmt.Printf("read %d bytes from %q: first bytes % x, crc32 %08x\n",
		len(data), name, data[:min(8, len(data))], sum)
	// Acknowledge: the checksum in the first 4 bytes (little-endian), then a notification.
	binary.LittleEndian.PutUint32(data, sum)
	return r.Notify()
}
