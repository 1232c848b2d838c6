package zeekspy.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The kernel's per-CPU PM QoS resume latency files, for the tests of zeek-spy's CPU polling. */
public final class CpuLimits {
    public static final Path CPUS = Path.of("/sys/devices/system/cpu");

    private CpuLimits() {}

    /** The machine's CPU numbers, ascending, from the cpuN directories of sysfs. */
    public static List<Integer> cpuNumbers() throws IOException {
        try (Stream<Path> entries = Files.list(CPUS)) {
            return entries.map(p -> p.getFileName().toString()).filter(n -> n.matches("cpu[0-9]+"))
                    .map(n -> Integer.parseInt(n.substring(3))).sorted().toList();
        }
    }

    /** The highest CPU number. */
    public static int lastCpu() throws IOException {
        List<Integer> cpus = cpuNumbers();
        return cpus.get(cpus.size() - 1);
    }

    /** The resume latency file of {@code cpu} under a directory laid out as {@link #CPUS}. */
    public static Path limitFile(Path cpus, int cpu) {
        return cpus.resolve("cpu" + cpu).resolve("power/pm_qos_resume_latency_us");
    }

    /** Whether this process may write {@code file} and it says "0", no limit: a file zeek-spy's polling touches. */
    public static boolean writableAndUnset(Path file) throws IOException {
        return Files.isWritable(file) && Files.readString(file).strip().equals("0");
    }

    /** Pins process {@code pid} to {@code cpu} (taskset). */
    public static void pin(long pid, int cpu) throws IOException, InterruptedException {
        Process taskset = new ProcessBuilder("taskset", "-p", "-c", Integer.toString(cpu), Long.toString(pid))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (taskset.waitFor() != 0) {
            throw new IllegalStateException("taskset could not pin process " + pid + " to cpu" + cpu);
        }
    }
}
