// Package bench measures what the Go adapter adds over a bare cgo call: Notify and Wait(0)
// through the public API against an empty cgo round trip.
//
//	go test -run xxx -bench . ./bench
package bench

import (
	"fmt"
	"os"
	"sync/atomic"
	"testing"

	"zinc.dev/zinc"
)

const page = 4096

var counter atomic.Int64

func create(b *testing.B) *zinc.Region {
	b.Helper()
	r, err := zinc.Create(fmt.Sprintf("t_go_bench_%d_%d", os.Getpid(), counter.Add(1)), page)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { r.Close() })
	return r
}

// Baseline: the cheapest possible cgo round trip (an empty C function).
func BenchmarkCgoCallBaseline(b *testing.B) {
	for range b.N {
		emptyCgoCall()
	}
}

func BenchmarkNotify(b *testing.B) {
	r := create(b)
	b.ResetTimer()
	for range b.N {
		r.Notify()
	}
}

// Wait(0) with nothing pending: the polling path, returning the (preallocated) timeout error.
func BenchmarkWait0TimedOut(b *testing.B) {
	r := create(b)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if err := r.Wait(0); err == nil {
			b.Fatal("Wait(0) returned nil with nothing pending")
		}
	}
}

// Notify then Wait(0) on the same handle: the notified path of Wait.
func BenchmarkNotifyThenWait0(b *testing.B) {
	r := create(b)
	b.ResetTimer()
	for range b.N {
		r.Notify()
		if err := r.Wait(0); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBytes(b *testing.B) {
	r := create(b)
	b.ResetTimer()
	for range b.N {
		_ = r.Bytes()
	}
}
