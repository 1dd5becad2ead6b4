/* Idle cost of parked waiters (issue 14 item 7): N processes wait forever on one region; over
 * a few seconds, how much CPU and how many context switches do they cost in total? Then the
 * same for one idle waiter after 256 parked waiters were SIGKILLed (the case that used to leave
 * the parked count saturated, so that every later waiter polled at 1 kHz).
 *
 *   make core && mkdir -p target/bench-c && gcc -O2 -Iinclude bench/c/idle_waiters.c \
 *       -o target/bench-c/idle_waiters -Ltarget/release -lzinc_core -Wl,-rpath,$PWD/target/release
 *   target/bench-c/idle_waiters 1 300 600 --after-kills 256 --seconds 3
 */
#define _GNU_SOURCE
#include "zinc.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t spawn_waiter(const char *name) {
    pid_t pid = fork();
    if (pid == 0) {
        ZincHandle h = NULL;
        if (zinc_open(name, &h) != ZINC_OK) _exit(2);
        zinc_wait(h, ZINC_WAIT_FOREVER);
        _exit(0);
    }
    return pid;
}

/* utime+stime (clock ticks) and voluntary+involuntary context switches of one process. */
static void usage_of(pid_t pid, long long *ticks, long long *switches) {
    char path[64], buf[4096];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (f) {
        if (fgets(buf, sizeof buf, f)) {
            char *p = strrchr(buf, ')');
            unsigned long ut = 0, st = 0;
            /* fields after ") ": state(3) ... utime(14) stime(15) */
            if (p && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) == 2)
                *ticks += (long long)(ut + st);
        }
        fclose(f);
    }
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    f = fopen(path, "r");
    if (f) {
        while (fgets(buf, sizeof buf, f)) {
            long long n;
            if (sscanf(buf, "voluntary_ctxt_switches: %lld", &n) == 1 ||
                sscanf(buf, "nonvoluntary_ctxt_switches: %lld", &n) == 1)
                *switches += n;
        }
        fclose(f);
    }
}

static void measure(const char *label, pid_t *pids, int n, double seconds) {
    long long t0 = 0, s0 = 0, t1 = 0, s1 = 0;
    for (int i = 0; i < n; i++) usage_of(pids[i], &t0, &s0);
    usleep((useconds_t)(seconds * 1e6));
    for (int i = 0; i < n; i++) usage_of(pids[i], &t1, &s1);
    double cpu = (double)(t1 - t0) / (double)sysconf(_SC_CLK_TCK) / seconds * 100.0;
    printf("%-34s waiters %4d  CPU %6.2f %% of one core  context switches %lld in %.0f s\n", label, n, cpu,
           s1 - s0, seconds);
}

static void stop_all(pid_t *pids, int n) {
    for (int i = 0; i < n; i++) kill(pids[i], SIGKILL);
    for (int i = 0; i < n; i++) waitpid(pids[i], NULL, 0);
}

int main(int argc, char **argv) {
    double seconds = 3;
    int kills = 0;
    int counts[16], ncounts = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--seconds") && i + 1 < argc) seconds = atof(argv[++i]);
        else if (!strcmp(argv[i], "--after-kills") && i + 1 < argc) kills = atoi(argv[++i]);
        else if (ncounts < 16) counts[ncounts++] = atoi(argv[i]);
    }
    char name[64];
    snprintf(name, sizeof name, "idle_waiters_%d", (int)getpid());
    ZincHandle owner = NULL;
    if (zinc_create(name, 4096, &owner) != ZINC_OK) return 1;
    for (int c = 0; c < ncounts; c++) {
        pid_t *pids = calloc((size_t)counts[c], sizeof *pids);
        for (int i = 0; i < counts[c]; i++) pids[i] = spawn_waiter(name);
        usleep(1000 * 1000); /* every waiter spins briefly, then parks */
        measure("parked waiters", pids, counts[c], seconds);
        stop_all(pids, counts[c]);
        free(pids);
    }
    if (kills > 0) {
        pid_t *pids = calloc((size_t)kills, sizeof *pids);
        for (int i = 0; i < kills; i++) pids[i] = spawn_waiter(name);
        usleep(1500 * 1000);
        stop_all(pids, kills); /* SIGKILLed while parked */
        pid_t one = spawn_waiter(name);
        usleep(500 * 1000);
        char label[64];
        snprintf(label, sizeof label, "one idle waiter after %d kills", kills);
        measure(label, &one, 1, seconds);
        stop_all(&one, 1);
        free(pids);
    }
    zinc_close(owner);
    return 0;
}
