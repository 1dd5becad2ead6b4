package zinc

import (
	"fmt"
	"io/fs"
	"syscall"
)

// The core's fixed error codes (include/zinc.h, SPEC §3). Any other negative code is -errno of
// an OS failure (for example -28, ENOSPC, when /dev/shm is full).
const (
	CodeOK         = 0
	CodePermission = -1   // ZINC_EPERM: the OS refused access (EACCES or EPERM)
	CodeNotFound   = -2   // ZINC_ENOENT: open of a name with no live region
	CodeRingFull   = -11  // ZINC_EAGAIN: reserved for the notification ring
	CodeExists     = -17  // ZINC_EEXIST: create of a name held by a live region
	CodeInvalid    = -22  // ZINC_EINVAL: bad name, bad capacity, NULL handle
	CodeCorrupted  = -74  // ZINC_EBADMSG: bad magic, unknown version, inconsistent header
	CodeTimedOut   = -110 // ZINC_ETIMEDOUT: wait expired
)

// WaitForever is the timeout that makes Wait block until a notification (UINT32_MAX).
const WaitForever = ^uint32(0)

// Error is a failure reported by the Zinc core: Code is the core's negative code and Msg the
// core's zinc_strerror text for it, unchanged. Op is the adapter call ("create", "open",
// "wait") and Name the region name when there is one.
//
// Use errors.Is with the sentinels (ErrNotFound, ErrExists, ...) to test the kind; errors.As
// with *Error to read the code:
//
//	var ze *zinc.Error
//	if errors.As(err, &ze) { fmt.Println(ze.Code, ze.Msg) }
type Error struct {
	Op   string
	Name string
	Code int
	Msg  string
}

func (e *Error) Error() string {
	if e.Name != "" {
		return fmt.Sprintf("zinc: %s %q: %s (code %d)", e.Op, e.Name, e.Msg, e.Code)
	}
	if e.Op != "" {
		return fmt.Sprintf("zinc: %s: %s (code %d)", e.Op, e.Msg, e.Code)
	}
	return fmt.Sprintf("zinc: %s (code %d)", e.Msg, e.Code)
}

// Is reports whether target is an *Error with the same Code (so every sentinel matches the errors
// the core reports with its code), or the io/fs error of the same meaning: ErrNotFound matches
// fs.ErrNotExist, ErrExists fs.ErrExist, ErrPermission fs.ErrPermission.
func (e *Error) Is(target error) bool {
	if t, ok := target.(*Error); ok {
		return t.Code == e.Code
	}
	switch e.Code {
	case CodeNotFound:
		return target == fs.ErrNotExist
	case CodeExists:
		return target == fs.ErrExist
	case CodePermission:
		return target == fs.ErrPermission
	}
	return false
}

// Unwrap returns the OS error behind a platform failure (a code that is not one of Zinc's fixed
// codes is -errno), so errors.Is(err, syscall.ENOSPC) works; nil for Zinc's own codes.
func (e *Error) Unwrap() error {
	switch e.Code {
	case CodeOK, CodePermission, CodeNotFound, CodeRingFull, CodeExists, CodeInvalid, CodeCorrupted, CodeTimedOut:
		return nil
	}
	if e.Code < 0 {
		return syscall.Errno(-e.Code)
	}
	return nil
}

// Sentinels, one per code of SPEC §3, for errors.Is. Their Msg is a short Go-side label; errors
// returned by the API carry the core's message instead.
var (
	ErrPermission = &Error{Code: CodePermission, Msg: "permission denied"}
	ErrNotFound   = &Error{Code: CodeNotFound, Msg: "region not found"}
	ErrRingFull   = &Error{Code: CodeRingFull, Msg: "notification ring full"}
	ErrExists     = &Error{Code: CodeExists, Msg: "region already exists"}
	ErrInvalid    = &Error{Code: CodeInvalid, Msg: "invalid argument"}
	ErrCorrupted  = &Error{Code: CodeCorrupted, Msg: "corrupted region"}
	ErrTimedOut   = &Error{Code: CodeTimedOut, Msg: "timed out"}
)

// ErrClosed is returned by every method of a Region (or View) after Close (Release). It is an
// adapter error, not a core code, so it is not an *Error. It matches fs.ErrClosed.
var ErrClosed error = closedError{}

type closedError struct{}

func (closedError) Error() string        { return "zinc: region is closed" }
func (closedError) Is(target error) bool { return target == fs.ErrClosed }

// newError builds the error for a core code; the library must be loaded.
func newError(op, name string, code int32) *Error {
	return &Error{Op: op, Name: name, Code: int(code), Msg: strerror(code)}
}
