// Command zinc-agent is the Go adapter's conformance agent (tests/matrix/README.md): it drives
// Zinc only through package zinc's public API, one command per stdin line, one reply per stdout
// line.
//
//	zinc-agent serve
package main

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"zinc.dev/zinc"
	"zinc.dev/zinc/internal/abi"
)

const waitMs = 30000

func pattern(seed, i int) byte { return byte(((i ^ (i >> 8) ^ (i >> 16)) + seed) & 0xFF) }
func reply(seed, i int) byte   { return 255 - pattern(seed, i) }

type agent struct {
	in  *bufio.Scanner
	out *bufio.Writer
}

// say prints one reply line and flushes it at once.
func (a *agent) say(format string, args ...any) {
	fmt.Fprintf(a.out, format+"\n", args...)
	a.out.Flush()
}

// fail reports a Zinc error as "FAIL <code> <message>", anything else as "FAIL <why>".
func (a *agent) fail(err error) {
	var ze *zinc.Error
	if errors.As(err, &ze) {
		a.say("FAIL %d %s", ze.Code(), ze.Message())
		return
	}
	a.say("FAIL %v", err)
}

func main() {
	if len(os.Args) != 2 || os.Args[1] != "serve" {
		fmt.Fprintln(os.Stderr, "usage: zinc-agent serve")
		os.Exit(2)
	}
	a := &agent{in: bufio.NewScanner(os.Stdin), out: bufio.NewWriter(os.Stdout)}
	a.in.Buffer(make([]byte, 64*1024), 1<<20)
	for a.in.Scan() {
		f := strings.Fields(a.in.Text())
		if len(f) == 0 {
			continue
		}
		switch cmd, args := f[0], f[1:]; {
		case cmd == "quit":
			return
		case cmd == "writer" && (len(args) == 3 || len(args) == 4 && args[3] == "noreply"):
			capacity, err1 := strconv.Atoi(args[1])
			seed, err2 := strconv.Atoi(args[2])
			if err1 != nil || err2 != nil {
				a.say("FAIL bad arguments: %s", a.in.Text())
				continue
			}
			a.writer(args[0], capacity, seed, len(args) == 3)
		case cmd == "reader" && (len(args) == 2 || len(args) == 3 && args[2] == "noreply"):
			seed, err := strconv.Atoi(args[1])
			if err != nil {
				a.say("FAIL bad arguments: %s", a.in.Text())
				continue
			}
			a.reader(args[0], seed, len(args) == 2)
		case cmd == "checksum" && len(args) == 1:
			a.checksum(args[0])
		case cmd == "errors" && len(args) == 0:
			a.errors()
		case cmd == "abi" && len(args) == 0:
			a.abi()
		default:
			a.say("FAIL unknown command: %s", a.in.Text())
		}
	}
	if err := a.in.Err(); err != nil {
		fmt.Fprintln(os.Stderr, "zinc-agent: reading stdin:", err)
		os.Exit(1)
	}
}

func (a *agent) writer(name string, capacity, seed int, wantReply bool) {
	r, err := zinc.Create(name, capacity)
	if err != nil {
		a.fail(err)
		return
	}
	defer r.Close()
	a.say("READY")
	if !a.in.Scan() { // the driver's GO
		a.say("FAIL no GO line")
		return
	}
	b := r.Bytes()
	for i := range b {
		b[i] = pattern(seed, i)
	}
	r.Notify()
	if wantReply {
		bad := -1
		err := awaitReply(r, func() bool {
			bad = -1
			for i := range b {
				if b[i] != reply(seed, i) {
					bad = i
					return false
				}
			}
			return true
		})
		if err != nil {
			a.fail(err)
			return
		}
		if bad >= 0 {
			a.say("FAIL byte %d is %d, want reply %d", bad, b[bad], reply(seed, bad))
			return
		}
	}
	if err := r.Close(); err != nil {
		a.fail(err)
		return
	}
	a.say("PASS")
}

