/* The C ABI exactly as a C user sees it: compiled against include/zinc.h, linked against
 * libzinc_core.so, every function called, NULL handles included, across real processes. */
#define _GNU_SOURCE
#include "zinc.h"

#include <errno.h>
#include <pthread.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int passed, failed;

#define CHECK(cond)                                                              \
    do {                                                                         \
        if (cond) {                                                              \
            passed++;                                                            \
        } else {                                                                 \
            failed++;                                                            \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                        \
    } while (0)

static void unique(char *buf, size_t n, const char *tag) {
    static int counter;
    snprintf(buf, n, "t_c_%d_%d_%s", (int)getpid(), counter++, tag);
}

static int exists(const char *name) {
    char path[512];
    struct stat st;
    snprintf(path, sizeof path, "/dev/shm/zinc_%s", name);
    return stat(path, &st) == 0;
}

static void null_handles(void) {
    CHECK(zinc_ptr(NULL) == NULL);
    CHECK(zinc_capacity(NULL) == 0);
    zinc_close(NULL);
    zinc_notify(NULL);
    CHECK(zinc_wait(NULL, 0) == ZINC_EINVAL);
    CHECK(zinc_wait(NULL, 10) == -22);
    ZincHandle h = (ZincHandle)0x1;
    CHECK(zinc_create(NULL, 4096, &h) == ZINC_EINVAL && h == NULL);
    h = (ZincHandle)0x1;
    CHECK(zinc_open(NULL, &h) == ZINC_EINVAL && h == NULL);
    CHECK(zinc_create("t_c_null_out", 4096, NULL) == ZINC_EINVAL);
    CHECK(zinc_open("t_c_null_out", NULL) == ZINC_EINVAL);
    CHECK(!exists("t_c_null_out"));
}

static void error_codes_and_messages(void) {
    CHECK(ZINC_OK == 0 && ZINC_EPERM == -1 && ZINC_ENOENT == -2 && ZINC_EAGAIN == -11);
    CHECK(ZINC_EBADF == -9 && ZINC_EEXIST == -17 && ZINC_EINVAL == -22 && ZINC_EBADMSG == -74 && ZINC_ETIMEDOUT == -110);
    int codes[] = {0, -1, -2, -11, -17, -22, -28, -74, -110, -12345, 1, 2147483647, -2147483647 - 1};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        const char *m = zinc_strerror(codes[i]);
        CHECK(m != NULL && strlen(m) > 0);
    }
    CHECK(zinc_strerror(-17) == zinc_strerror(-17)); /* static storage */
    CHECK(strstr(zinc_strerror(ZINC_ENOENT), "not found") != NULL);
}

static void invalid_arguments(void) {
    ZincHandle h = (ZincHandle)0x1;
    const char *bad_names[] = {"", "a/b", "a b", "a.b", "\xc3\xa9"};
    for (size_t i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++) {
        CHECK(zinc_create(bad_names[i], 4096, &h) == ZINC_EINVAL && h == NULL);
        CHECK(zinc_open(bad_names[i], &h) == ZINC_EINVAL && h == NULL);
    }
    char longname[300];
    memset(longname, 'x', 251);
    longname[251] = 0;
    CHECK(zinc_create(longname, 4096, &h) == ZINC_EINVAL);
    longname[250] = 0;
    CHECK(zinc_create(longname, 4096, &h) == ZINC_OK && h != NULL); /* 250 is the maximum */
    zinc_close(h);
    char name[64];
    unique(name, sizeof name, "size");
    size_t sizes[] = {0, 1, 100, 4097, (size_t)-1};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        CHECK(zinc_create(name, sizes[i], &h) == ZINC_EINVAL && h == NULL);
    CHECK(!exists(name));
    unique(name, sizeof name, "missing");
    CHECK(zinc_open(name, &h) == ZINC_ENOENT && h == NULL);
}

static void single_process_round_trip(void) {
    char name[64];
    unique(name, sizeof name, "rt");
    ZincHandle w = NULL, r = NULL, dup = (ZincHandle)0x1;
    CHECK(zinc_create(name, 8192, &w) == ZINC_OK && w != NULL);
    CHECK(zinc_create(name, 8192, &dup) == ZINC_EEXIST && dup == NULL);
    CHECK(zinc_open(name, &r) == ZINC_OK && r != NULL);
    CHECK(zinc_capacity(w) == 8192 && zinc_capacity(r) == 8192);
    CHECK(((uintptr_t)zinc_ptr(w) & 63) == 0);
    memcpy(zinc_ptr(w), "zinc", 4);
    CHECK(memcmp(zinc_ptr(r), "zinc", 4) == 0);
    CHECK(zinc_wait(r, 0) == ZINC_ETIMEDOUT);
    zinc_notify(w);
    CHECK(zinc_wait(r, 0) == ZINC_OK);
    CHECK(zinc_wait(r, 5) == ZINC_ETIMEDOUT);
    zinc_close(w); /* creator first: r keeps the region */
    CHECK(exists(name));
    zinc_close(r);
    CHECK(!exists(name));
}

static void header_layout(void) {
    char name[64];
    unique(name, sizeof name, "hdr");
    ZincHandle h = NULL;
    CHECK(zinc_create(name, 4096, &h) == ZINC_OK);
    const uint8_t *base = zinc_ptr(h) - 64;
    uint64_t magic, cap, created;
    uint16_t version;
    uint32_t seq, refs;
    int32_t pid;
    memcpy(&magic, base + 0, 8);
    memcpy(&version, base + 8, 2);
    memcpy(&seq, base + 12, 4);
    memcpy(&cap, base + 16, 8);
    memcpy(&refs, base + 24, 4);
    memcpy(&pid, base + 28, 4);
    memcpy(&created, base + 32, 8);
    CHECK(magic == 0x5A494E435F524547ull);
    CHECK(version == 1 && cap == 4096 && refs == 1 && pid == getpid() && created > 0);
    zinc_notify(h);
    memcpy(&seq, base + 12, 4);
    CHECK(seq == 1);
    zinc_close(h);
}

