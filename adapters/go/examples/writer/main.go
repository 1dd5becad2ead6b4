// Command writer creates a region, fills it, notifies the readers, and waits until a reader
// acknowledged with the CRC-32 of the data written over its first 4 bytes.
//
//	go run ./examples/writer NAME
package main

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"os"
	"time"

	"zinc.dev/zinc"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: writer NAME")
		os.Exit(2)
	}
	if err := run(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "writer:", err)
		os.Exit(1)
	}
}

func run(name string) error {
	r, err := zinc.Create(name, 1<<20) // errors.Is(err, zinc.ErrExists) when the name is taken
	if err != nil {
		return err
	}
	defer r.Close() // the creator owns the region: it goes once every handle is closed

	data := r.Bytes() // the shared pages themselves: no copy
	for i := range data {
		data[i] = byte(i * 7)
	}
	sum := crc32.ChecksumIEEE(data) // before Notify: the reader overwrites the first 4 bytes
	untouched := binary.LittleEndian.Uint32(data)
	time.Sleep(time.Second) // let the reader open: a handle sees only later notifications
	r.Notify()
	fmt.Printf("wrote %d bytes to %q, crc32 %08x\n", len(data), name, sum)

	// This handle sees its own Notify too, so a wake-up is only a hint: loop on the data.
	deadline := time.Now().Add(10 * time.Second)
	for binary.LittleEndian.Uint32(data) == untouched {
		left := max(time.Until(deadline).Milliseconds(), 0)
		if err := r.Wait(uint32(left)); err != nil {
			return fmt.Errorf("no acknowledgement: %w", err) // zinc.ErrTimedOut after 10 s
		}
	}
	if got := binary.LittleEndian.Uint32(data); got != sum {
		return fmt.Errorf("the reader acknowledged crc32 %08x, want %08x", got, sum)
	}
	fmt.Println("the reader acknowledged with the right checksum")
	return nil
}