// awaitReply waits, after this handle's own Notify, until done() (the peer's answer is in the
// data), within waitMs in all. A handle also sees its own notify (SPEC §6: Wait returns when the
// counter differs from the value this handle last saw), so a wake-up is only a hint: the data is
// checked after every one.
func awaitReply(r *zinc.Region, done func() bool) error {
	deadline := time.Now().Add(waitMs * time.Millisecond)
	for !done() {
		left := time.Until(deadline).Milliseconds()
		if err := r.Wait(uint32(max(left, 0))); err != nil {
			return err
		}
	}
	return nil
}

// openAndWait opens name, says OPENED and waits for the writer's notify; nil (the failure
// already reported) when either step fails.
func (a *agent) openAndWait(name string) *zinc.Region {
	r, err := zinc.Open(name)
	if err != nil {
		a.fail(err)
		return nil
	}
	a.say("OPENED")
	if err := r.Wait(waitMs); err != nil {
		r.Close()
		a.fail(err)
		return nil
	}
	return r
}

func (a *agent) reader(name string, seed int, sendReply bool) {
	r := a.openAndWait(name)
	if r == nil {
		return
	}
	defer r.Close()
	b := r.Bytes()
	for i := range b {
		if b[i] != pattern(seed, i) {
			a.say("FAIL byte %d is %d, want pattern %d", i, b[i], pattern(seed, i))
			return
		}
	}
	if sendReply {
		for i := range b {
			b[i] = reply(seed, i)
		}
		r.Notify()
	}
	if err := r.Close(); err != nil {
		a.fail(err)
		return
	}
	a.say("PASS")
}

func (a *agent) checksum(name string) {
	r := a.openAndWait(name)
	if r == nil {
		return
	}
	defer r.Close()
	b := r.Bytes()
	var sum float64
	for i := 0; i+4 <= len(b); i += 4 {
		sum += float64(math.Float32frombits(binary.LittleEndian.Uint32(b[i:])))
	}
	done := time.Now().UnixNano()
	if err := r.Close(); err != nil {
		a.fail(err)
		return
	}
	a.say("CHECKSUM %s %d", strconv.FormatFloat(sum, 'f', 0, 64), done)
}

func (a *agent) errors() {
	report := func(label string, r *zinc.Region, err error) {
		var ze *zinc.Error
		switch {
		case err == nil:
			if r != nil {
				r.Close()
			}
			a.say("%s 0 success", label)
		case errors.As(err, &ze):
			a.say("%s %d %s", label, ze.Code(), ze.Message())
		default:
			a.say("%s 0 %v", label, err)
		}
	}
	pid := os.Getpid()
	r, err := zinc.Create("bad/name", 4096)
	report("create_bad_name", r, err)
	r, err = zinc.Create(fmt.Sprintf("zinc_parity_%d", pid), 1000)
	report("create_bad_size", r, err)
	r, err = zinc.Open(fmt.Sprintf("zinc_parity_missing_%d", pid))
	report("open_missing", r, err)
	r, err = zinc.Open("zinc\x00nul")
	report("open_nul_name", r, err)
	if r, err = zinc.Create(fmt.Sprintf("zinc_parity_closed_%d", pid), 4096); err == nil {
		r.Close()
		err = r.Wait(0)
		r = nil
	}
	report("wait_closed", r, err)
	if r, err = zinc.Create(fmt.Sprintf("zinc_parity_dc_%d", pid), 4096); err == nil {
		if err = r.Close(); err == nil {
			err = r.Close()
		}
		r = nil
	}
	report("double_close", r, err)
	a.say("DONE")
}

// abi prints what package zinc declares: its code constants, the message of its error for each
// code, and its FFI declarations of the eight functions (tests/matrix/README.md).
func (a *agent) abi() {
	for _, c := range abi.Consts {
		a.say("const %s %d", c.Name, c.Value)
	}
	for _, code := range []int{-1, -2, -9, -11, -17, -22, -28, -74, -110} {
		a.say("message %d %s", code, abi.Message(code))
	}
	for _, f := range abi.Fns {
		a.say("fn %s %s %s", f.Name, f.Ret, strings.Join(f.Args, " "))
	}
	a.say("DONE")
}
