/* Per-call cost of zinc_notify() and zinc_wait(h, 0) through the C ABI (libzinc_core.so),
 * against a no-op call into another shared library. Prints one JSON line. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include "zinc.h"

int32_t zinc_bench_noop(void *h);

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

#define BEST_OF(iters, stmt) ({                                   \
    double best = 1e18;                                           \
    for (int rep = 0; rep < 5; rep++) {                           \
        double t0 = now_ns();                                     \
        for (long i = 0; i < (iters); i++) { stmt; }              \
        double dt = (now_ns() - t0) / (double)(iters);            \
        if (dt < best) best = dt;                                 \
    }                                                             \
    best; })

int main(int argc, char **argv) {
    long iters = argc > 1 ? atol(argv[1]) : 2000000;
    char name[64];
    snprintf(name, sizeof name, "zbench_c_%d_ovh", (int)getpid());
    ZincHandle h = NULL;
    int32_t rc = zinc_create(name, 4096, &h);
    if (rc != 0) {
        fprintf(stderr, "zinc_create: %s\n", zinc_strerror(rc));
        return 1;
    }
    volatile int32_t sink = 0;
    void *volatile vh = h;
    double noop = BEST_OF(iters, sink = zinc_bench_noop(vh));
    double notify = BEST_OF(iters, zinc_notify(vh));
    double wait0 = BEST_OF(iters, sink = zinc_wait(vh, 0));
    (void)sink;
    zinc_close(h);
    printf("{\"lang\":\"c\",\"runtime\":\"gcc -O2, libzinc_core.so via PLT\",\"noop_ns\":%.2f,\"notify_ns\":%.2f,\"wait0_ns\":%.2f}\n",
           noop, notify, wait0);
    return 0;
}
