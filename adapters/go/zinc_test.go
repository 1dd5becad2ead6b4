package zinc

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

const page = 4096

func mustCreate(t *testing.T, name string, capacity int) *Region {
	t.Helper()
	r, err := Create(name, capacity)
	if err != nil {
		t.Fatalf("Create(%q, %d): %v", name, capacity, err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func mustOpen(t *testing.T, name string) *Region {
	t.Helper()
	r, err := Open(name)
	if err != nil {
		t.Fatalf("Open(%q): %v", name, err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// checkCode asserts err is an *Error with the given code, the core's message, the sentinel match.
func checkCode(t *testing.T, err error, code int, sentinel error) {
	t.Helper()
	if err == nil {
		t.Fatalf("got nil error, want code %d", code)
	}
	var ze *Error
	if !errors.As(err, &ze) {
		t.Fatalf("error %v (%T) is not a *zinc.Error", err, err)
	}
	if ze.Code() != code {
		t.Fatalf("code %d (%v), want %d", ze.Code(), err, code)
	}
	if want := strerror(int32(code)); ze.Message() != want || want == "" {
		t.Fatalf("message %q, want the core's %q", ze.Message(), want)
	}
	if !strings.Contains(err.Error(), ze.Message()) {
		t.Fatalf("Error() %q lacks the core message", err.Error())
	}
	if !errors.Is(err, sentinel) {
		t.Fatalf("errors.Is(%v, %v) is false", err, sentinel)
	}
	for _, other := range []error{ErrNotFound, ErrExists, ErrInvalid, ErrCorrupted, ErrTimedOut, ErrPermission, ErrRingFull, ErrClosed} {
		if other != sentinel && errors.Is(err, other) {
			t.Fatalf("errors.Is(%v, %v) is true", err, other)
		}
	}
}

func TestLibraryLoads(t *testing.T) {
	if err := LibraryError(); err != nil {
		t.Fatal(err)
	}
}

func TestZeroCopyAndCapacity(t *testing.T) {
	name := uniqueName()
	w := mustCreate(t, name, 2*page)
	r := mustOpen(t, name)
	if w.Capacity() != 2*page || r.Capacity() != 2*page || len(w.Bytes()) != 2*page {
		t.Fatalf("capacity %d/%d, want %d", w.Capacity(), r.Capacity(), 2*page)
	}
	if w.Name() != name {
		t.Fatalf("Name() = %q", w.Name())
	}
	// The slice is the core's data pointer itself, not a copy.
	p := unsafe.Pointer(cPtr(w.h))
	if unsafe.Pointer(&w.Bytes()[0]) != p {
		t.Fatal("Bytes() does not start at zinc_ptr")
	}
	native := unsafe.Slice((*byte)(p), 2*page)
	native[5] = 0x5A
	if w.Bytes()[5] != 0x5A {
		t.Fatal("a write through the native pointer is not visible in Bytes()")
	}
	w.Bytes()[2*page-1] = 0xC3
	if native[2*page-1] != 0xC3 {
		t.Fatal("a write through Bytes() is not visible through the native pointer")
	}
	// Two handles (two mappings) share the pages.
	if r.Bytes()[5] != 0x5A || r.Bytes()[2*page-1] != 0xC3 {
		t.Fatal("the opener does not see the creator's writes")
	}
	r.Bytes()[100] = 7
	if w.Bytes()[100] != 7 {
		t.Fatal("the creator does not see the opener's writes")
	}
}

func TestCrossProcessGoWriterPeerReader(t *testing.T) {
	name := uniqueName()
	const seed = 42
	w := mustCreate(t, name, 3*page)
	p := startPeer(t, "reader", name, seed, 0, nil, nil, "")
	p.expect("OPENED")
	b := w.Bytes()
	for i := range b {
		b[i] = pattern(seed, i)
	}
	w.Notify()
	if err := awaitReply(w, func() bool { return isReply(b, seed) }); err != nil {
		t.Fatalf("waiting for the peer's reply: %v", err)
	}
	for i := range b {
		if b[i] != reply(seed, i) {
			t.Fatalf("byte %d is %d, want the peer's reply %d", i, b[i], reply(seed, i))
		}
	}
	p.expect("PASS 12288")
	p.wait()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if shmExists(name) {
		t.Fatal("region still in /dev/shm after the last close")
	}
}

func TestCrossProcessPeerWriterGoReader(t *testing.T) {
	name := uniqueName()
	const seed = 7
	p := startPeer(t, "writer", name, seed, page, nil, nil, "")
	p.expect("READY")
	r := mustOpen(t, name)
	if r.Capacity() != page {
		t.Fatalf("capacity %d", r.Capacity())
	}
	p.send("GO")
	if err := r.Wait(30000); err != nil {
		t.Fatal(err)
	}
	b := r.Bytes()
	for i := range b {
		if b[i] != pattern(seed, i) {
			t.Fatalf("byte %d is %d, want %d", i, b[i], pattern(seed, i))
		}
		b[i] = reply(seed, i)
	}
	r.Notify()
	p.expect("PASS 4096")
	p.wait()
	r.Close()
	if shmExists(name) {
		t.Fatal("region still in /dev/shm after the last close")
	}
}

func TestOwnershipAcrossProcesses(t *testing.T) {
	name := uniqueName()
	w := mustCreate(t, name, page)
	p := startPeer(t, "hold", name, 0, 0, nil, nil, "")
	p.expect("OPENED")
	w.Close()
	if !shmExists(name) {
		t.Fatal("the name was removed while another process still holds the region")
	}
	// Still live: a new handle can open it and sees the peer's mapping.
	r := mustOpen(t, name)
	r.Close()
	p.send("close")
	p.expect("CLOSED")
	p.wait()
	if shmExists(name) {
		t.Fatal("the name outlived its last handle")
	}
	_, err := Open(name)
	checkCode(t, err, CodeNotFound, ErrNotFound)
}

func TestCreatorKilledRegionIsReclaimed(t *testing.T) {
	name := uniqueName()
	p := startPeer(t, "create-hold", name, 0, page, nil, nil, "")
	p.expect("READY")
	if err := p.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	p.cmd.Wait()
	// Every handle's process died: the region is stale. Open says NotFound, Create reclaims.
	_, err := Open(name)
	checkCode(t, err, CodeNotFound, ErrNotFound)
	r, err := Create(name, page)
	if err != nil {
		t.Fatalf("Create over a stale region: %v", err)
	}
	r.Close()
	if shmExists(name) {
		t.Fatal("region still in /dev/shm after close")
	}
}

func TestNotifyWaitInProcess(t *testing.T) {
	name := uniqueName()
	w := mustCreate(t, name, page)
	r := mustOpen(t, name)
	checkCode(t, r.Wait(0), CodeTimedOut, ErrTimedOut)
	// Notifications coalesce: three notifies release one wait.
	for range 3 {
		w.Notify()
	}
	if err := r.Wait(0); err != nil {
		t.Fatalf("Wait(0) after Notify: %v", err)
	}
	checkCode(t, r.Wait(0), CodeTimedOut, ErrTimedOut)
	// A handle also sees its own notifications (SPEC §6: the counter differs from its last value).
	if err := w.Wait(0); err != nil {
		t.Fatalf("creator Wait(0) after its own Notify: %v", err)
	}
	checkCode(t, w.Wait(0), CodeTimedOut, ErrTimedOut)
	// A long timeout returns at once when a notification is pending.
	w.Notify()
	if err := r.Wait(WaitForever); err != nil {
		t.Fatal(err)
	}
}

func TestWaitTimeouts(t *testing.T) {
	r := mustCreate(t, uniqueName(), page)
	for _, ms := range []uint32{0, 1, 50, 157} {
		start := time.Now()
		err := r.Wait(ms)
		checkCode(t, err, CodeTimedOut, ErrTimedOut)
		if took := time.Since(start); took < time.Duration(ms)*time.Millisecond {
			t.Fatalf("Wait(%d) timed out after %v", ms, took)
		}
		if !strings.Contains(err.Error(), r.Name()) {
			t.Fatalf("timeout error %q does not name the region", err)
		}
	}
}

func TestWaitWakesBlockedGoroutine(t *testing.T) {
	name := uniqueName()
	w := mustCreate(t, name, page)
	for _, timeout := range []uint32{WaitForever, 60000} {
		r := mustOpen(t, name)
		done := make(chan error, 1)
		go func() { done <- r.Wait(timeout) }()
		// Other goroutines keep running while one is blocked in Wait.
		for range 100 {
			w.Notify()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("Wait(%d): %v", timeout, err)
				}
				r.Close()
				goto next
			case <-time.After(10 * time.Millisecond):
			}
		}
		t.Fatalf("Wait(%d) was not woken by Notify", timeout)
	next:
	}
}

func TestClosedRegion(t *testing.T) {
	name := uniqueName()
	r, err := Create(name, page)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	r.Notify() // a no-op, like zinc_notify on a closed handle
	// Wait and View after Close: the core's -9 and its message.
	for _, ms := range []uint32{0, 1000, WaitForever} {
		checkCode(t, r.Wait(ms), CodeClosed, ErrClosed)
	}
	if !errors.Is(r.Wait(0), fs.ErrClosed) {
		t.Fatal("ErrClosed should match fs.ErrClosed")
	}
	_, err = r.View()
	checkCode(t, err, CodeClosed, ErrClosed)
	if r.Bytes() != nil || r.Capacity() != 0 {
		t.Fatal("Bytes/Capacity after Close must be nil/0")
	}
	// The core refuses the closed handle itself, too.
	if rc := coreWait(r.h, 0); rc != CodeClosed {
		t.Fatalf("zinc_wait on the closed handle gave %d, want %d", rc, CodeClosed)
	}
	if cPtr(r.h) != nil || cCapacity(r.h) != 0 {
		t.Fatal("zinc_ptr/zinc_capacity of a closed handle must be NULL/0")
	}
	if shmExists(name) {
		t.Fatal("region still in /dev/shm after close")
	}
}

// Close from another goroutine while Wait(WaitForever) blocks in the core: the core wakes the
// waiter, which returns the -9 error promptly.
func TestCloseDuringBlockedWait(t *testing.T) {
	for _, timeout := range []uint32{WaitForever, 60000} {
		name := uniqueName()
		r, err := Create(name, page)
		if err != nil {
			t.Fatal(err)
		}
		o := mustOpen(t, name) // another handle on the region stays usable
		done := make(chan error, 1)
		go func() { done <- r.Wait(timeout) }()
		time.Sleep(200 * time.Millisecond) // let the waiter park in the core
		select {
		case err := <-done:
			t.Fatalf("Wait returned before Close: %v", err)
		default:
		}
		start := time.Now()
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-done:
			checkCode(t, err, CodeClosed, ErrClosed)
			if took := time.Since(start); took > 2*time.Second {
				t.Fatalf("the waiter took %v", took)
			}
		case <-time.After(2 * time.Second):
			t.Fatalf("Wait(%d) did not return within 2 s of Close", timeout)
		}
		o.Notify()
		if err := o.Wait(0); err != nil {
			t.Fatalf("the other handle: %v", err)
		}
	}
}

// Close racing with every other method: run with -race. No call may crash or return anything but
// success or ErrClosed (or a timeout for Wait).
func TestConcurrentCloseWithOtherMethods(t *testing.T) {
	for round := range 20 {
		name := uniqueName()
		r, err := Create(name, page)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make(chan error, 64)
		for g := range 6 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; ; i++ {
					var err error
					switch (g + i) % 5 {
					case 0:
						r.Notify()
					case 1:
						err = r.Wait(0)
						if errors.Is(err, ErrTimedOut) {
							err = nil
						}
					case 2:
						if b := r.Bytes(); b != nil {
							b[g] = byte(i)
						} else {
							err = ErrClosed
						}
					case 3:
						var v *View
						if v, err = r.View(); err == nil {
							v.Bytes()[len(v.Bytes())-1-g] = byte(i)
							v.Release()
						}
					case 4:
						err = r.Wait(2)
						if errors.Is(err, ErrTimedOut) {
							err = nil
						}
					}
					if errors.Is(err, ErrClosed) {
						return
					}
					if err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		time.Sleep(time.Duration(round%4) * time.Millisecond)
		var cg sync.WaitGroup
		for range 2 { // two concurrent Closes
			cg.Add(1)
			go func() { defer cg.Done(); r.Close() }()
		}
		cg.Wait()
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("unexpected error: %v", err)
		}
		if shmExists(name) {
			t.Fatal("region still in /dev/shm after close")
		}
	}
}

func TestViewDefersUnmap(t *testing.T) {
	name := uniqueName()
	r, err := Create(name, page)
	if err != nil {
		t.Fatal(err)
	}
	v1, err := r.View()
	if err != nil {
		t.Fatal(err)
	}
	v2, _ := r.View()
	if &v1.Bytes()[0] != &r.Bytes()[0] {
		t.Fatal("a View is not the region's data area")
	}
	r.Close()
	if !errors.Is(r.Wait(0), ErrClosed) || r.Bytes() != nil {
		t.Fatal("the region must behave as closed while Views are held")
	}
	// The mapping stays valid for the views; the creator's handle is not yet closed.
	b := v1.Bytes()
	b[0], b[page-1] = 1, 2
	if v2.Bytes()[0] != 1 || v2.Bytes()[page-1] != 2 {
		t.Fatal("views do not share the mapping")
	}
	if !shmExists(name) {
		t.Fatal("the handle was closed while Views were held")
	}
	v1.Release()
	v1.Release() // harmless
	if v1.Bytes() != nil {
		t.Fatal("Bytes after Release must be nil")
	}
	if !shmExists(name) {
		t.Fatal("the handle was closed while a View was still held")
	}
	v2.Release()
	if shmExists(name) {
		t.Fatal("the last Release of a closed region did not close it")
	}
	// Views released before Close: Close unmaps at once.
	name = uniqueName()
	r, _ = Create(name, page)
	v, _ := r.View()
	v.Release()
	r.Close()
	if shmExists(name) {
		t.Fatal("Close after every View was released did not close")
	}
}

func TestErrorPaths(t *testing.T) {
	name := uniqueName()
	mustCreate(t, name, page)
	_, err := Create(name, page)
	checkCode(t, err, CodeExists, ErrExists)
	if !errors.Is(err, fs.ErrExist) {
		t.Fatal("ErrExists should match fs.ErrExist")
	}
	_, err = Open(uniqueName())
	checkCode(t, err, CodeNotFound, ErrNotFound)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatal("ErrNotFound should match fs.ErrNotExist")
	}
	invalid := []struct {
		name     string
		capacity int
	}{
		{"bad/name", page},
		{"", page},
		{"spa ce", page},
		{"dot.ted", page},
		{"caf\u00e9", page},
		{strings.Repeat("a", 251), page},
		{"a\x00b", page},
		{uniqueName(), 0},
		{uniqueName(), 1000},
		{uniqueName(), page + 1},
		{uniqueName(), -page},
	}
	for _, c := range invalid {
		r, err := Create(c.name, c.capacity)
		if err == nil {
			r.Close()
		}
		checkCode(t, err, CodeInvalid, ErrInvalid)
	}
	for _, n := range []string{"bad/name", "", strings.Repeat("b", 251), "a\x00b"} {
		_, err := Open(n)
		checkCode(t, err, CodeInvalid, ErrInvalid)
	}
	// The longest valid name (250 bytes) works.
	long := uniqueName() + "_"
	long += strings.Repeat("x", 250-len(long))
	r := mustCreate(t, long, page)
	r.Close()
	if shmExists(long) {
		t.Fatal("long-named region left behind")
	}
}

// A live region whose header is damaged fails validation on open with ErrCorrupted.
func TestCorruptedRegion(t *testing.T) {
	name := uniqueName()
	w := mustCreate(t, name, page)
	header := unsafe.Slice((*byte)(unsafe.Add(unsafe.Pointer(&w.Bytes()[0]), -64)), 64)
	for _, field := range []struct {
		what string
		off  int
	}{{"magic", 0}, {"version", 8}, {"capacity", 16}} {
		saved := header[field.off]
		header[field.off] ^= 0x40
		r, err := Open(name)
		if err == nil {
			r.Close()
		}
		header[field.off] = saved
		if err == nil {
			t.Fatalf("Open with a damaged %s succeeded", field.what)
		}
		checkCode(t, err, CodeCorrupted, ErrCorrupted)
	}
	mustOpen(t, name) // restored: opens again
}

// The OS refusing access maps to ErrPermission: as root, the peer runs as nobody against a
// region created with mode 0600; otherwise the object's mode is cleared.
func TestPermissionDenied(t *testing.T) {
	name := uniqueName()
	mustCreate(t, name, page)
	if os.Geteuid() != 0 {
		if err := os.Chmod(shmPath(name), 0); err != nil {
			t.Fatal(err)
		}
		_, err := Open(name)
		checkCode(t, err, CodePermission, ErrPermission)
		if !errors.Is(err, fs.ErrPermission) {
			t.Fatal("ErrPermission should match fs.ErrPermission")
		}
		return
	}
	// A copy of the test binary and of the core that user nobody can execute.
	dir := t.TempDir()
	for d := dir; d != os.TempDir() && d != "/"; d = filepath.Dir(d) {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	exe, _ := os.Executable()
	exeCopy := filepath.Join(dir, "zinc.test")
	libCopy := filepath.Join(dir, "libzinc_core.so")
	copyFile(t, exe, exeCopy)
	copyFile(t, corePath(t), libCopy)
	attr := &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	p := startPeer(t, "open", name, 0, 0, []string{"ZINC_LIB=" + libCopy}, attr, exeCopy)
	got := p.line()
	want := "FAIL -1 " + strerror(CodePermission)
	if got != want {
		t.Fatalf("peer as nobody said %q, want %q", got, want)
	}
	p.wait()
}

// corePath is the library file this test process loaded (from /proc/self/maps).
func corePath(t *testing.T) string {
	t.Helper()
	if err := LibraryError(); err != nil {
		t.Fatal(err)
	}
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(maps), "\n") {
		if f := strings.Fields(line); len(f) == 6 && strings.Contains(filepath.Base(f[5]), "libzinc_core.so") {
			return f[5]
		}
	}
	t.Fatal("libzinc_core.so is not mapped")
	return ""
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	src, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
}

// ZINC_LIB wins over the loader's search, a ZINC_LIB that cannot be loaded is a clear error with
// no fallback, and without ZINC_LIB the loader finds libzinc_core.so.0 (here: LD_LIBRARY_PATH).
func TestLibrarySearchOrder(t *testing.T) {
	dir := t.TempDir()
	libCopy := filepath.Join(dir, "libzinc_core.so")
	copyFile(t, corePath(t), libCopy)
	p := startPeer(t, "load", uniqueName(), 0, 0, []string{"ZINC_LIB=" + libCopy}, nil, "")
	p.expect("OK " + libCopy)
	p.wait()

	missing := filepath.Join(t.TempDir(), "nope", "libzinc_core.so")
	p = startPeer(t, "load", uniqueName(), 0, 0, []string{"ZINC_LIB=" + missing, "LD_LIBRARY_PATH=" + dir}, nil, "")
	got := p.line()
	if !strings.HasPrefix(got, "LOADERR zincError=false zinc: cannot load libzinc_core.so") || !strings.Contains(got, missing) {
		t.Fatalf("peer with a missing ZINC_LIB said %q", got)
	}
	p.wait()

	// Without ZINC_LIB: the SONAME through the dynamic loader.
	soname := filepath.Join(dir, "libzinc_core.so.0")
	copyFile(t, corePath(t), soname)
	out := runLoadPeer(t, "LD_LIBRARY_PATH="+dir)
	if out != "OK "+soname {
		t.Fatalf("peer with LD_LIBRARY_PATH said %q, want it to load %s", out, soname)
	}
	// Nothing to find: the error lists every place tried (unless a core is installed system-wide).
	out = runLoadPeer(t, "LD_LIBRARY_PATH="+t.TempDir())
	if strings.HasPrefix(out, "OK ") {
		t.Skipf("a system-wide core was found: %s", out)
	}
	for _, want := range []string{"zinc: cannot load libzinc_core.so; tried: ZINC_LIB (not set)", "libzinc_core.so.0 through the dynamic loader", "; libzinc_core.so through"} {
		if !strings.Contains(out, want) {
			t.Fatalf("load error %q lacks %q", out, want)
		}
	}
}

// runLoadPeer runs the "load" peer without ZINC_LIB and returns its line.
func runLoadPeer(t *testing.T, env ...string) string {
	t.Helper()
	cmd := exec.Command(mustExe(t))
	cmd.Env = append(withoutEnv("ZINC_LIB", "LD_LIBRARY_PATH"), envPeer+"=load", envName+"="+uniqueName())
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("load peer: %v %q", err, out)
	}
	return strings.TrimSpace(string(out))
}

func mustExe(t *testing.T) string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return exe
}

