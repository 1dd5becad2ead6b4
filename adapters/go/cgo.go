package zinc

// The core is loaded at run time with dlopen/dlsym instead of being linked with -lzinc_core, so
// that an explicit ZINC_LIB wins (SPEC §7) even over a library the dynamic linker would find, and so
// that a binary starts (and reports a clear error from Create/Open) when no core is installed.
//
// Search order (see README "Finding libzinc_core.so"):
//  1. ZINC_LIB, when set and non-empty: exactly that file; failure to load it is an error (no
//     silent fallback to another copy).
//  2. dlopen("libzinc_core.so"): the dynamic linker's normal search: LD_LIBRARY_PATH, then the
//     executable's RUNPATH, which the LDFLAGS below set to this repository's target/release
//     (so `go test` and `go run` work in a clone after `make core`), then ld.so.cache and the
//     system directories (a core installed with `ldconfig`).
//
// Function pointer types are taken from include/zinc.h with __typeof__, so a change in the
// header's signatures breaks this build instead of the ABI; the symbols themselves are never
// referenced at link time.

/*
#cgo CFLAGS: -I${SRCDIR}/../../include -O2
#cgo LDFLAGS: -ldl -Wl,-rpath,${SRCDIR}/../../target/release
#include <dlfcn.h>
#include <stdint.h>
#include <stdlib.h>
#include "zinc.h"

static struct {
	__typeof__(&zinc_create)   create;
	__typeof__(&zinc_open)     open;
	__typeof__(&zinc_ptr)      ptr;
	__typeof__(&zinc_capacity) capacity;
	__typeof__(&zinc_close)    close;
	__typeof__(&zinc_notify)   notify;
	__typeof__(&zinc_wait)     wait;
	__typeof__(&zinc_strerror) strerror;
} zg;

// zg_load returns NULL on success, otherwise the dlerror() text (thread-local in glibc; the Go
// side copies it at once). Called once, under sync.Once.
static const char *zg_load(const char *path) {
	void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (lib == NULL) return dlerror();
#define ZG_SYM(field, sym) \
	*(void **)(&zg.field) = dlsym(lib, sym); \
	if (zg.field == NULL) { const char *e = dlerror(); dlclose(lib); return e ? e : "missing symbol " sym; }
	ZG_SYM(create, "zinc_create")
	ZG_SYM(open, "zinc_open")
	ZG_SYM(ptr, "zinc_ptr")
	ZG_SYM(capacity, "zinc_capacity")
	ZG_SYM(close, "zinc_close")
	ZG_SYM(notify, "zinc_notify")
	ZG_SYM(wait, "zinc_wait")
	ZG_SYM(strerror, "zinc_strerror")
#undef ZG_SYM
	return NULL;
}

static int32_t zg_create(const char *name, uintptr_t cap, ZincHandle *out) { return zg.create(name, cap, out); }
static int32_t zg_open(const char *name, ZincHandle *out) { return zg.open(name, out); }
static uint8_t *zg_ptr(ZincHandle h) { return zg.ptr(h); }
static uintptr_t zg_capacity(ZincHandle h) { return zg.capacity(h); }
static void zg_close(ZincHandle h) { zg.close(h); }
static void zg_notify(ZincHandle h) { zg.notify(h); }
static int32_t zg_wait(ZincHandle h, uint32_t ms) { return zg.wait(h, ms); }
static const char *zg_strerror(int32_t code) { return zg.strerror(code); }
*/
import "C"

import (
	"fmt"
	"os"
	"sync"
	"unsafe"
)

// defaultLibName is what the dynamic linker searches for when ZINC_LIB is not set.
const defaultLibName = "libzinc_core.so"

var (
	loadOnce sync.Once
	loadErr  error
	// errTimeout is the error every timed-out Wait returns: built once so that a polling loop
	// (Wait(0)) does not allocate.
	errTimeout *Error
)

// load loads the core once per process. The result (success or failure) is cached: ZINC_LIB is
// read on the first Create/Open.
func load() error {
	loadOnce.Do(func() {
		path, explicit := os.LookupEnv("ZINC_LIB")
		if !explicit || path == "" {
			path = defaultLibName
		}
		cpath := C.CString(path)
		defer C.free(unsafe.Pointer(cpath))
		if e := C.zg_load(cpath); e != nil {
			how := "found by the dynamic linker (LD_LIBRARY_PATH, RUNPATH, ld.so.cache)"
			if path != defaultLibName {
				how = "from ZINC_LIB"
			}
			loadErr = fmt.Errorf("zinc: cannot load the core library %q %s: %s", path, how, C.GoString(e))
			return
		}
		errTimeout = newError("wait", "", CodeTimedOut)
	})
	return loadErr
}

// LibraryError reports why the core library could not be loaded, or nil once it is loaded. It
// loads the library if no call did yet.
func LibraryError() error { return load() }

// strerror returns the core's message for code. The library must be loaded.
func strerror(code int32) string { return C.GoString(C.zg_strerror(C.int32_t(code))) }

func cCreate(name string, capacity uintptr) (unsafe.Pointer, int32) {
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	var h C.ZincHandle
	rc := C.zg_create(cname, C.uintptr_t(capacity), &h)
	return unsafe.Pointer(h), int32(rc)
}

func cOpen(name string) (unsafe.Pointer, int32) {
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	var h C.ZincHandle
	rc := C.zg_open(cname, &h)
	return unsafe.Pointer(h), int32(rc)
}

func cPtr(h unsafe.Pointer) unsafe.Pointer { return unsafe.Pointer(C.zg_ptr(C.ZincHandle(h))) }

func cCapacity(h unsafe.Pointer) uintptr { return uintptr(C.zg_capacity(C.ZincHandle(h))) }

func cClose(h unsafe.Pointer) { C.zg_close(C.ZincHandle(h)) }

func cNotify(h unsafe.Pointer) { C.zg_notify(C.ZincHandle(h)) }

func cWait(h unsafe.Pointer, ms uint32) int32 {
	return int32(C.zg_wait(C.ZincHandle(h), C.uint32_t(ms)))
}

// cCapacityNull is a bare cgo round trip into the core (zinc_capacity(NULL) returns 0 at once):
// the baseline the benchmarks compare Notify and Wait(0) against.
func cCapacityNull() uintptr { return uintptr(C.zg_capacity(nil)) }
