// Command reader opens a region that any Zinc writer created (Go, Python, Rust, C++, ...),
// waits for the writer's notification, reads the data in place, and acknowledges by writing
// the data's CRC-32 into the first 4 bytes and notifying.
//
//	go run ./examples/reader NAME
package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"time"

	"zinc.dev/zinc"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: reader NAME")
		os.Exit(2)
	}
	if err := run(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "reader:", err)
		os.Exit(1)
	}
}

func run(name string) error {
	// The writer may not have created the region yet: retry Open for 10 s.
	r, err := zinc.Open(name)
	for deadline := time.Now().Add(10 * time.Second); errors.Is(err, zinc.ErrNotFound) && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
		r, err = zinc.Open(name)
	}
	if err != nil {
		return err // ErrNotFound, ErrInvalid for a bad name, ErrCorrupted for a damaged segment
	}
	defer r.Close()

	if err := r.Wait(10_000); err != nil { // the writer's "data ready"
		return err // errors.Is(err, zinc.ErrTimedOut) after 10 s
	}
	data := r.Bytes() // the writer's pages, not a copy
	sum := crc32.ChecksumIEEE(data)
	fmt.Printf("read %d bytes from %q, crc32 %08x\n", len(data), name, sum)
	binary.LittleEndian.PutUint32(data, sum) // the acknowledgement
	r.Notify()
	return nil
}