func withoutEnv(keys ...string) []string {
	var env []string
next:
	for _, kv := range os.Environ() {
		for _, key := range keys {
			if strings.HasPrefix(kv, key+"=") {
				continue next
			}
		}
		env = append(env, kv)
	}
	return env
}

func TestPlatformErrorUnwrapsToErrno(t *testing.T) {
	if err := LibraryError(); err != nil {
		t.Fatal(err)
	}
	err := newError("create", "x", -int32(syscall.ENOSPC))
	if !errors.Is(err, syscall.ENOSPC) || errors.Is(err, ErrInvalid) {
		t.Fatalf("%v does not unwrap to ENOSPC", err)
	}
	if errors.Unwrap(newError("open", "x", CodeNotFound)) != nil || errors.Unwrap(newError("wait", "x", CodeClosed)) != nil {
		t.Fatal("Zinc's own codes must not unwrap to an errno")
	}
}

// The module's zinc.h is include/zinc.h (go generate copies it); skipped outside the checkout.
func TestHeaderCopyIsCurrent(t *testing.T) {
	want, err := os.ReadFile("../../include/zinc.h")
	if errors.Is(err, fs.ErrNotExist) {
		t.Skip("not in the Zinc checkout")
	}
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("zinc.h")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Fatal("zinc.h differs from include/zinc.h: run go generate in adapters/go")
	}
}

