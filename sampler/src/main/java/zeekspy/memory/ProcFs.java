package zeekspy.memory;

import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Predicate;

/**
 * What Linux tells about a process in /proc. Methods about one process throw
 * {@link ProcessAccessException} when it does not exist or cannot be read.
 */
public final class ProcFs {
    private static final Path PROC = Path.of("/proc");
    private static final String DELETED = " (deleted)";
    /** The kernel's limit on argv plus environment (ARG_MAX) is far below this. */
    private static final long MAX_ENVIRONMENT = 16L << 20;

    private ProcFs() {}

    /** One line of /proc/PID/maps. {@code path} is empty for anonymous memory. */
    public record Mapping(long start, long end, String perms, long offset, String device, long inode, String path) {
        public boolean readable() {
            return perms.charAt(0) == 'r';
        }

        public boolean executable() {
            return perms.charAt(2) == 'x';
        }

        /** Whether the mapped file was deleted or replaced since it was mapped. */
        public boolean deleted() {
            return path.endsWith(DELETED);
        }

        /** The file path without a " (deleted)" suffix. */
        public String filePath() {
            return deleted() ? path.substring(0, path.length() - DELETED.length()) : path;
        }

        public boolean contains(long address) {
            return Long.compareUnsigned(address, start) >= 0 && Long.compareUnsigned(address, end) < 0;
        }
    }

    /** Scheduling state and CPU times of one thread; times are in clock ticks ({@link #clockTicksPerSecond()}). */
    /** A thread's state letter, its flags (PF_* of the kernel) and CPU times. */
    public record ThreadStat(char state, long flags, long utimeTicks, long stimeTicks) {}

    /** The path to open to read the executable of {@code pid}, even when the file was deleted or is in a container. */
    public static Path exe(int pid) {
        return PROC.resolve(Integer.toString(pid)).resolve("exe");
    }

    /** Where /proc/PID/exe points, for display (may end in " (deleted)"). */
    public static String exeTarget(int pid) {
        try {
            return Files.readSymbolicLink(exe(pid)).toString();
        } catch (IOException e) {
            throw accessFailure(pid, e);
        }
    }

    public static boolean exists(int pid) {
        return pid > 0 && Files.isDirectory(PROC.resolve(Integer.toString(pid)));
    }

    /** Whether {@code pid} is a kernel thread (PF_KTHREAD in its main thread's flags): it has no user memory. */
    public static boolean isKernelThread(int pid) {
        final long pfKthread = 0x00200000;
        try {
            return (threadStat(pid, pid).flags() & pfKthread) != 0;
        } catch (RuntimeException e) {
            return false;
        }
    }

    public static boolean isZombie(int pid) {
        try {
            return threadStat(pid, pid).state() == 'Z';
        } catch (ProcessAccessException e) {
            return false;
        }
    }

    /**
     * Whether {@code pid} has exited or is on its way out: gone, a zombie, or its main thread
     * inside the kernel's exit (PF_EXITING in its flags). The exit releases
     * the address space well before the process turns zombie (for a process with gigabytes of
     * memory, for many milliseconds), so a process whose memory has gone yet which is still no
     * zombie has not necessarily executed a new program.
     */
    public static boolean isExiting(int pid) {
        final long pfExiting = 0x00000004;
        ThreadStat stat;
        try {
            stat = threadStat(pid, pid);
        } catch (ProcessAccessException e) {
            return !exists(pid);
        }
        return stat.state() == 'Z' || stat.state() == 'X' || (stat.flags() & pfExiting) != 0;
    }

    public static List<Mapping> maps(int pid) {
        String text = readText(pid, "maps");
        List<Mapping> result = new ArrayList<>();
        int at = 0;
        while (at < text.length()) {
            int end = text.indexOf('\n', at);
            if (end < 0) {
                end = text.length();
            }
            if (end > at) {
                result.add(parseMapping(text.substring(at, end)));
            }
            at = end + 1;
        }
        return result;
    }

    /** Parses one maps line: {@code start-end perms offset dev inode [path]}. */
    static Mapping parseMapping(String line) {
        try {
            int dash = line.indexOf('-');
            int s1 = line.indexOf(' ', dash);
            int s2 = line.indexOf(' ', s1 + 1);
            int s3 = line.indexOf(' ', s2 + 1);
            int s4 = line.indexOf(' ', s3 + 1);
            int s5 = line.indexOf(' ', s4 + 1);
            long start = Long.parseUnsignedLong(line.substring(0, dash), 16);
            long end = Long.parseUnsignedLong(line.substring(dash + 1, s1), 16);
            String perms = line.substring(s1 + 1, s2);
            long offset = Long.parseUnsignedLong(line.substring(s2 + 1, s3), 16);
            String device = line.substring(s3 + 1, s4);
            long inode = Long.parseLong(line.substring(s4 + 1, s5 < 0 ? line.length() : s5));
            String path = s5 < 0 ? "" : line.substring(s5 + 1).stripLeading();
            return new Mapping(start, end, perms, offset, device, inode, path);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("unreadable /proc maps line: " + line);
        }
    }

