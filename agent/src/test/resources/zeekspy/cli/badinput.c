/*
 * Test helper for BadInputTest.
 *   badinput seccomp PROGRAM ARGS...  runs PROGRAM under a seccomp filter that makes ptrace and
 *                                     process_vm_readv fail with EPERM (as a container's profile may)
 *   badinput trace PID                seizes PID with ptrace, prints "traced", and holds it until killed
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define ARCH AUDIT_ARCH_AARCH64
#else
#error "unsupported architecture"
#endif

static int seccomp(char **command) {
    struct sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARCH, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_ptrace, 2, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_process_vm_readv, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA)),
    };
    struct sock_fprog program = {sizeof(filter) / sizeof(filter[0]), filter};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) != 0) {
        perror("badinput: seccomp");
        return 125;
    }
    execvp(command[0], command);
    perror("badinput: exec");
    return 127;
}

static int trace(int pid) {
    if (ptrace(PTRACE_SEIZE, pid, 0, 0) != 0) {
        perror("badinput: PTRACE_SEIZE");
        return 1;
    }
    printf("traced\n");
    fflush(stdout);
    for (;;) {
        pause();
    }
}

int main(int argc, char **argv) {
    if (argc >= 3 && strcmp(argv[1], "seccomp") == 0) {
        return seccomp(argv + 2);
    }
    if (argc == 3 && strcmp(argv[1], "trace") == 0) {
        return trace(atoi(argv[2]));
    }
    fprintf(stderr, "usage: badinput seccomp PROGRAM ARGS... | badinput trace PID\n");
    return 2;
}
