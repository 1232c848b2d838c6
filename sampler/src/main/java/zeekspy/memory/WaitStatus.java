package zeekspy.memory;

/** Decoding of waitpid(2) status words, as the macros of {@code <sys/wait.h>}. */
public final class WaitStatus {
    private WaitStatus() {}

    public static boolean exited(int status) {
        return (status & 0x7f) == 0;
    }

    public static int exitCode(int status) {
        return (status >> 8) & 0xff;
    }

    public static boolean signaled(int status) {
        return ((byte) ((status & 0x7f) + 1) >> 1) > 0;
    }

    public static int termSignal(int status) {
        return status & 0x7f;
    }

    public static boolean coreDumped(int status) {
        return (status & 0x80) != 0;
    }

    public static boolean stopped(int status) {
        return (status & 0xff) == 0x7f;
    }

    public static int stopSignal(int status) {
        return (status >> 8) & 0xff;
    }

    /** The PTRACE_EVENT_* of a ptrace stop, 0 for a signal-delivery-stop. */
    public static int event(int status) {
        return (status >>> 16) & 0xff;
    }

    /** Whether a stop signal is one of the job-control stops SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU. */
    public static boolean isJobControlStop(int signal) {
        return signal == LibC.SIGSTOP || signal == LibC.SIGTSTP
                || signal == LibC.SIGTTIN || signal == LibC.SIGTTOU;
    }

    /** A readable form, e.g. "stopped by signal 5, event 128". */
    public static String describe(int status) {
        if (exited(status)) {
            return "exited with code " + exitCode(status);
        }
        if (signaled(status)) {
            return "killed by signal " + termSignal(status) + (coreDumped(status) ? " (core dumped)" : "");
        }
        if (stopped(status)) {
            return "stopped by signal " + stopSignal(status) + ", event " + event(status);
        }
        return "status 0x" + Integer.toHexString(status);
    }

    private static final String[] SIGNAL_NAMES = {
        "0", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL",
        "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT",
        "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF",
        "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS"
    };

    /** The name of a Linux signal number (x86_64 and aarch64 numbering), e.g. "SIGKILL". */
    public static String signalName(int signal) {
        if (signal > 0 && signal < SIGNAL_NAMES.length) {
            return SIGNAL_NAMES[signal];
        }
        return signal >= 34 && signal <= 64 ? "SIGRTMIN+" + (signal - 34) : "signal " + signal;
    }
}
