// Package zinc shares bytes between processes, in any language, by mapping the same physical
// pages: it is the Go adapter of Zinc, a thin cgo wrapper over the core's C ABI (include/zinc.h).
//
// A writer creates a named region and writes into Bytes(), a []byte over the shared mapping
// (no copy); readers Open the name and see the same bytes. Notify/Wait is a coalescing
// "data changed" signal across processes.
//
//	r, err := zinc.Create("frames", 1<<20) // capacity: a positive multiple of the page size
//	if err != nil { ... }
//	defer r.Close()
//	copy(r.Bytes(), frame)
//	r.Notify()
//
//	r, err := zinc.Open("frames")
//	if errors.Is(err, zinc.ErrNotFound) { ... }
//	defer r.Close()
//	if err := r.Wait(1000); errors.Is(err, zinc.ErrTimedOut) { ... }
//	use(r.Bytes())
//
// All validation, lifecycle and synchronisation live in the core, so the Go adapter behaves
// exactly like the other languages' adapters. Errors from the core are *Error values carrying the
// core's code (Code()) and zinc_strerror message (Message()); test them with errors.Is against
// ErrNotFound, ErrExists, ErrInvalid, ErrCorrupted, ErrTimedOut, ErrPermission, ErrClosed (and
// ErrRingFull), or fs.ErrNotExist / fs.ErrExist / fs.ErrPermission / fs.ErrClosed.
//
// # View lifetime
//
// Slices from Region.Bytes point into the mapping and must not be used after Close (the usual rule
// of Go mmap packages; Go cannot track them). After Close, Wait and View return the core's -9
// error (ErrClosed), Bytes returns nil, Capacity 0, Notify and a second Close do nothing. For memory that must outlive a concurrent Close, take a View: Close then defers
// the unmap until the last View is released.
//
// # Ownership and fork
//
// Only the creator's handle owns a region; its name is removed when the creator has closed and
// no other handle is open, or when every process holding a handle has died. A forked child does
// not inherit handles' ownership (Go programs rarely fork without exec; an exec'd child must
// Open the region itself).
//
// # Finding the core
//
// The core library is loaded with dlopen on the first Create or Open: the file named by the
// ZINC_LIB environment variable when it is set (and nothing else if that fails), otherwise
// "libzinc_core.so.0", then "libzinc_core.so", through the dynamic loader (LD_LIBRARY_PATH, the
// ldconfig cache, the system's library directories). LibraryError reports a failure to load it,
// listing every place tried.
package zinc
