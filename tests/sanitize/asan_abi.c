/* Every function of the C ABI, valid and invalid arguments, under ASan + UBSan (+ LeakSanitizer).
 * Built by `make test-ops` (mk/ops.mk) against target/release/libzinc_core.so.
 * A fork()ed child checks cross-process sharing and notify/wait. Exit 0 on success. */
#include "zinc.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int failures = 0;
#define CHECK(cond)                                                                   \
    do {                                                                              \
        if (!(cond)) {                                                                \
            fprintf(stderr, "asan_abi.c:%d: check failed: %s\n", __LINE__, #cond);    \
            failures++;                                                               \
        }                                                                             \
    } while (0)

static char name[64];

static int object_exists(const char *n) {
    char path[128];
    snprintf(path, sizeof path, "/dev/shm/zinc_%s", n);
    return access(path, F_OK) == 0;
}

int main(void) {
    const size_t page = (size_t)sysconf(_SC_PAGESIZE);
    snprintf(name, sizeof name, "t_asan_%d", (int)getpid());
    ZincHandle h = (ZincHandle)0x1, o = (ZincHandle)0x1;

    /* Invalid arguments: clean codes, *out set to NULL, nothing created. */
    CHECK(zinc_create(NULL, page, &h) == ZINC_EINVAL && h == NULL);
    CHECK(zinc_create(name, page, NULL) == ZINC_EINVAL);
    CHECK(zinc_create("", page, &h) == ZINC_EINVAL && h == NULL);
    CHECK(zinc_create("a/b", page, &h) == ZINC_EINVAL);
    CHECK(zinc_create("\xff\xfe", page, &h) == ZINC_EINVAL);
    char longname[300];
    memset(longname, 'x', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    CHECK(zinc_create(longname, page, &h) == ZINC_EINVAL);
    CHECK(zinc_create(name, 0, &h) == ZINC_EINVAL);
    CHECK(zinc_create(name, page + 1, &h) == ZINC_EINVAL);
    CHECK(zinc_create(name, SIZE_MAX - page + 1, &h) == ZINC_EINVAL || zinc_create(name, SIZE_MAX - page + 1, &h) < 0);
    CHECK(zinc_open(NULL, &o) == ZINC_EINVAL && o == NULL);
    CHECK(zinc_open(name, NULL) == ZINC_EINVAL);
    CHECK(zinc_open(name, &o) == ZINC_ENOENT && o == NULL);
    CHECK(!object_exists(name));

    /* NULL handles everywhere. */
    CHECK(zinc_ptr(NULL) == NULL);
    CHECK(zinc_capacity(NULL) == 0);
    zinc_close(NULL);
    zinc_notify(NULL);
    CHECK(zinc_wait(NULL, 0) == ZINC_EINVAL);
    CHECK(zinc_wait(NULL, 10) == ZINC_EINVAL);

    /* zinc_strerror: static, non-NULL, non-empty for any code. */
    int32_t codes[] = {0, -1, -2, -11, -17, -22, -28, -74, -110, -9999, 1, 42, INT32_MIN, INT32_MAX};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        const char *m = zinc_strerror(codes[i]);
        CHECK(m != NULL && strlen(m) > 0);
    }

    /* The full API. */
    CHECK(zinc_create(name, 2 * page, &h) == ZINC_OK && h != NULL);
    CHECK(zinc_capacity(h) == 2 * page);
    uint8_t *p = zinc_ptr(h);
    CHECK(p != NULL && ((uintptr_t)p % 64) == 0);
    memset(p, 0xAB, 2 * page); /* every byte is writable: ASan/SIGBUS would catch otherwise */
    CHECK(zinc_create(name, page, &o) == ZINC_EEXIST && o == NULL);
    CHECK(zinc_open(name, &o) == ZINC_OK && o != NULL);
    CHECK(zinc_capacity(o) == 2 * page);
    CHECK(zinc_ptr(o)[2 * page - 1] == 0xAB);
    CHECK(zinc_wait(o, 0) == ZINC_ETIMEDOUT);
    CHECK(zinc_wait(o, 5) == ZINC_ETIMEDOUT);
    zinc_notify(h);
    CHECK(zinc_wait(o, 0) == ZINC_OK);
    CHECK(zinc_wait(o, 0) == ZINC_ETIMEDOUT);

    /* Cross-process: the child opens, reads, writes, notifies; we wait. */
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        ZincHandle c = NULL;
        int ok = zinc_open(name, &c) == ZINC_OK && zinc_ptr(c)[0] == 0xAB;
        if (ok) {
            memcpy(zinc_ptr(c), "from-child", 10);
            zinc_notify(c);
        }
        zinc_close(c);
        _exit(ok ? 0 : 1);
    }
    CHECK(pid > 0);
    CHECK(zinc_wait(o, 10000) == ZINC_OK);
    int status = 0;
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(memcmp(zinc_ptr(h), "from-child", 10) == 0);

    /* Close order: the creator first; the opener is last out and removes the object. */
    zinc_close(h);
    CHECK(object_exists(name));
    zinc_close(o);
    CHECK(!object_exists(name));
    CHECK(zinc_open(name, &o) == ZINC_ENOENT);

    if (failures) {
        fprintf(stderr, "asan_abi: %d check(s) failed\n", failures);
        return 1;
    }
    printf("asan_abi: all checks passed\n");
    return 0;
}
