package zinc

import "testing"

// Baseline: the cheapest possible cgo round trip into the core, zinc_capacity(NULL).
func BenchmarkCgoCallBaseline(b *testing.B) {
	if err := LibraryError(); err != nil {
		b.Fatal(err)
	}
	for range b.N {
		cCapacityNull()
	}
}

func BenchmarkNotify(b *testing.B) {
	r, err := Create(uniqueName(), page)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	b.ResetTimer()
	for range b.N {
		if err := r.Notify(); err != nil {
			b.Fatal(err)
		}
	}
}

// Wait(0) with nothing pending: the polling path, returning the (preallocated) timeout error.
func BenchmarkWait0TimedOut(b *testing.B) {
	r, err := Create(uniqueName(), page)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	b.ResetTimer()
	for range b.N {
		if err := r.Wait(0); err != r.timeoutErr {
			b.Fatal(err)
		}
	}
}

// Notify then Wait(0) on the same handle: the notified path of Wait.
func BenchmarkNotifyThenWait0(b *testing.B) {
	r, err := Create(uniqueName(), page)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	b.ResetTimer()
	for range b.N {
		r.Notify()
		if err := r.Wait(0); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBytes(b *testing.B) {
	r, err := Create(uniqueName(), page)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	b.ResetTimer()
	for range b.N {
		_ = r.Bytes()
	}
}