/* A child opens, verifies, replies and notifies; the parent waits for it. */
static void two_processes(void) {
    char name[64];
    unique(name, sizeof name, "xproc");
    ZincHandle w = NULL;
    CHECK(zinc_create(name, 1 << 20, &w) == ZINC_OK);
    uint8_t *p = zinc_ptr(w);
    for (size_t i = 0; i < (1 << 20); i++) p[i] = (uint8_t)(i * 7);
    pid_t pid = fork();
    if (pid == 0) {
        ZincHandle r = NULL;
        if (zinc_open(name, &r) != ZINC_OK) _exit(2);
        uint8_t *q = zinc_ptr(r);
        for (size_t i = 0; i < (1 << 20); i++)
            if (q[i] != (uint8_t)(i * 7)) _exit(3);
        for (size_t i = 0; i < (1 << 20); i++) q[i] = (uint8_t)(255 - q[i]);
        zinc_notify(r);
        zinc_close(r);
        _exit(0);
    }
    CHECK(zinc_wait(w, 10000) == ZINC_OK);
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    int ok = 1;
    for (size_t i = 0; i < (1 << 20); i++) ok &= p[i] == (uint8_t)(255 - (uint8_t)(i * 7));
    CHECK(ok);
    zinc_close(w);
    CHECK(!exists(name));
}

/* A child that blocks forever in zinc_wait is woken by one notify. */
static void wait_forever_is_woken(void) {
    char name[64];
    unique(name, sizeof name, "forever");
    ZincHandle w = NULL;
    CHECK(zinc_create(name, 4096, &w) == ZINC_OK);
    int ready[2];
    CHECK(pipe(ready) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        ZincHandle r = NULL;
        if (zinc_open(name, &r) != ZINC_OK) _exit(2);
        if (write(ready[1], "x", 1) != 1) _exit(4);
        int rc = zinc_wait(r, ZINC_WAIT_FOREVER);
        zinc_close(r);
        _exit(rc == ZINC_OK ? 0 : 3);
    }
    char c;
    CHECK(read(ready[0], &c, 1) == 1);
    usleep(200 * 1000); /* let it park */
    zinc_notify(w);
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    zinc_close(w);
    close(ready[0]);
    close(ready[1]);
}

/* A closed handle is refused, never dereferenced: a second close is a no-op, wait gives -9,
 * ptr NULL, capacity 0, notify nothing; garbage handle values likewise. */
static void closed_handles(void) {
    char name[64];
    unique(name, sizeof name, "closed");
    ZincHandle h = NULL;
    CHECK(zinc_create(name, 4096, &h) == ZINC_OK);
    zinc_close(h);
    zinc_close(h);
    CHECK(zinc_wait(h, 0) == ZINC_EBADF && zinc_wait(h, 10) == -9);
    CHECK(zinc_ptr(h) == NULL && zinc_capacity(h) == 0);
    zinc_notify(h);
    CHECK(!exists(name));
    ZincHandle junk[] = {(ZincHandle)0x1, (ZincHandle)(uintptr_t)0xdeadbeefcafeULL, (ZincHandle)(uintptr_t)-1};
    for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++) {
        CHECK(zinc_wait(junk[i], 0) == ZINC_EBADF && zinc_ptr(junk[i]) == NULL && zinc_capacity(junk[i]) == 0);
        zinc_notify(junk[i]);
        zinc_close(junk[i]);
    }
    CHECK(strstr(zinc_strerror(ZINC_EBADF), "closed") != NULL);
}

struct waiter { ZincHandle h; int rc; };

static void *wait_forever(void *arg) {
    struct waiter *w = arg;
    w->rc = zinc_wait(w->h, ZINC_WAIT_FOREVER);
    return NULL;
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* zinc_close from one thread while two others wait forever on the same handle: both return -9
 * promptly, and a peer's later notify on the region touches nothing freed. */
static void close_during_wait(void) {
    char name[64];
    unique(name, sizeof name, "closewait");
    ZincHandle owner = NULL, h = NULL;
    CHECK(zinc_create(name, 4096, &owner) == ZINC_OK);
    CHECK(zinc_open(name, &h) == ZINC_OK);
    struct waiter ws[2] = {{h, 1}, {h, 1}};
    pthread_t threads[2];
    for (int i = 0; i < 2; i++) CHECK(pthread_create(&threads[i], NULL, wait_forever, &ws[i]) == 0);
    usleep(200 * 1000); /* let them park */
    double start = now_s();
    zinc_close(h);
    for (int i = 0; i < 2; i++) pthread_join(threads[i], NULL);
    CHECK(ws[0].rc == ZINC_EBADF && ws[1].rc == ZINC_EBADF);
    CHECK(now_s() - start < 2.0);
    zinc_notify(owner);
    CHECK(zinc_wait(h, 0) == ZINC_EBADF);
    CHECK(exists(name));
    zinc_close(owner);
    CHECK(!exists(name));
}

int main(void) {
    null_handles();
    error_codes_and_messages();
    invalid_arguments();
    single_process_round_trip();
    header_layout();
    two_processes();
    wait_forever_is_woken();
    closed_handles();
    close_during_wait();
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
