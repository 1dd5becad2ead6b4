package bench

// static void zb_empty(void) {}
import "C"

// emptyCgoCall is one cgo round trip into C that does nothing: the baseline.
func emptyCgoCall() { C.zb_empty() }
