/* A no-op exported from a shared library: the bare cost of a call through the PLT. */
#include <stdint.h>
int32_t zinc_bench_noop(void *h) { (void)h; return 0; }
