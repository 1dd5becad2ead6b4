package zinc

// Cross-process helpers: the test binary re-executes itself as the peer process. TestMain runs
// the peer role named by ZINC_GO_TEST_PEER instead of the tests, and checks /dev/shm for leaks
// after the suite.

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

const (
	envPeer = "ZINC_GO_TEST_PEER"
	envName = "ZINC_GO_TEST_NAME"
	envSeed = "ZINC_GO_TEST_SEED"
	envCap  = "ZINC_GO_TEST_CAP"
)

var nameCounter atomic.Int64

// uniqueName returns a region name no other test (or concurrent suite) uses.
func uniqueName() string {
	return fmt.Sprintf("t_go_%d_%d", os.Getpid(), nameCounter.Add(1))
}

func shmPath(name string) string { return "/dev/shm/zinc_" + name }

func shmExists(name string) bool {
	_, err := os.Stat(shmPath(name))
	return err == nil
}

func pattern(seed, i int) byte { return byte(((i ^ (i >> 8) ^ (i >> 16)) + seed) & 0xFF) }
func reply(seed, i int) byte   { return 255 - pattern(seed, i) }

func TestMain(m *testing.M) {
	if role := os.Getenv(envPeer); role != "" {
		os.Exit(runPeer(role))
	}
	code := m.Run()
	prefix := fmt.Sprintf("zinc_t_go_%d_", os.Getpid())
	entries, err := os.ReadDir("/dev/shm")
	if err != nil {
		fmt.Fprintln(os.Stderr, "cannot list /dev/shm:", err)
		os.Exit(1)
	}
	var leaked []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), prefix) {
			leaked = append(leaked, e.Name())
			os.Remove(filepath.Join("/dev/shm", e.Name()))
		}
	}
	if len(leaked) > 0 {
		fmt.Fprintln(os.Stderr, "FAIL: leaked in /dev/shm:", leaked)
		code = 1
	}
	os.Exit(code)
}

// runPeer is the peer process. It prints one line per step on stdout and reads lines from stdin
// when told to wait for the test.
func runPeer(role string) int {
	name := os.Getenv(envName)
	seed, _ := strconv.Atoi(os.Getenv(envSeed))
	capacity, _ := strconv.Atoi(os.Getenv(envCap))
	in := bufio.NewScanner(os.Stdin)
	say := func(format string, args ...any) { fmt.Printf(format+"\n", args...) }
	fail := func(err error) int {
		var ze *Error
		if errors.As(err, &ze) {
			say("FAIL %d %s", ze.Code(), ze.Message())
		} else {
			say("FAIL %v", err)
		}
		return 0
	}
	switch role {
	case "reader": // open, wait, check pattern, write reply, notify, close
		r, err := Open(name)
		if err != nil {
			return fail(err)
		}
		defer r.Close()
		say("OPENED")
		if err := r.Wait(30000); err != nil {
			return fail(err)
		}
		b := r.Bytes()
		for i := range b {
			if b[i] != pattern(seed, i) {
				say("FAIL byte %d is %d, want %d", i, b[i], pattern(seed, i))
				return 0
			}
		}
		for i := range b {
			b[i] = reply(seed, i)
		}
		r.Notify()
		say("PASS %d", len(b))
	case "writer": // create, wait for GO, fill pattern, notify, wait for the reply, close
		r, err := Create(name, capacity)
		if err != nil {
			return fail(err)
		}
		defer r.Close()
		say("READY")
		in.Scan()
		b := r.Bytes()
		for i := range b {
			b[i] = pattern(seed, i)
		}
		r.Notify()
		if err := awaitReply(r, func() bool { return isReply(b, seed) }); err != nil {
			return fail(err)
		}
		for i := range b {
			if b[i] != reply(seed, i) {
				say("FAIL byte %d is %d, want %d", i, b[i], reply(seed, i))
				return 0
			}
		}
		say("PASS %d", len(b))
	case "hold": // open, then close when stdin says so
		r, err := Open(name)
		if err != nil {
			return fail(err)
		}
		say("OPENED")
		in.Scan()
		r.Close()
		say("CLOSED")
	case "create-hold": // create, then block until killed
		r, err := Create(name, capacity)
		if err != nil {
			return fail(err)
		}
		_ = r
		say("READY")
		in.Scan()
	case "open": // one Open, report the outcome
		r, err := Open(name)
		if err != nil {
			return fail(err)
		}
		r.Close()
		say("OK")
	case "load": // Create; report which library file got mapped
		r, err := Create(name, 4096)
		if err != nil {
			var ze *Error
			say("LOADERR zincError=%v %v", errors.As(err, &ze), err)
			return 0
		}
		maps, _ := os.ReadFile("/proc/self/maps")
		r.Close()
		for _, line := range strings.Split(string(maps), "\n") {
			if f := strings.Fields(line); len(f) == 6 && strings.Contains(f[5], "libzinc_core.so") {
				say("OK %s", f[5])
				return 0
			}
		}
		say("OK but no libzinc_core.so mapped")
	default:
		fmt.Fprintln(os.Stderr, "unknown peer role", role)
		return 2
	}
	return 0
}

func isReply(b []byte, seed int) bool {
	for i := range b {
		if b[i] != reply(seed, i) {
			return false
		}
	}
	return true
}

// awaitReply waits, after this handle's own Notify, until done() (the peer's answer is in the
// data), 30 s in all. A handle also sees its own notify (SPEC §6), so a wake-up is only a hint.
func awaitReply(r *Region, done func() bool) error {
	deadline := time.Now().Add(30 * time.Second)
	for !done() {
		if err := r.Wait(uint32(max(time.Until(deadline).Milliseconds(), 0))); err != nil {
			return err
		}
	}
	return nil
}

// peer is a running peer process.
type peer struct {
	t     *testing.T
	cmd   *exec.Cmd
	stdin io.WriteCloser
	lines chan string
}

// startPeer re-executes the test binary as a peer with the given role and extra environment.
func startPeer(t *testing.T, role, name string, seed, capacity int, extraEnv []string, attr *syscall.SysProcAttr, exe string) *peer {
	t.Helper()
	if exe == "" {
		var err error
		if exe, err = os.Executable(); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), envPeer+"="+role, envName+"="+name,
		envSeed+"="+strconv.Itoa(seed), envCap+"="+strconv.Itoa(capacity))
	cmd.Env = append(cmd.Env, extraEnv...)
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = attr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &peer{t: t, cmd: cmd, stdin: stdin, lines: make(chan string, 16)}
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			p.lines <- sc.Text()
		}
		close(p.lines)
	}()
	t.Cleanup(func() {
		stdin.Close()
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	return p
}

// line returns the peer's next stdout line ("" with a test failure if it exits or hangs).
func (p *peer) line() string {
	p.t.Helper()
	select {
	case l, ok := <-p.lines:
		if !ok {
			p.t.Fatal("peer exited without the expected line")
		}
		return l
	case <-time.After(60 * time.Second):
		p.t.Fatal("peer hung (no line within 60 s)")
	}
	return ""
}

func (p *peer) expect(want string) {
	p.t.Helper()
	if got := p.line(); got != want {
		p.t.Fatalf("peer said %q, want %q", got, want)
	}
}

func (p *peer) send(s string) {
	p.t.Helper()
	if _, err := io.WriteString(p.stdin, s+"\n"); err != nil {
		p.t.Fatal(err)
	}
}

// wait waits for the peer to exit and checks it exited 0.
func (p *peer) wait() {
	p.t.Helper()
	p.stdin.Close()
	if err := p.cmd.Wait(); err != nil {
		p.t.Fatalf("peer: %v", err)
	}
}