// Sentinels carry the core's message, and the constant and FFI tables the agent prints are whole.
func TestSentinelsAndTables(t *testing.T) {
	for _, e := range []*Error{ErrPermission, ErrNotFound, ErrClosed, ErrRingFull, ErrExists, ErrInvalid, ErrCorrupted, ErrTimedOut} {
		if e.Message() != strerror(int32(e.Code())) {
			t.Fatalf("sentinel %d says %q", e.Code(), e.Message())
		}
	}
	if len(codes) != 9 || len(ffiTable) != 8 {
		t.Fatalf("%d constants, %d functions", len(codes), len(ffiTable))
	}
	for _, f := range ffiTable {
		typ := fmt.Sprint(reflect.TypeOf(f.fn))
		if strings.Contains(typ, "?") {
			t.Fatalf("%s: %s", f.name, typ)
		}
	}
}

// Close while a View is held defers the core's close, so a blocked Wait returns the -9 error when
// the last View is released (the real close), not before.
func TestBlockedWaitWithViewWokenAtRelease(t *testing.T) {
	r, err := Create(uniqueName(), page)
	if err != nil {
		t.Fatal(err)
	}
	v, err := r.View()
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- r.Wait(WaitForever) }()
	time.Sleep(300 * time.Millisecond) // let the waiter park in the core
	r.Close()
	select {
	case err := <-done:
		t.Fatalf("Wait returned while a View still holds the mapping: %v", err)
	case <-time.After(200 * time.Millisecond):
	}
	v.Release()
	select {
	case err := <-done:
		checkCode(t, err, CodeClosed, ErrClosed)
	case <-time.After(2 * time.Second):
		t.Fatal("Wait did not return within 2 s of the last Release")
	}
}
