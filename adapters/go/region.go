package zinc

import (
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// waitSliceMs bounds how long one call into the core's zinc_wait holds the region's read lock.
// A long Wait is a loop of such calls, so Close, which takes the write lock, waits at most this
// long for a blocked Wait to step aside (that Wait then returns ErrClosed). No notification is
// lost between slices: the core compares the counter with the handle's last seen value.
const waitSliceMs = 50

// Region is an open handle on a named shared-memory region. Its methods are safe for concurrent
// use by several goroutines, Close included.
type Region struct {
	name string

	mu      sync.RWMutex
	h       unsafe.Pointer // ZincHandle; nil once Close was called
	data    []byte         // the data area; nil once closed
	views   int            // unreleased Views
	pending unsafe.Pointer // handle whose zinc_close waits for the last View's Release

	timeoutErr *Error // returned by every timed-out Wait (no allocation while polling)
}

// Create creates the region name with capacity usable bytes and returns the creator's handle,
// which owns the region: the name is removed once this handle and every other handle are closed.
//
// Validation is the core's: name must match [A-Za-z0-9_-]{1,250} and capacity must be a positive
// multiple of the page size, otherwise the error matches ErrInvalid. A live region of that name
// gives ErrExists. Two arguments that cannot even be passed to the core also give ErrInvalid
// with the core's message for -22: a negative capacity and a name containing a NUL byte (C would
// silently truncate it).
func Create(name string, capacity int) (*Region, error) {
	if err := load(); err != nil {
		return nil, err
	}
	if capacity < 0 || strings.IndexByte(name, 0) >= 0 {
		return nil, newError("create", name, CodeInvalid)
	}
	h, rc := cCreate(name, uintptr(capacity))
	if rc != 0 {
		return nil, newError("create", name, rc)
	}
	return newRegion(h, name), nil
}

// Open opens the existing region name. The handle can read, write, notify and wait, but does not
// own the region. A name with no live region gives ErrNotFound, a segment that fails the core's
// validation ErrCorrupted, an OS refusal ErrPermission.
func Open(name string) (*Region, error) {
	if err := load(); err != nil {
		return nil, err
	}
	if strings.IndexByte(name, 0) >= 0 {
		return nil, newError("open", name, CodeInvalid)
	}
	h, rc := cOpen(name)
	if rc != 0 {
		return nil, newError("open", name, rc)
	}
	return newRegion(h, name), nil
}

func newRegion(h unsafe.Pointer, name string) *Region {
	r := &Region{name: name, h: h, timeoutErr: newError("wait", name, CodeTimedOut)}
	if p, n := cPtr(h), cCapacity(h); p != nil && n > 0 {
		r.data = unsafe.Slice((*byte)(p), n)
	}
	return r
}

// Name returns the region's name as given to Create or Open.
func (r *Region) Name() string { return r.name }

// Bytes returns the data area as a []byte over the shared mapping itself (zero-copy): writes
// through it are seen by every process that maps the region, and theirs through it.
//
// The slice is valid until Close. Go cannot track slices over foreign memory, so, as with every
// mmap package, using a slice obtained from Bytes after Close is a programming error: the pages
// are unmapped and the access faults (the Go runtime reports "unexpected fault address" and
// exits). Code that needs the memory to stay valid across a concurrent Close takes a View, which
// defers the unmap until it is released. After Close, Bytes returns nil.
func (r *Region) Bytes() []byte {
	r.mu.RLock()
	d := r.data
	r.mu.RUnlock()
	return d
}

// Capacity returns the number of usable bytes (len(Bytes())), or 0 after Close.
func (r *Region) Capacity() int { return len(r.Bytes()) }

// Notify increments the region's notification counter and wakes every waiter, in every process.
// Notifications coalesce: it is a "data changed" signal, not a queue. It returns ErrClosed after
// Close and nil otherwise.
func (r *Region) Notify() error {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.h == nil {
		return ErrClosed
	}
	cNotify(r.h)
	return nil
}

// Wait returns nil as soon as the region's notification counter differs from the value this
// handle last saw (at once if a Notify happened since), or an error matching ErrTimedOut after
// timeoutMs milliseconds. Wait(0) polls; Wait(WaitForever) has no timeout.
//
// Wait blocks only the calling goroutine (the cgo call runs on its own OS thread). Several
// goroutines waiting on one Region share the handle's last seen value: one notification may
// release one or all of them; give each waiting goroutine its own Open handle when each must see
// every notification. If Close is called during a Wait, the Wait returns ErrClosed within about
// 50 ms.
func (r *Region) Wait(timeoutMs uint32) error {
	if timeoutMs <= waitSliceMs {
		return r.waitOnce(timeoutMs)
	}
	forever := timeoutMs == WaitForever
	deadline := time.Now().Add(time.Duration(timeoutMs) * time.Millisecond)
	remaining := timeoutMs
	for {
		err := r.waitOnce(min(remaining, waitSliceMs))
		if err != r.timeoutErr {
			return err
		}
		if forever {
			continue
		}
		left := time.Until(deadline)
		if left <= 0 {
			return err
		}
		remaining = uint32((left + time.Millisecond - 1) / time.Millisecond)
	}
}

// waitOnce is one bounded call into the core under the read lock.
func (r *Region) waitOnce(ms uint32) error {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.h == nil {
		return ErrClosed
	}
	switch rc := cWait(r.h, ms); rc {
	case 0:
		return nil
	case CodeTimedOut:
		return r.timeoutErr
	default:
		return newError("wait", r.name, rc)
	}
}

// Close closes the handle: every method then returns ErrClosed (Bytes nil, Capacity 0). The
// mapping is unmapped at once, unless Views are still held: then the unmap (zinc_close) happens
// when the last View is released. Close is safe to call concurrently with other methods, and a
// second Close is a harmless no-op returning nil.
//
// There is no finalizer: a Region that is never closed stays mapped until the process exits
// (closing behind the program's back would invalidate slices from Bytes). Always Close, e.g.
// with defer.
func (r *Region) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	h := r.h
	if h == nil {
		return nil
	}
	r.h, r.data = nil, nil
	if r.views > 0 {
		r.pending = h
		return nil
	}
	cClose(h)
	return nil
}

// View is a counted lease on a region's data area: while any View of a Region is unreleased,
// Close of that Region marks it closed but defers the unmap until the last Release. Use it when
// one goroutine may Close while others still read or write.
type View struct {
	r        *Region
	data     []byte
	released atomic.Bool
}

// View returns a new lease on the data area, or ErrClosed after Close.
func (r *Region) View() (*View, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.h == nil {
		return nil, ErrClosed
	}
	r.views++
	return &View{r: r, data: r.data}, nil
}

// Bytes returns the data area (zero-copy), valid until Release even if the Region is closed
// meanwhile; nil after Release. The same rule as Region.Bytes applies after Release.
func (v *View) Bytes() []byte {
	if v.released.Load() {
		return nil
	}
	return v.data
}

// Release ends the lease; the last Release of a closed Region unmaps it. A second Release is a
// no-op.
func (v *View) Release() {
	if !v.released.CompareAndSwap(false, true) {
		return
	}
	r := v.r
	r.mu.Lock()
	defer r.mu.Unlock()
	r.views--
	if r.views == 0 && r.pending != nil {
		h := r.pending
		r.pending = nil
		cClose(h)
	}
}