    /**
     * The address where file offset 0 of the main executable is mapped (the load bias of a PIE):
     * start minus file offset of its lowest mapping. Mappings are matched by the target of
     * /proc/PID/exe (also when " (deleted)"), else by the inode of the file it opens.
     */
    public static long exeLoadBase(int pid) {
        List<Mapping> maps = maps(pid);
        String target = exeTarget(pid);
        String targetPath = target.endsWith(DELETED) ? target.substring(0, target.length() - DELETED.length()) : target;
        Mapping lowest = lowest(maps, m -> m.filePath().equals(targetPath));
        if (lowest == null) {
            long inode = exeInode(pid);
            lowest = lowest(maps, m -> inode > 0 && m.inode() == inode);
        }
        if (lowest == null) {
            throw new IllegalStateException("process " + pid + ": no mapping of its executable " + target
                    + " in /proc/" + pid + "/maps");
        }
        return lowest.start() - lowest.offset();
    }

    private static Mapping lowest(List<Mapping> maps, Predicate<Mapping> filter) {
        Mapping lowest = null;
        for (Mapping m : maps) {
            if (!m.path().isEmpty() && filter.test(m)
                    && (lowest == null || Long.compareUnsigned(m.start(), lowest.start()) < 0)) {
                lowest = m;
            }
        }
        return lowest;
    }

    private static long exeInode(int pid) {
        try {
            Object ino = Files.getAttribute(exe(pid), "unix:ino");
            return ino instanceof Long l ? l : -1;
        } catch (IOException | UnsupportedOperationException e) {
            return -1;
        }
    }

    /** State, flags and CPU times of thread {@code tid} of {@code pid}, from /proc/PID/task/TID/stat. */
    public static ThreadStat threadStat(int pid, int tid) {
        String text = readText(pid, "task/" + tid + "/stat");
        int close = text.lastIndexOf(')');
        if (close < 0 || close + 2 >= text.length()) {
            throw new IllegalStateException("unreadable /proc/" + pid + "/task/" + tid + "/stat");
        }
        String[] fields = text.substring(close + 2).trim().split(" ");
        // fields[0] is field 3 (state); flags is field 9, utime and stime are fields 14 and 15
        return new ThreadStat(fields[0].charAt(0), Long.parseLong(fields[6]), Long.parseLong(fields[11]),
                Long.parseLong(fields[12]));
    }

    /**
     * Where the state letter is in {@code length} bytes of a stat line read into native memory at
     * {@code line}, or -1 if they do not reach it: after "pid (comm) ", where comm may hold ')'
     * itself, so after the last ')'. For callers that keep the file open and pread it.
     */
    public static int stateOffset(Pointer line, long length) {
        for (int i = (int) length - 1; i >= 0; i--) {
            if (line.getByte(i) == ')') {
                return i + 2 < length ? i + 2 : -1;
            }
        }
        return -1;
    }

    /**
     * Where field {@code field} (numbered from 1, as in proc(5); 3 or more) starts in such a stat
     * line, or -1 if the bytes do not reach it.
     */
    public static int statFieldOffset(Pointer line, long length, int field) {
        int at = stateOffset(line, length);
        for (int f = 3; at >= 0 && f < field; f++) {
            while (at < length && line.getByte(at) != ' ') {
                at++;
            }
            at = at + 1 < length ? at + 1 : -1;
        }
        return at;
    }

    /** State letter of the main thread: R, S, D, T, t, Z, ... */
    public static char mainThreadState(int pid) {
        return threadStat(pid, pid).state();
    }

    /**
     * The system call thread {@code tid} is blocked in: its number, -1 when blocked outside a
     * system call, empty when it is running.
     */
    public static OptionalInt currentSyscall(int pid, int tid) {
        String text = readText(pid, "task/" + tid + "/syscall").trim();
        if (text.startsWith("running")) {
            return OptionalInt.empty();
        }
        int space = text.indexOf(' ');
        return OptionalInt.of(Integer.parseInt(space < 0 ? text : text.substring(0, space)));
    }

    /** The value of environment variable {@code name} in the initial environment of {@code pid}. */
    public static Optional<String> environ(int pid, String name) {
        return variable(readText(pid, "environ"), name);
    }

    /**
     * Like {@link #environ(int, String)}, but reads the environment block out of the process's
     * memory when /proc/PID/environ is closed to us: that file is readable by the process's owner
     * only (mode 0400), also for a tracer that has CAP_SYS_PTRACE and nothing else.
     */
    public static Optional<String> environ(int pid, String name, ProcessMemory memory) {
        try {
            return environ(pid, name);
        } catch (ProcessAccessException e) {
            if (e.reason() != ProcessAccessException.Reason.PERMISSION_DENIED) {
                throw e;
            }
            return variable(environmentBlock(pid, memory), name);
        }
    }

