package zinc

// The core is loaded at run time with dlopen/dlsym instead of being linked with -lzinc_core, so
// that an explicit ZINC_LIB wins (SPEC §7) over any library the dynamic loader would find, and so
// that a program builds without the core and reports a clear error from Create/Open when no core
// can be loaded. The order is docs/ADAPTER_CONTRACT.md §2 (see README "Finding libzinc_core.so").
//
// zinc.h is this module's copy of include/zinc.h (`go generate` refreshes it; `make lint-go` and
// the suite fail when it differs). The function pointer types are taken from it with __typeof__,
// so a change of a signature in the header breaks this build instead of the ABI.
//
// Handles travel as uintptr_t on the Go side: the core's handles are slot numbers, not pointers,
// and the Go garbage collector must never see them in a pointer-typed variable.

//go:generate cp ../../include/zinc.h zinc.h

/*
#cgo CFLAGS: -O2
#cgo LDFLAGS: -ldl
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
// side copies it at once). Called under sync.Once.
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

static int32_t zg_create(const char *name, uintptr_t cap, uintptr_t *out) {
	ZincHandle h = NULL;
	int32_t rc = zg.create(name, cap, &h);
	*out = (uintptr_t)h;
	return rc;
}
static int32_t zg_open(const char *name, uintptr_t *out) {
	ZincHandle h = NULL;
	int32_t rc = zg.open(name, &h);
	*out = (uintptr_t)h;
	return rc;
}
static uint8_t *zg_ptr(uintptr_t h) { return zg.ptr((ZincHandle)h); }
static uintptr_t zg_capacity(uintptr_t h) { return zg.capacity((ZincHandle)h); }
static void zg_close(uintptr_t h) { zg.close((ZincHandle)h); }
static void zg_notify(uintptr_t h) { zg.notify((ZincHandle)h); }
static int32_t zg_wait(uintptr_t h, uint32_t ms) { return zg.wait((ZincHandle)h, ms); }
static const char *zg_strerror(int32_t code) { return zg.strerror(code); }
*/
import "C"

import (
	"fmt"
	"os"
	"reflect"
	"strings"
	"sync"
	"unsafe"

	"zinc.dev/zinc/internal/abi"
)

// handle is a ZincHandle as the Go side holds it: an opaque number, never dereferenced.
type handle uintptr

// The FFI: one Go function per C ABI function, typed with the C types of include/zinc.h (a
// handle as handle, any pointer as a pointer). Everything else in the package calls these.
func cCreate(name *C.char, capacity C.uintptr_t, out *handle) C.int32_t {
	return C.zg_create(name, capacity, (*C.uintptr_t)(unsafe.Pointer(out)))
}
func cOpen(name *C.char, out *handle) C.int32_t {
	return C.zg_open(name, (*C.uintptr_t)(unsafe.Pointer(out)))
}
func cPtr(h handle) *C.uint8_t                { return C.zg_ptr(C.uintptr_t(h)) }
func cCapacity(h handle) C.uintptr_t          { return C.zg_capacity(C.uintptr_t(h)) }
func cClose(h handle)                         { C.zg_close(C.uintptr_t(h)) }
func cNotify(h handle)                        { C.zg_notify(C.uintptr_t(h)) }
func cWait(h handle, ms C.uint32_t) C.int32_t { return C.zg_wait(C.uintptr_t(h), ms) }
func cStrerror(code C.int32_t) *C.char        { return C.zg_strerror(code) }

// ffiTable names the functions above by their C names; the agent's `abi` command prints their
// signatures (read from the Go types by reflection) for scripts/check_bindings.py.
var ffiTable = []struct {
	name string
	fn   any
}{
	{"zinc_create", cCreate},
	{"zinc_open", cOpen},
	{"zinc_ptr", cPtr},
	{"zinc_capacity", cCapacity},
	{"zinc_close", cClose},
	{"zinc_notify", cNotify},
	{"zinc_wait", cWait},
	{"zinc_strerror", cStrerror},
}

// abiType normalises a Go parameter type of the FFI to the names of the bindings check.
func abiType(t reflect.Type) string {
	switch t {
	case reflect.TypeOf(handle(0)):
		return "ptr"
	case reflect.TypeOf(C.uintptr_t(0)):
		return "usize"
	}
	switch t.Kind() {
	case reflect.Int32:
		return "i32"
	case reflect.Uint32:
		return "u32"
	case reflect.Uintptr:
		return "usize"
	case reflect.Pointer, reflect.UnsafePointer:
		return "ptr"
	}
	return "?" + t.String()
}

func init() {
	for _, f := range ffiTable {
		t := reflect.TypeOf(f.fn)
		fn := abi.Fn{Name: f.name, Ret: "void"}
		if t.NumOut() == 1 {
			fn.Ret = abiType(t.Out(0))
		}
		for i := range t.NumIn() {
			fn.Args = append(fn.Args, abiType(t.In(i)))
		}
		abi.Fns = append(abi.Fns, fn)
	}
}

// The places the loader tries when ZINC_LIB is not set: the dynamic loader's search by name
// (LD_LIBRARY_PATH, the ldconfig cache, the default directories), SONAME first.
var loaderNames = []string{"libzinc_core.so.0", "libzinc_core.so"}

var (
	loadOnce sync.Once
	loadErr  error
)

// load loads the core once per process (success or failure is cached); ZINC_LIB is read at the
// first Create/Open.
func load() error {
	loadOnce.Do(func() {
		if path := os.Getenv("ZINC_LIB"); path != "" {
			if e := dlopen(path); e != "" {
				loadErr = fmt.Errorf("zinc: cannot load libzinc_core.so: tried ZINC_LIB=%s: %s "+
					"(an explicit ZINC_LIB is never replaced by another copy)", path, e)
			}
			return
		}
		tried := []string{"ZINC_LIB (not set)"}
		for _, name := range loaderNames {
			e := dlopen(name)
			if e == "" {
				return
			}
			tried = append(tried, fmt.Sprintf("%s through the dynamic loader "+
				"(LD_LIBRARY_PATH, ldconfig cache, /lib, /usr/lib): %s", name, e))
		}
		loadErr = fmt.Errorf("zinc: cannot load libzinc_core.so; tried: %s", strings.Join(tried, "; "))
	})
	return loadErr
}

func dlopen(path string) string {
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	if e := C.zg_load(cpath); e != nil {
		return C.GoString(e)
	}
	return ""
}

// LibraryError reports why the core library could not be loaded, or nil once it is loaded. It
// loads the library if no call did yet.
func LibraryError() error { return load() }

// strerror returns the core's message for code. The library must be loaded.
func strerror(code int32) string { return C.GoString(cStrerror(C.int32_t(code))) }

func coreCreate(name string, capacity uintptr) (handle, int32) {
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	var h handle
	rc := cCreate(cname, C.uintptr_t(capacity), &h)
	return h, int32(rc)
}

func coreOpen(name string) (handle, int32) {
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	var h handle
	rc := cOpen(cname, &h)
	return h, int32(rc)
}

// coreData is the data area of a live handle as a slice over the mapping (nil if none).
func coreData(h handle) []byte {
	p, n := cPtr(h), uintptr(cCapacity(h))
	if p == nil || n == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(p)), n)
}

func coreWait(h handle, ms uint32) int32 { return int32(cWait(h, C.uint32_t(ms))) }
