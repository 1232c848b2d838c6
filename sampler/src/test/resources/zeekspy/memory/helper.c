/* Test inferior for zeekspy.memory: prints where its test data lives, counts signals, obeys
 * commands on stdin. Usage: helper spin|sleep [fork] [zombie] */
#define _GNU_SOURCE
#include <link.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile long usr1_count, cont_count, ticks;
static volatile sig_atomic_t term_flag, exec_flag, report_flag, exit_flag;
static volatile int exit_code;
static char buf[4096];
static uintptr_t load_base;

static void on_usr1(int sig) { (void)sig; usr1_count++; }
static void on_cont(int sig) { (void)sig; cont_count++; }
static void on_term(int sig) { (void)sig; term_flag = 1; }

static int find_base(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size; (void)data;
    if (info->dlpi_name == NULL || info->dlpi_name[0] == 0) { load_base = info->dlpi_addr; return 1; }
    return 0;
}

static void report(void) {
    printf("usr1=%ld cont=%ld ticks=%ld\n", usr1_count, cont_count, ticks);
    fflush(stdout);
}

static void *commands(void *arg) {
    (void)arg;
    char line[128];
    while (fgets(line, sizeof line, stdin)) {
        if (strncmp(line, "exit ", 5) == 0) { exit_code = atoi(line + 5); exit_flag = 1; }
        else if (strncmp(line, "thread-exec", 11) == 0) {
            /* exec from this non-main thread: the kernel replaces the traced main thread */
            execl("/bin/sleep", "sleep", "1000", (char *)NULL);
            perror("exec");
        }
        else if (strncmp(line, "exec", 4) == 0) exec_flag = 1;
        else if (strncmp(line, "count", 5) == 0) report_flag = 1;
    }
    term_flag = 1; /* EOF */
    return NULL;
}

int main(int argc, char **argv) {
    int spin = argc > 1 && strcmp(argv[1], "spin") == 0;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "fork") == 0) {
            /* Make the worker a grandchild of the test JVM, like a zeek started by someone else. */
            pid_t worker = fork();
            if (worker > 0) {
                int st;
                while (waitpid(worker, &st, 0) < 0) {}
                return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
            }
        } else if (strcmp(argv[i], "zombie") == 0) {
            pid_t child = fork();
            if (child == 0) _exit(0);
            printf("zombie=%d\n", child);
            fflush(stdout);
            for (;;) pause();
        }
    }
    memset(buf, 0, sizeof buf);
    for (int i = 0; i < (int)sizeof buf; i++) buf[i] = (char)(i * 7 + 3);
    unsigned char *edge = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (int i = 0; i < 4096; i++) edge[i] = (unsigned char)(255 - i % 256);
    munmap(edge + 4096, 4096);
    dl_iterate_phdr(find_base, NULL);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1; sigaction(SIGUSR1, &sa, NULL);
    sa.sa_handler = on_cont; sigaction(SIGCONT, &sa, NULL);
    sa.sa_handler = on_term; sigaction(SIGTERM, &sa, NULL);

    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1); sigaddset(&block, SIGCONT); sigaddset(&block, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &block, &old);   /* the command thread inherits the block */
    pthread_t thread;
    pthread_create(&thread, NULL, commands, NULL);
    pthread_sigmask(SIG_SETMASK, &old, NULL);    /* signals go to the main thread */

    printf("pid=%d buf=%p usr1=%p cont=%p ticks=%p edge=%p unmapped=%p base=%p\n", getpid(), (void *)buf,
           (void *)&usr1_count, (void *)&cont_count, (void *)&ticks, (void *)edge, (void *)(edge + 4096),
           (void *)load_base);
    fflush(stdout);

    struct timespec ms = {0, 1000000};
    for (;;) {
        if (spin) {
            ticks++;
        } else {
            nanosleep(&ms, NULL);
            ticks++;
        }
        if (report_flag) { report_flag = 0; report(); }
        if (exit_flag) exit(exit_code);
        if (exec_flag) { execl("/bin/sleep", "sleep", "1000", (char *)NULL); perror("exec"); exit(99); }
        if (term_flag) { report(); exit(0); }
    }
}
