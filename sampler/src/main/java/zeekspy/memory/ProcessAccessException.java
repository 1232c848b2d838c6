package zeekspy.memory;

import java.util.OptionalInt;

/** zeek-spy cannot attach to or read a process; the message is one line for the user. */
public class ProcessAccessException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why the process cannot be accessed. */
    public enum Reason {
        NO_SUCH_PROCESS,
        ZOMBIE,
        PERMISSION_DENIED,
        ALREADY_TRACED
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
        if (errno == LibC.EPERM || errno == 13 /* EACCES */) {
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

    static ProcessAccessException permissionDenied(int pid) {
        StringBuilder message = new StringBuilder("permission denied reading process ").append(pid)
                .append(": zeek-spy needs root or CAP_SYS_PTRACE (ptrace and process_vm_readv need"
                        + " PTRACE_MODE_ATTACH)");
        OptionalInt scope = ProcFs.yamaPtraceScope();
        if (scope.isPresent() && scope.getAsInt() >= 1) {
            message.append("; kernel.yama.ptrace_scope is ").append(scope.getAsInt()).append(switch (scope.getAsInt()) {
                case 1 -> " (only descendants may be traced without CAP_SYS_PTRACE)";
                case 2 -> " (only CAP_SYS_PTRACE may trace)";
                default -> " (tracing is disabled until reboot)";
            });
        }
        return new ProcessAccessException(Reason.PERMISSION_DENIED, pid, message.toString());
    }
}
