package zeekspy.memory;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.StringArray;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * A child process started with posix_spawnp(3) instead of {@link ProcessBuilder}, so that no JDK
 * thread waits for it: the JDK's reaper would take the ptrace stops of a traced child (see
 * {@link PtraceSession}). It inherits standard input, output and error, the working directory
 * and the environment; other file descriptors are closed; signal mask and dispositions are reset.
 */
public final class SpawnedProcess {
    private static final Map<Integer, SpawnedProcess> SPAWNED = new ConcurrentHashMap<>();
    private static final short POSIX_SPAWN_SETSIGDEF = 0x04;
    private static final short POSIX_SPAWN_SETSIGMASK = 0x08;

    private final int pid;
    private volatile PtraceSession session;
    private volatile int waitStatus = -1;

    private SpawnedProcess(int pid) {
        this.pid = pid;
    }

    /** Starts {@code command} (looked up in PATH) with the current environment. */
    public static SpawnedProcess start(List<String> command) {
        return start(command, Map.of());
    }

    /** Starts {@code command} with the current environment plus {@code extraEnvironment}. */
    public static SpawnedProcess start(List<String> command, Map<String, String> extraEnvironment) {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        Map<String, String> environment = new java.util.TreeMap<>(System.getenv());
        environment.putAll(extraEnvironment);
        List<String> env = new ArrayList<>();
        environment.forEach((k, v) -> env.add(k + "=" + v));
        StringArray argv = new StringArray(command.toArray(new String[0]));
        StringArray envp = new StringArray(env.toArray(new String[0]));
        try (Memory attr = new Memory(1024); Memory actions = new Memory(1024); Memory signals = new Memory(128)) {
            attr.clear();
            actions.clear();
            Spawn.posix_spawnattr_init(attr);
            Spawn.posix_spawn_file_actions_init(actions);
            try {
                Spawn.sigemptyset(signals);
                Spawn.posix_spawnattr_setsigmask(attr, signals);
                Spawn.sigfillset(signals);
                Spawn.posix_spawnattr_setsigdefault(attr, signals);
                Spawn.posix_spawnattr_setflags(attr, (short) (POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK));
                Function closeFrom = closeFrom();
                if (closeFrom != null) {
                    closeFrom.invokeInt(new Object[] {actions, 3});
                }
                int[] pid = new int[1];
                int error = Spawn.posix_spawnp(pid, command.get(0), actions, attr, argv, envp);
                if (error != 0) {
                    throw new IllegalArgumentException("cannot start " + command.get(0) + ": " + LibC.describe(error));
                }
                SpawnedProcess child = new SpawnedProcess(pid[0]);
                SPAWNED.put(pid[0], child);
                return child;
            } finally {
                Spawn.posix_spawn_file_actions_destroy(actions);
                Spawn.posix_spawnattr_destroy(attr);
            }
        }
    }

    public int pid() {
        return pid;
    }

    /**
     * Waits for the process to end; returns its exit code, or 128 + signal number when a signal
     * killed it (as shells and the JDK do). While a {@link PtraceSession} traces it, the session
     * reaps it and this method takes the status from there.
     */
    public int waitFor() {
        int[] status = new int[1];
        while (waitStatus == -1) {
            PtraceSession tracer = session;
            if (tracer == null || !tracer.attached()) {
                int r = LibC.waitpid(pid, status, LibC.WNOHANG);
                if (r == pid) {
                    reaped(pid, status[0]);
                    break;
                }
                if (r < 0 && LibC.errno() == LibC.ECHILD && waitStatus == -1) {
                    throw new IllegalStateException("process " + pid + " was reaped elsewhere");
                }
            }
            LockSupport.parkNanos(5_000_000);
        }
        return WaitStatus.exited(waitStatus) ? WaitStatus.exitCode(waitStatus) : 128 + WaitStatus.termSignal(waitStatus);
    }

    /** Whether it has not been reaped yet. */
    public boolean isAlive() {
        return waitStatus == -1;
    }

    /** Sends {@code signal} to the process. */
    public void signal(int signal) {
        if (waitStatus == -1 && LibC.kill(pid, signal) != 0) {
            throw new IllegalStateException("kill " + pid + " failed: " + LibC.describe(LibC.errno()));
        }
    }

    void tracedBy(PtraceSession tracer) {
        this.session = tracer;
    }

    static boolean isSpawned(int pid) {
        SpawnedProcess child = SPAWNED.get(pid);
        return child != null && child.isAlive();
    }

    /** Records the wait status of {@code pid}, when it is one of ours. */
    static void reaped(int pid, int status) {
        SpawnedProcess child = SPAWNED.remove(pid);
        if (child != null) {
            child.waitStatus = status;
        }
    }

    private static Function closeFrom() {
        try {
            return NativeLibrary.getInstance("c").getFunction("posix_spawn_file_actions_addclosefrom_np");
        } catch (UnsatisfiedLinkError e) {
            return null; // glibc before 2.34: descriptors without FD_CLOEXEC are inherited
        }
    }

    private static final class Spawn {
        static {
            Native.register(Spawn.class, "c");
        }

        static native int posix_spawnp(int[] pid, String file, Pointer fileActions, Pointer attr, Pointer argv, Pointer envp);

        static native int posix_spawnattr_init(Pointer attr);

        static native int posix_spawnattr_destroy(Pointer attr);

        static native int posix_spawnattr_setflags(Pointer attr, short flags);

        static native int posix_spawnattr_setsigmask(Pointer attr, Pointer mask);

        static native int posix_spawnattr_setsigdefault(Pointer attr, Pointer signals);

        static native int posix_spawn_file_actions_init(Pointer actions);

        static native int posix_spawn_file_actions_destroy(Pointer actions);

        static native int sigemptyset(Pointer set);

        static native int sigfillset(Pointer set);
    }
}
