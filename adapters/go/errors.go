package zinc

// #include "zinc.h"
import "C"

import (
	"fmt"
	"io/fs"
	"syscall"

	"zinc.dev/zinc/internal/abi"
)

// The core's fixed error codes, taken from zinc.h by cgo (SPEC §3). Any other negative code is
// -errno of an OS failure (for example -28, ENOSPC, when /dev/shm is full).
const (
	CodeOK         = C.ZINC_OK
	CodePermission = C.ZINC_EPERM     // the OS refused access (EACCES or EPERM)
	CodeNotFound   = C.ZINC_ENOENT    // open of a name with no live region
	CodeClosed     = C.ZINC_EBADF     // the handle was closed (Wait or View after Close)
	CodeRingFull   = C.ZINC_EAGAIN    // reserved for the notification ring
	CodeExists     = C.ZINC_EEXIST    // create of a name held by a live region
	CodeInvalid    = C.ZINC_EINVAL    // bad name (a NUL in it included), bad capacity
	CodeCorrupted  = C.ZINC_EBADMSG   // bad magic, unknown version, inconsistent header
	CodeTimedOut   = C.ZINC_ETIMEDOUT // Wait expired
)

// WaitForever is the timeout that makes Wait block until a notification (ZINC_WAIT_FOREVER).
const WaitForever uint32 = C.ZINC_WAIT_FOREVER

// Error is a failure reported by the Zinc core: Code() is the core's negative code and Message()
// the core's zinc_strerror text for it, unchanged. Op is the call that failed ("create", "open",
// "wait", "view") and Name the region name when there is one.
//
// Use errors.Is with the sentinels (ErrNotFound, ErrClosed, ...) to test the kind, errors.As with
// *Error to read the code:
//
//	var ze *zinc.Error
//	if errors.As(err, &ze) { fmt.Println(ze.Code(), ze.Message()) }
type Error struct {
	Op   string
	Name string
	code int
	msg  string
}

// Code returns the core's negative error code.
func (e *Error) Code() int { return e.code }

// Message returns the core's zinc_strerror text for the code.
func (e *Error) Message() string {
	if e.msg != "" {
		return e.msg
	}
	if load() == nil { // a sentinel: its text comes from the core too
		return strerror(int32(e.code))
	}
	return fmt.Sprintf("error %d (the core library is not loaded)", e.code)
}

func (e *Error) Error() string {
	switch {
	case e.Name != "":
		return fmt.Sprintf("zinc: %s %q: %s (code %d)", e.Op, e.Name, e.Message(), e.code)
	case e.Op != "":
		return fmt.Sprintf("zinc: %s: %s (code %d)", e.Op, e.Message(), e.code)
	}
	return fmt.Sprintf("zinc: %s (code %d)", e.Message(), e.code)
}

// Is reports whether target is an *Error with the same code (so every sentinel matches the errors
// the core reports with its code), or the io/fs error of the same meaning: ErrNotFound matches
// fs.ErrNotExist, ErrExists fs.ErrExist, ErrPermission fs.ErrPermission, ErrClosed fs.ErrClosed.
func (e *Error) Is(target error) bool {
	if t, ok := target.(*Error); ok {
		return t.code == e.code
	}
	switch e.code {
	case CodeNotFound:
		return target == fs.ErrNotExist
	case CodeExists:
		return target == fs.ErrExist
	case CodePermission:
		return target == fs.ErrPermission
	case CodeClosed:
		return target == fs.ErrClosed
	}
	return false
}

// Unwrap returns the OS error behind a platform failure (a code that is not one of Zinc's fixed
// codes is -errno), so errors.Is(err, syscall.ENOSPC) works; nil for Zinc's own codes.
func (e *Error) Unwrap() error {
	if e.code >= 0 || isZincCode(e.code) {
		return nil
	}
	return syscall.Errno(-e.code)
}

// codes is the adapter's constant table, by the names of zinc.h (ZINC_OK first).
var codes = []abi.Const{
	{Name: "ZINC_OK", Value: CodeOK},
	{Name: "ZINC_EPERM", Value: CodePermission},
	{Name: "ZINC_ENOENT", Value: CodeNotFound},
	{Name: "ZINC_EBADF", Value: CodeClosed},
	{Name: "ZINC_EAGAIN", Value: CodeRingFull},
	{Name: "ZINC_EEXIST", Value: CodeExists},
	{Name: "ZINC_EINVAL", Value: CodeInvalid},
	{Name: "ZINC_EBADMSG", Value: CodeCorrupted},
	{Name: "ZINC_ETIMEDOUT", Value: CodeTimedOut},
}

func isZincCode(code int) bool {
	for _, c := range codes {
		if int64(code) == c.Value {
			return true
		}
	}
	return false
}

func init() {
	abi.Consts = append(append([]abi.Const{}, codes...), abi.Const{Name: "ZINC_WAIT_FOREVER", Value: int64(WaitForever)})
	abi.Message = func(code int) string { return (&Error{code: code}).Message() }
}

// Sentinels, one per code of SPEC §3, for errors.Is. Their Message is the core's text too.
var (
	ErrPermission = &Error{code: CodePermission}
	ErrNotFound   = &Error{code: CodeNotFound}
	ErrClosed     = &Error{code: CodeClosed}
	ErrRingFull   = &Error{code: CodeRingFull}
	ErrExists     = &Error{code: CodeExists}
	ErrInvalid    = &Error{code: CodeInvalid}
	ErrCorrupted  = &Error{code: CodeCorrupted}
	ErrTimedOut   = &Error{code: CodeTimedOut}
)

// newError builds the error for a core code; the library must be loaded.
func newError(op, name string, code int32) *Error {
	return &Error{Op: op, Name: name, code: int(code), msg: strerror(code)}
}
