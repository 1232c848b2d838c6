package zeekspy.memory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** zeek-spy cannot attach to or read a process; the message is one line for the user. */
public class ProcessAccessException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why the process cannot be accessed. */
    public enum Reason {
        NO_SUCH_PROCESS,
        ZOMBIE,
        PERMISSION_DENIED,
        ALREADY_TRACED,
        KERNEL_THREAD
    }

    private final Reason reason;
    private final int pid;

    public ProcessAccessException(Reason reason, int pid, String message) {
        super(message);
        this.reason = reason;
        this.pid = pid;
    }

    public Reason reason() {
        return reason;
    }

    public int pid() {
        return pid;
    }

    public static ProcessAccessException noSuchProcess(int pid) {
        return new ProcessAccessException(Reason.NO_SUCH_PROCESS, pid, "no process with pid " + pid);
    }

    /**
     * The exception for an errno of ptrace or process_vm_readv on {@code pid}: looks at /proc to
     * tell a zombie or an already traced process from a missing permission.
     */
    public static ProcessAccessException forErrno(int pid, int errno) {
        if (ProcFs.isZombie(pid)) {
            return new ProcessAccessException(Reason.ZOMBIE, pid, "process " + pid + " is a zombie");
        }
        if (errno == LibC.ESRCH || errno == LibC.ENOENT || !ProcFs.exists(pid)) {
            return noSuchProcess(pid);
        }
        if (ProcFs.isKernelThread(pid)) {
            return new ProcessAccessException(Reason.KERNEL_THREAD, pid, "process " + pid + " (" + ProcFs.commOrUnknown(pid)
                    + ") is a kernel thread, not Zeek");
        }
        if (errno == LibC.EPERM || errno == LibC.EACCES) {
            int tracer = ProcFs.tracerProcess(pid);
            if (tracer > 0 && tracer != LibC.getpid()) {
                return new ProcessAccessException(Reason.ALREADY_TRACED, pid, "process " + pid
                        + " is already traced by process " + tracer + " (" + ProcFs.commOrUnknown(tracer)
                        + "); only one tracer at a time: stop the debugger or the other zeek-spy");
            }
            return permissionDenied(pid);
        }
        return new ProcessAccessException(Reason.PERMISSION_DENIED, pid,
                "cannot access process " + pid + ": " + LibC.describe(errno));
    }

    /**
     * Permission denied: the message says which of the usual causes apply to zeek-spy (no
     * CAP_SYS_PTRACE, Yama, a seccomp filter) or, with none of them, what else forbids it.
     */
    static ProcessAccessException permissionDenied(int pid) {
        List<String> causes = new ArrayList<>();
        if (!hasCapSysPtrace()) {
            causes.add("zeek-spy needs root or CAP_SYS_PTRACE (ptrace and process_vm_readv need PTRACE_MODE_ATTACH)");
        }
        OptionalInt scope = ProcFs.yamaPtraceScope();
        if (scope.isPresent() && scope.getAsInt() >= 1) {
            causes.add("kernel.yama.ptrace_scope is " + scope.getAsInt() + switch (scope.getAsInt()) {
                case 1 -> " (only descendants may be traced without CAP_SYS_PTRACE)";
                case 2 -> " (only CAP_SYS_PTRACE may trace)";
                default -> " (tracing is disabled until reboot)";
            });
        }
        int seccomp = ownStatusField("Seccomp:").map(Integer::parseInt).orElse(0);
        if (seccomp != 0) {
            causes.add("zeek-spy runs under a seccomp filter (Seccomp: " + seccomp + " in /proc/self/status, e.g. a"
                    + " container's default profile), which may forbid ptrace and process_vm_readv");
        }
        if (causes.isEmpty()) {
            causes.add("zeek-spy has CAP_SYS_PTRACE, so a security module (AppArmor, SELinux), another user namespace"
                    + " or the process itself forbids it");
        }
        return new ProcessAccessException(Reason.PERMISSION_DENIED, pid,
                "permission denied reading process " + pid + ": " + String.join("; ", causes));
    }

    private static boolean hasCapSysPtrace() {
        final int capSysPtrace = 19;
        return ownStatusField("CapEff:").map(hex -> (Long.parseUnsignedLong(hex, 16) >>> capSysPtrace & 1) == 1).orElse(false);
    }

    private static Optional<String> ownStatusField(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field)) {
                    return Optional.of(line.substring(field.length()).strip());
                }
            }
        } catch (IOException | RuntimeException e) {
            // Without /proc/self/status the message just leaves the cause out.
        }
        return Optional.empty();
    }
}
