// Package abi is what package zinc declares about the C ABI, for the conformance agent's `abi`
// command (tests/matrix/README.md): package zinc fills these tables at init from its own
// constants and FFI declarations, and the agent prints them. Not part of the public API.
package abi

// Const is an error-code constant the adapter exposes, by its name in include/zinc.h.
type Const struct {
	Name  string
	Value int64
}

// Fn is one C ABI function as the adapter's FFI declares it, types normalised to i32, u32,
// usize, ptr, void.
type Fn struct {
	Name string
	Ret  string
	Args []string
}

var (
	// Consts are the adapter's code constants, in the order of include/zinc.h.
	Consts []Const
	// Fns are the adapter's FFI declarations of the eight functions.
	Fns []Fn
	// Message returns the message of the adapter's error object built for code.
	Message func(code int) string
)
