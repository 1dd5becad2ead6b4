package zinc

import (
	"strings"
	"sync"
	"sync/atomic"
)

// Region is an open handle on a named shared-memory region. Its methods are safe for concurrent
// use by several goroutines, Close included: the core makes a close racing with other calls on
// the same handle safe (it wakes waiters with ZINC_EBADF and unmaps after every call has left).
type Region struct {
	name string
	h    handle // the core's handle; the core refuses it once closed
	data []byte // the data area, set once

	closed atomic.Bool
	mu     sync.Mutex // guards views and pending
	views  int        // unreleased Views
	// pending is set when Close found Views: the last Release calls zinc_close.
	pending bool

	timeoutErr *Error // returned by every timed-out Wait (no allocation while polling)
}

// Create creates the region name with capacity usable bytes and returns the creator's handle,
// which owns the region: the name is removed once this handle and every other handle are closed.
//
// Validation is the core's: name must match [A-Za-z0-9_-]{1,250} and capacity must be a positive
// multiple of the page size, otherwise the error matches ErrInvalid. A live region of that name
// gives ErrExists. Two arguments that C cannot carry give the core's -22 error too: a name
// containing a NUL byte (C would silently truncate it) and a negative capacity.
func Create(name string, capacity int) (*Region, error) {
	if err := load(); err != nil {
		return nil, err
	}
	if capacity < 0 || strings.IndexByte(name, 0) >= 0 {
		return nil, newError("create", name, CodeInvalid)
	}
	h, rc := coreCreate(name, uintptr(capacity))
	if rc != 0 {
		return nil, newError("create", name, rc)
	}
	return newRegion(h, name), nil
}

// Open opens the existing region name. The handle can read, write, notify and wait, but does not
// own the region. A name with no live region gives ErrNotFound, a segment that fails the core's
// validation ErrCorrupted, an OS refusal ErrPermission, a bad name (a NUL in it included)
// ErrInvalid.
func Open(name string) (*Region, error) {
	if err := load(); err != nil {
		return nil, err
	}
	if strings.IndexByte(name, 0) >= 0 {
		return nil, newError("open", name, CodeInvalid)
	}
	h, rc := coreOpen(name)
	if rc != 0 {
		return nil, newError("open", name, rc)
	}
	return newRegion(h, name), nil
}

func newRegion(h handle, name string) *Region {
	return &Region{name: name, h: h, data: coreData(h), timeoutErr: newError("wait", name, CodeTimedOut)}
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
	if r.closed.Load() {
		return nil
	}
	return r.data
}

// Capacity returns the number of usable bytes (len(Bytes())), or 0 after Close.
func (r *Region) Capacity() int { return len(r.Bytes()) }

// Notify increments the region's notification counter and wakes every waiter, in every process.
// Notifications coalesce: it is a "data changed" signal, not a queue. After Close it does
// nothing (like zinc_notify on a closed handle).
func (r *Region) Notify() {
	if !r.closed.Load() {
		cNotify(r.h)
	}
}

// Wait returns nil as soon as the region's notification counter differs from the value this
// handle last saw (at once if a Notify happened since, this handle's own included), an error
// matching ErrTimedOut after timeoutMs milliseconds, or one matching ErrClosed (the core's -9)
// when the handle is closed, also by a Close from another goroutine while Wait blocks. Wait(0)
// polls; Wait(WaitForever) has no timeout.
//
// Wait is one call into the core with the caller's timeout; it blocks only the calling goroutine
// (the cgo call runs on its own OS thread). Several goroutines waiting on one Region share the
// handle's last seen value: one notification may release one or all of them; give each waiting
// goroutine its own Open handle when each must see every notification.
func (r *Region) Wait(timeoutMs uint32) error {
	if r.closed.Load() {
		return newError("wait", r.name, CodeClosed)
	}
	switch rc := coreWait(r.h, timeoutMs); rc {
	case 0:
		return nil
	case CodeTimedOut:
		return r.timeoutErr
	default:
		return newError("wait", r.name, rc)
	}
}

// Close closes the handle: Bytes then returns nil, Capacity 0, Wait and View the ErrClosed
// error, Notify does nothing; a second Close is a no-op returning nil. A Wait blocked in another
// goroutine returns the ErrClosed error. The mapping is unmapped at once, unless Views are
// still held: then the core's handle is closed (unmapped, and a blocked Wait woken) when the last
// View is released. Close always returns nil; it satisfies io.Closer.
//
// There is no finalizer: a Region that is never closed stays mapped until the process exits
// (closing behind the program's back would invalidate slices from Bytes). Always Close, e.g.
// with defer.
func (r *Region) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed.Swap(true) {
		return nil
	}
	if r.views > 0 {
		r.pending = true
		return nil
	}
	cClose(r.h)
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

// View returns a new lease on the data area, or the ErrClosed error after Close.
func (r *Region) View() (*View, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed.Load() {
		return nil, newError("view", r.name, CodeClosed)
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
	if r.views == 0 && r.pending {
		r.pending = false
		cClose(r.h)
	}
}