    private static Optional<String> variable(String block, String name) {
        String prefix = name + "=";
        for (String entry : block.split("\0")) {
            if (entry.startsWith(prefix)) {
                return Optional.of(entry.substring(prefix.length()));
            }
        }
        return Optional.empty();
    }

    /** The bytes between env_start and env_end (fields 50 and 51 of /proc/PID/stat, shown to those who may trace it). */
    static String environmentBlock(int pid, ProcessMemory memory) {
        String text = readText(pid, "stat");
        String[] fields = text.substring(text.lastIndexOf(')') + 2).trim().split(" ");
        // fields[0] is field 3; env_start and env_end are fields 50 and 51
        if (fields.length < 49) {
            throw ProcessAccessException.permissionDenied(pid);
        }
        long start = Long.parseUnsignedLong(fields[47]);
        long end = Long.parseUnsignedLong(fields[48]);
        if (start == 0 || end <= start || end - start > MAX_ENVIRONMENT) {
            throw ProcessAccessException.permissionDenied(pid);
        }
        byte[] block = new byte[(int) (end - start)];
        int n = memory.read(start, block, 0, block.length);
        if (n <= 0) {
            throw ProcessAccessException.permissionDenied(pid);
        }
        return new String(block, 0, n, StandardCharsets.UTF_8);
    }

    /** The command name (at most 15 characters). */
    public static String comm(int pid) {
        return readText(pid, "comm").strip();
    }

    static String commOrUnknown(int pid) {
        try {
            return comm(pid);
        } catch (RuntimeException e) {
            return "unknown";
        }
    }

    /** The process (thread group) id of thread {@code tid}. */
    public static int tgid(int tid) {
        return statusField(tid, "Tgid:");
    }

    /** The process of the thread tracing {@code pid}, 0 when none, -1 when unknown. */
    public static int tracerProcess(int pid) {
        int tracer = tracerPid(pid);
        try {
            return tracer > 0 ? tgid(tracer) : tracer;
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** TracerPid of {@code pid}: the id of the tracing thread, 0 when none, -1 when unknown. */
    public static int tracerPid(int pid) {
        try {
            return statusField(pid, "TracerPid:");
        } catch (ProcessAccessException e) {
            return -1;
        }
    }

    private static int statusField(int pid, String field) {
        for (String line : readText(pid, "status").split("\n")) {
            if (line.startsWith(field)) {
                return Integer.parseInt(line.substring(field.length()).trim());
            }
        }
        throw new IllegalStateException("no " + field + " in /proc/" + pid + "/status");
    }

    /** kernel.yama.ptrace_scope, empty when the Yama LSM is absent. */
    public static OptionalInt yamaPtraceScope() {
        try {
            return OptionalInt.of(Integer.parseInt(Files.readString(Path.of("/proc/sys/kernel/yama/ptrace_scope")).trim()));
        } catch (IOException | NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /**
     * Processes whose executable's file name is {@code name} (e.g. "zeek"), ascending. When the
     * executable link cannot be read (another user's process without privileges) the command
     * name is compared instead. Zombies are left out.
     */
    public static List<Integer> findByExeName(String name) {
        List<Integer> pids = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC)) {
            for (Path dir : dirs) {
                String file = dir.getFileName().toString();
                if (file.isEmpty() || !Character.isDigit(file.charAt(0)) || !file.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                int pid = Integer.parseInt(file);
                if (matchesExeName(pid, name) && !isZombie(pid)) {
                    pids.add(pid);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc: " + e.getMessage());
        }
        pids.sort(null);
        return pids;
    }

    private static boolean matchesExeName(int pid, String name) {
        try {
            String target = Files.readSymbolicLink(exe(pid)).toString();
            if (target.endsWith(DELETED)) {
                target = target.substring(0, target.length() - DELETED.length());
            }
            return target.substring(target.lastIndexOf('/') + 1).equals(name);
        } catch (NoSuchFileException e) {
            return false; // gone, or a kernel thread
        } catch (IOException e) {
            try {
                return comm(pid).equals(name.length() > 15 ? name.substring(0, 15) : name);
            } catch (ProcessAccessException gone) {
                return false;
            }
        }
    }

    /** Clock ticks per second of the times in {@link ThreadStat}. */
    public static long clockTicksPerSecond() {
        return 100; // USER_HZ is 100 on every Linux architecture zeek-spy supports
    }

    private static String readText(int pid, String relative) {
        try {
            return new String(Files.readAllBytes(PROC.resolve(Integer.toString(pid)).resolve(relative)), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw accessFailure(pid, e);
        }
    }

    private static ProcessAccessException accessFailure(int pid, IOException e) {
        if (e instanceof NoSuchFileException || !exists(pid)) {
            return ProcessAccessException.noSuchProcess(pid);
        }
        if (e instanceof AccessDeniedException) {
            return ProcessAccessException.permissionDenied(pid);
        }
        return new ProcessAccessException(ProcessAccessException.Reason.PERMISSION_DENIED, pid,
                "cannot read /proc/" + pid + ": " + e.getMessage());
    }
}
