package zinc

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
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
	if ze.Code != code {
		t.Fatalf("code %d (%v), want %d", ze.Code, err, code)
	}
	if want := strerror(int32(code)); ze.Msg != want || want == "" {
		t.Fatalf("message %q, want the core's %q", ze.Msg, want)
	}
	if !strings.Contains(err.Error(), ze.Msg) {
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
	w.mu.RLock()
	p := cPtr(w.h)
	w.mu.RUnlock()
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
	if err := w.Notify(); err != nil {
		t.Fatal(err)
	}
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
	if err := r.Notify(); err != nil {
		t.Fatal(err)
	}
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
		if err := w.Notify(); err != nil {
			t.Fatal(err)
		}
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
	for _, ms := range []uint32{0, 1, waitSliceMs, waitSliceMs + 1, 3*waitSliceMs + 7} {
		err := r.Wait(ms)
		checkCode(t, err, CodeTimedOut, ErrTimedOut)
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
			if err := w.Notify(); err != nil {
				t.Fatal(err)
			}
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
	if !errors.Is(r.Notify(), ErrClosed) || !errors.Is(r.Wait(0), ErrClosed) || !errors.Is(r.Wait(1000), ErrClosed) {
		t.Fatal("Notify/Wait after Close must return ErrClosed")
	}
	if !errors.Is(r.Wait(0), fs.ErrClosed) {
		t.Fatal("ErrClosed should match fs.ErrClosed")
	}
	if _, err := r.View(); !errors.Is(err, ErrClosed) {
		t.Fatalf("View after Close: %v", err)
	}
	if r.Bytes() != nil || r.Capacity() != 0 {
		t.Fatal("Bytes/Capacity after Close must be nil/0")
	}
	if shmExists(name) {
		t.Fatal("region still in /dev/shm after close")
	}
}

func TestCloseDuringBlockedWait(t *testing.T) {
	r, err := Create(uniqueName(), page)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- r.Wait(WaitForever) }()
	time.Sleep(100 * time.Millisecond) // let the waiter block (the outcome is the same either way)
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if !errors.Is(err, ErrClosed) {
			t.Fatalf("Wait interrupted by Close returned %v, want ErrClosed", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Wait(WaitForever) did not return after Close")
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
						err = r.Notify()
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
	if !errors.Is(r.Notify(), ErrClosed) || r.Bytes() != nil {
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

// corePath is the library this test process loaded: ZINC_LIB, or the repository's build.
func corePath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("ZINC_LIB"); p != "" {
		return p
	}
	p, err := filepath.Abs("../../target/release/libzinc_core.so")
	if err != nil {
		t.Fatal(err)
	}
	return p
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

// ZINC_LIB wins over the RUNPATH default, and a ZINC_LIB that cannot be loaded is a clear error.
func TestZincLibEnvironment(t *testing.T) {
	libCopy := filepath.Join(t.TempDir(), "libzinc_core.so")
	copyFile(t, corePath(t), libCopy)
	p := startPeer(t, "load", uniqueName(), 0, 0, []string{"ZINC_LIB=" + libCopy}, nil, "")
	p.expect("OK mapped=true")
	p.wait()

	missing := filepath.Join(t.TempDir(), "nope", "libzinc_core.so")
	p = startPeer(t, "load", uniqueName(), 0, 0, []string{"ZINC_LIB=" + missing}, nil, "")
	got := p.line()
	if !strings.HasPrefix(got, "LOADERR zincError=false ") || !strings.Contains(got, missing) {
		t.Fatalf("peer with a missing ZINC_LIB said %q", got)
	}
	p.wait()

	// Without ZINC_LIB the RUNPATH (or LD_LIBRARY_PATH) finds the repository's build.
	cmd := exec.Command(mustExe(t))
	cmd.Env = append(withoutEnv("ZINC_LIB"), envPeer+"=load", envName+"="+uniqueName())
	out, err := cmd.Output()
	if err != nil || strings.TrimSpace(string(out)) != "OK mapped=false" {
		t.Fatalf("peer without ZINC_LIB: %v %q", err, out)
	}
}

func mustExe(t *testing.T) string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return exe
}

func withoutEnv(key string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, key+"=") {
			env = append(env, kv)
		}
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
	if errors.Unwrap(newError("open", "x", CodeNotFound)) != nil {
		t.Fatal("Zinc's own codes must not unwrap to an errno")
	}
}
