package zeekspy.memory;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Keeps the CPU of a paused thread polling, not halted, while the pause leaves it idle, so that
 * the resume puts the thread back to work at once instead of waking a halted CPU with an
 * interrupt. Where idle CPUs halt (a virtual machine without guest halt polling), that wake-up
 * cost Zeek more time than the pause itself (BENCHMARKS.md, Sampling, tenth run).
 *
 * <p>The means is the CPU's PM QoS resume latency ({@code cpuN/power/pm_qos_resume_latency_us}):
 * "n/a", no latency allowed, makes cpuidle choose its polling state. It is set just before an
 * interrupt and cleared after the resume, only on CPUs that had no limit, and only where zeek-spy
 * may write it (root). The CPU is the one the thread last ran on, looked up outside the pauses
 * every {@value #LOOKUP_INTERVAL_MILLIS} ms. Should zeek-spy die in a pause, a watchdog child
 * clears the limits it set: it waits for the end of a pipe that only this process holds.
 */
final class IdlePolling implements AutoCloseable {
    static final Path SYSFS_CPUS = Path.of("/sys/devices/system/cpu");
    private static final long LOOKUP_INTERVAL_MILLIS = 100;
    private static final long LOOKUP_INTERVAL_NANOS = LOOKUP_INTERVAL_MILLIS * 1_000_000;
    /** The stat line's field that names the CPU the thread last ran on. */
    private static final int PROCESSOR_FIELD = 39;
    private static final int STAT_SIZE = 1024;
    private static final int UNTRIED = 0;
    private static final int UNUSABLE = -1;
    /**
     * Clears, once its input ends, each limit named in it that still says "n/a". It ignores the
     * signals of a terminal's Ctrl+C, which end zeek-spy through its own clean-up.
     */
    private static final String WATCHDOG = "trap '' INT TERM HUP QUIT; while IFS= read -r f; do set -- \"$@\" \"$f\"; done;"
            + " for f do [ \"$(cat \"$f\" 2>/dev/null)\" = n/a ] && printf 0 >\"$f\"; done";

    private final Path cpus;
    private final int statFd;
    private final Memory buffer = new Memory(STAT_SIZE);
    private final Memory noLatency = text("n/a");
    private final Memory noLimit = text("0");
    /** By CPU number: UNTRIED, UNUSABLE, or the open limit file's descriptor plus one. */
    private int[] limits = new int[0];
    private int cpu = -1;
    private long nextLookup;
    private int heldFd = -1;
    private Process watchdog;
    private OutputStream watchdogInput;
    private boolean closed;

    private IdlePolling(Path cpus, int statFd) {
        this.cpus = cpus;
        this.statFd = statFd;
        this.nextLookup = System.nanoTime();
    }

    /** For thread {@code tid} of process {@code pid}; does nothing if its stat file cannot be opened. */
    static IdlePolling forThread(int pid, int tid, Path cpus) {
        return new IdlePolling(cpus, LibC.open("/proc/" + pid + "/task/" + tid + "/stat", LibC.O_RDONLY | LibC.O_CLOEXEC));
    }

    /** Makes the thread's CPU poll while idle, if it is known and its limit may be set; before an interrupt. */
    void hold() {
        if (cpu < 0 || heldFd >= 0) {
            return;
        }
        int fd = limitFd(cpu);
        if (fd >= 0 && LibC.pwrite(fd, Pointer.nativeValue(noLatency), noLatency.size(), 0) == noLatency.size()) {
            heldFd = fd;
        }
    }

    /** The CPU {@link #hold()} holds, or -1. */
    int heldCpu() {
        return heldFd >= 0 ? cpu : -1;
    }

    /** Clears the limit {@link #hold()} set, and looks the thread's CPU up when due; after a resume. */
    void release() {
        clearHeld();
        long now = System.nanoTime();
        if (statFd >= 0 && !closed && now - nextLookup >= 0) {
            nextLookup = now + LOOKUP_INTERVAL_NANOS;
            cpu = lastCpu();
            if (cpu >= 0) {
                limitFd(cpu); // opens the file and starts the watchdog here, not in a pause
            }
        }
    }

    private void clearHeld() {
        if (heldFd >= 0) {
            LibC.pwrite(heldFd, Pointer.nativeValue(noLimit), noLimit.size(), 0);
            heldFd = -1;
        }
    }

    /** The CPU the thread last ran on, from its stat line, or -1. */
    private int lastCpu() {
        long n = LibC.pread(statFd, Pointer.nativeValue(buffer), STAT_SIZE, 0);
        int at = ProcFs.statFieldOffset(buffer, n, PROCESSOR_FIELD);
        if (at < 0) {
            return -1;
        }
        int value = 0;
        int digits = 0;
        for (; at < n && buffer.getByte(at) >= '0' && buffer.getByte(at) <= '9'; at++) {
            value = value * 10 + buffer.getByte(at) - '0';
            digits++;
        }
        return digits > 0 ? value : -1;
    }

    /** The open limit file of {@code cpu}, or -1 if it is not to be touched. */
    private int limitFd(int cpu) {
        if (cpu >= limits.length) {
            limits = Arrays.copyOf(limits, cpu + 1);
        }
        if (limits[cpu] == UNTRIED) {
            int fd = openUnlimited(cpus.resolve("cpu" + cpu).resolve("power/pm_qos_resume_latency_us"));
            limits[cpu] = fd < 0 ? UNUSABLE : fd + 1;
        }
        return limits[cpu] - 1;
    }

    /** The limit file opened for writing if it says "0" (no limit) and the watchdog knows it; else -1. */
    private int openUnlimited(Path file) {
        int fd = LibC.open(file.toString(), LibC.O_RDWR | LibC.O_CLOEXEC);
        if (fd < 0) {
            return -1; // not root, or no cpuidle: nothing to do
        }
        long n = LibC.pread(fd, Pointer.nativeValue(buffer), 16, 0);
        // An administrator's limit (or "n/a" already) is left as it is.
        boolean unlimited = n >= 1 && buffer.getByte(0) == '0' && (n == 1 || buffer.getByte(1) == '\n');
        if (!unlimited || !watched(file)) {
            LibC.close(fd);
            return -1;
        }
        return fd;
    }

    /** Tells the watchdog, started on first use, to clear {@code file} if this process dies; whether it could. */
    private boolean watched(Path file) {
        try {
            if (watchdog == null) {
                watchdog = new ProcessBuilder("sh", "-c", WATCHDOG)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
                watchdogInput = watchdog.getOutputStream();
            }
            watchdogInput.write((file + "\n").getBytes(StandardCharsets.UTF_8));
            watchdogInput.flush();
            return true;
        } catch (IOException e) {
            return false; // without the watchdog a crash could leave the CPU polling for good
        }
    }

    /** Clears any limit still held, closes the files, and lets the watchdog end. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        clearHeld(); // no lookup: a due one would open a file and start the watchdog only to close them
        closed = true;
        for (int i = 0; i < limits.length; i++) {
            if (limits[i] > 0) {
                LibC.close(limits[i] - 1);
            }
            limits[i] = UNUSABLE;
        }
        if (statFd >= 0) {
            LibC.close(statFd);
        }
        if (watchdogInput != null) {
            try {
                watchdogInput.close();
            } catch (IOException e) {
                // the watchdog is gone already; it had nothing left to clear
            }
        }
    }

    private static Memory text(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.US_ASCII);
        Memory m = new Memory(bytes.length);
        m.write(0, bytes, 0, bytes.length);
        return m;
    }
}
