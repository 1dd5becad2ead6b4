/* Threads sharing Zinc handles under ThreadSanitizer: the spec lets one handle be used by
 * several threads for ptr, capacity, notify and wait. Here a producer thread publishes values
 * and notifies through one handle; WAITERS consumer threads wait on their own handles and two
 * more share a single handle; a poller hammers zinc_ptr/zinc_capacity/zinc_wait(…, 0) on the
 * producer's handle meanwhile. Handles are closed only after every thread joined.
 *
 * libzinc_core.so is not TSan-instrumented, so TSan cannot see the synchronisation inside it;
 * the payload is therefore handed over with C11 atomics in the data area (the pattern Zinc
 * users should follow anyway: notify is a wake-up, not a lock). TSan then checks everything the
 * C side does, and the test checks that no consumer misses the final value (no lost wake-up). */
#include "zinc.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define WAITERS 3
#define ROUNDS 2000

static char name[64];
static ZincHandle producer, shared_consumer;
static atomic_int stop_poller;

static _Atomic uint64_t *slot(ZincHandle h) { return (_Atomic uint64_t *)(void *)zinc_ptr(h); }

/* Own handle: every wait must end with a notification (5 s is "never" here). */
static void *consume(void *arg) {
    ZincHandle h = arg;
    uint64_t last = 0;
    while (last < ROUNDS) {
        int rc = zinc_wait(h, 5000);
        if (rc == ZINC_ETIMEDOUT) {
            fprintf(stderr, "tsan_notify: a consumer timed out at %llu (lost wake-up?)\n", (unsigned long long)last);
            return (void *)1;
        }
        if (rc != ZINC_OK) return (void *)1;
        uint64_t v = atomic_load_explicit(slot(h), memory_order_acquire);
        if (v < last) return (void *)1; /* values only grow */
        last = v;
    }
    return NULL;
}

/* Shared handle (one cursor for two threads): a notification one thread consumed is not seen
 * again by the other, so short timeouts are expected; the value must still reach ROUNDS. */
static void *consume_shared(void *arg) {
    ZincHandle h = arg;
    uint64_t last = 0;
    for (int tries = 0; last < ROUNDS && tries < 100000; tries++) {
        int rc = zinc_wait(h, 20);
        if (rc != ZINC_OK && rc != ZINC_ETIMEDOUT) return (void *)1;
        uint64_t v = atomic_load_explicit(slot(h), memory_order_acquire);
        if (v < last) return (void *)1;
        last = v;
    }
    return last == ROUNDS ? NULL : (void *)1;
}

static void *produce(void *arg) {
    (void)arg;
    for (uint64_t i = 1; i <= ROUNDS; i++) {
        atomic_store_explicit(slot(producer), i, memory_order_release);
        zinc_notify(producer);
        if (i % 64 == 0) usleep(100); /* let waiters park, so wakes go through the futex */
    }
    return NULL;
}

static void *poll_shared(void *arg) {
    (void)arg;
    while (!atomic_load(&stop_poller)) {
        if (zinc_capacity(producer) == 0 || zinc_ptr(producer) == NULL) return (void *)1;
        (void)zinc_wait(producer, 0);
    }
    return NULL;
}

int main(void) {
    snprintf(name, sizeof name, "t_tsan_%d", (int)getpid());
    if (zinc_create(name, (uintptr_t)sysconf(_SC_PAGESIZE), &producer) != ZINC_OK) return 2;
    ZincHandle own[WAITERS];
    pthread_t t[WAITERS + 4];
    int failed = 0;
    for (int i = 0; i < WAITERS; i++)
        if (zinc_open(name, &own[i]) != ZINC_OK) return 2;
    if (zinc_open(name, &shared_consumer) != ZINC_OK) return 2;
    for (int i = 0; i < WAITERS; i++) pthread_create(&t[i], NULL, consume, own[i]);
    /* Two threads on one handle (one shared cursor). */
    pthread_create(&t[WAITERS], NULL, consume_shared, shared_consumer);
    pthread_create(&t[WAITERS + 1], NULL, consume_shared, shared_consumer);
    pthread_create(&t[WAITERS + 2], NULL, poll_shared, NULL);
    pthread_create(&t[WAITERS + 3], NULL, produce, NULL);
    void *r;
    pthread_join(t[WAITERS + 3], &r);
    for (int i = 0; i < WAITERS + 2; i++) {
        pthread_join(t[i], &r);
        failed |= r != NULL;
    }
    atomic_store(&stop_poller, 1);
    pthread_join(t[WAITERS + 2], &r);
    failed |= r != NULL;
    for (int i = 0; i < WAITERS; i++) zinc_close(own[i]);
    zinc_close(shared_consumer);
    zinc_close(producer);
    char path[128];
    snprintf(path, sizeof path, "/dev/shm/zinc_%s", name);
    if (access(path, F_OK) == 0) {
        fprintf(stderr, "tsan_notify: region leaked\n");
        failed = 1;
    }
    puts(failed ? "tsan_notify: FAILED" : "tsan_notify: all threads saw every round");
    return failed;
}
