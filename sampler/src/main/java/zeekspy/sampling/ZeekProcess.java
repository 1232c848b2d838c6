package zeekspy.sampling;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import zeekspy.layout.Layout;
import zeekspy.layout.LayoutException;
import zeekspy.layout.LayoutResolver;
import zeekspy.layout.ZeekBinary;
import zeekspy.memory.ProcFs;
import zeekspy.memory.ProcessAccessException;
import zeekspy.memory.ProcessMemory;
import zeekspy.memory.ProcessVmMemory;
import zeekspy.stack.StackReader;
import zeekspy.symbols.ElfFile;
import zeekspy.symbols.ElfFormatException;
import zeekspy.symbols.ElfSymbol;

/**
 * A running Zeek process opened for reading: its binary, layout, the runtime addresses of its
 * script stacks, and its memory.
 */
public final class ZeekProcess implements AutoCloseable {
    private final int pid;
    private final String node;
    private final String exe;
    private final ZeekBinary binary;
    private final LayoutResolver.Resolution resolution;
    private final long callStackAddress;
    private final long frameStackAddress;
    private final ProcessMemory memory;

    private ZeekProcess(int pid, String node, String exe, ZeekBinary binary, LayoutResolver.Resolution resolution,
                        long callStackAddress, long frameStackAddress, ProcessMemory memory) {
        this.pid = pid;
        this.node = node;
        this.exe = exe;
        this.binary = binary;
        this.resolution = resolution;
        this.callStackAddress = callStackAddress;
        this.frameStackAddress = frameStackAddress;
        this.memory = memory;
    }

    /**
     * Opens process {@code pid}.
     *
     * @throws ProcessAccessException when the process is missing, a zombie, or not readable
     * @throws LayoutException when it is not Zeek or no layout is known for it
     */
    public static ZeekProcess open(int pid, LayoutResolver.Options options) throws IOException {
        if (pid <= 0 || !ProcFs.exists(pid)) {
            throw ProcessAccessException.noSuchProcess(pid);
        }
        if (ProcFs.isZombie(pid)) {
            throw new ProcessAccessException(ProcessAccessException.Reason.ZOMBIE, pid, "process " + pid + " is a zombie");
        }
        String exe;
        try {
            exe = ProcFs.exeTarget(pid);
        } catch (RuntimeException e) {
            throw permissionOrGone(pid);
        }
        String what = "process " + pid + " (" + exe + ")";
        ElfFile elf = openExecutable(pid, exe, what);
        try {
            ZeekBinary binary = ZeekBinary.identify(elf, what);
            LayoutResolver.Resolution resolution = new LayoutResolver(options).resolve(binary, what);
            Layout layout = resolution.layout();
            long base = ProcFs.exeLoadBase(pid);
            long callStack = address(elf, layout.callStackSymbol(), base, what, layout);
            long frameStack = layout.callInfoHasFrame() ? 0 : address(elf, layout.frameStackSymbol(), base, what, layout);
            ProcessMemory memory = ProcessVmMemory.open(pid);
            String node = ProcFs.environ(pid, "CLUSTER_NODE", memory).orElse("");
            return new ZeekProcess(pid, node, exe, binary, resolution, callStack, frameStack, memory);
        } catch (IOException | RuntimeException e) {
            elf.close();
            throw e;
        }
    }

    /**
     * Opens the executable through /proc/PID/exe, which works when the file was replaced or
     * lives in another mount namespace; the real path when it is the same file, so that
     * {@code .gnu_debuglink} is looked for beside it.
     */
    private static ElfFile openExecutable(int pid, String exe, String what) throws IOException {
        Path proc = ProcFs.exe(pid);
        try {
            Path real = Path.of(exe);
            Path file = Files.exists(real) && Files.isSameFile(real, proc) ? real : proc;
            return ElfFile.open(file);
        } catch (AccessDeniedException e) {
            throw permissionOrGone(pid);
        } catch (ElfFormatException e) {
            throw new LayoutException(what + " is not Zeek: " + e.getMessage());
        }
    }

    private static ProcessAccessException permissionOrGone(int pid) {
        return ProcessAccessException.forErrno(pid, 1 /* EPERM */);
    }

    private static long address(ElfFile elf, String symbol, long base, String what, Layout layout) throws IOException {
        if (symbol == null) {
            throw new LayoutException(what + ": the layout names no g_frame_stack symbol");
        }
        // The binary passed as Zeek already: a symbol it lacks is the layout's mistake.
        ElfSymbol s = elf.symbol(symbol).filter(ElfSymbol::isDefined).orElseThrow(() -> new LayoutException(
                what + " has no symbol " + symbol + ", which the layout from " + layout.source() + " names"));
        return elf.runtimeAddress(s, base);
    }

    /** A stack reader for this process; one per sampling thread. */
    public StackReader newStackReader(int maxDepth) {
        return new StackReader(memory, resolution.layout(), callStackAddress, frameStackAddress, maxDepth);
    }

    public int pid() {
        return pid;
    }

    /** The cluster node name (CLUSTER_NODE in Zeek's environment), or empty. */
    public String node() {
        return node;
    }

    /** The executable's path as the kernel reports it. */
    public String exe() {
        return exe;
    }

    public ZeekBinary binary() {
        return binary;
    }

    public Layout layout() {
        return resolution.layout();
    }

    public LayoutResolver.Resolution resolution() {
        return resolution;
    }

    public ProcessMemory memory() {
        return memory;
    }

    public long callStackAddress() {
        return callStackAddress;
    }

    public long frameStackAddress() {
        return frameStackAddress;
    }

    @Override
    public void close() {
        memory.close();
        try {
            binary.elf().close();
        } catch (IOException ignored) {
            // Closing a read-only file cannot lose data.
        }
    }
}
