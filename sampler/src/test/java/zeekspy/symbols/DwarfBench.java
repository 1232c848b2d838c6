package zeekspy.symbols;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Times finding ten HotSpot types in the libjvm debug file of openjdk-17-dbg (or in the file
 * given as the first argument): the first lookup of this process (cold JIT, cold caches), then
 * the median of five more lookups, each with a fresh {@link DwarfTypes}.
 *
 * <pre>
 * java -cp sampler/target-elf/classes:sampler/target-elf/test-classes zeekspy.symbols.DwarfBench [file] [type...]
 * </pre>
 */
public final class DwarfBench {
    private static final List<String> DEFAULT_TYPES = List.of("JavaThread", "Thread", "InstanceKlass", "Klass",
            "Method", "ConstMethod", "oopDesc", "CodeBlob", "nmethod", "CompiledMethod");

    private DwarfBench() {
    }

    public static void main(String[] args) throws Exception {
        Path file;
        if (args.length > 0) {
            file = Path.of(args[0]);
        } else {
            try (ElfFile lib = ElfFile.open(LibjvmDwarfTest.LIBJVM)) {
                file = new DebugFileLocator().locate(lib).orElseThrow(
                        () -> new IllegalStateException("no libjvm debug file: install openjdk-17-dbg")).path();
            }
        }
        Set<String> names = new LinkedHashSet<>(args.length > 1 ? Arrays.asList(args).subList(1, args.length)
                : DEFAULT_TYPES);
        System.out.println("file: " + file);
        System.out.println("types: " + names);
        long[] wall = new long[6];
        long[] scan = new long[6];
        long[] cpu = new long[6];
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int i = 0; i < wall.length; i++) {
            long start = System.nanoTime();
            long cpuStart = threads.getCurrentThreadCpuTime();
            try (ElfFile elf = ElfFile.open(file)) {
                DwarfTypes dwarf = DwarfTypes.of(elf);
                Map<String, StructType> found = dwarf.find(names);
                wall[i] = System.nanoTime() - start;
                cpu[i] = threads.getCurrentThreadCpuTime() - cpuStart;
                DwarfTypes.Stats s = dwarf.stats();
                scan[i] = s.scanNanos();
                if (found.size() != names.size()) {
                    throw new IllegalStateException("not found: " + names.stream().filter(n -> !found.containsKey(n)).toList());
                }
                System.out.printf("%s: wall %d ms (lookup thread cpu %d ms), inflate %d ms (%d MB), waited for inflate"
                        + " %d ms, scan %d ms, %d units, %d DIEs%n", i == 0 ? "cold  " : "run " + i, ms(wall[i]),
                        ms(cpu[i]), ms(s.inflateNanos()),
                        s.bytesInflated() >> 20, ms(s.blockedNanos()), ms(s.scanNanos()), s.unitsScanned(),
                        s.diesVisited());
            }
        }
        System.out.printf("cold wall %d ms; warm median of 5: wall %d ms, scan %d ms, lookup thread cpu %d ms%n",
                ms(wall[0]), ms(median(wall)), ms(median(scan)), ms(median(cpu)));
    }

    private static long median(long[] values) {
        long[] warm = Arrays.copyOfRange(values, 1, values.length);
        Arrays.sort(warm);
        return warm[warm.length / 2];
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }
}
