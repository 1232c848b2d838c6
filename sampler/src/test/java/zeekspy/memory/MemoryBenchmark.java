package zeekspy.memory;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * Measures batch reads and pause lengths on the C test helper. Run from the sampler module:
 * {@code java -cp target/test-classes:target/classes:JNA.jar zeekspy.memory.MemoryBenchmark}.
 */
public final class MemoryBenchmark {
    public static void main(String[] args) throws Exception {
        int pauses = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
        try (Helper helper = Helper.start("sleep"); ProcessVmMemory memory = ProcessVmMemory.open(helper.pid)) {
            ReadBatch batch = batchOf20(helper);
            long[] times = new long[200_000];
            for (int i = 0; i < times.length; i++) {
                long t0 = System.nanoTime();
                memory.read(batch);
                times[i] = System.nanoTime() - t0;
            }
            report("process_vm_readv batch of 20 (8..64 bytes)", Arrays.copyOfRange(times, 50_000, times.length));
            FakeMemory fake = new FakeMemory().map(helper.address("buf"), 4096);
            for (int i = 0; i < times.length; i++) {
                long t0 = System.nanoTime();
                fake.read(batch);
                times[i] = System.nanoTime() - t0;
            }
            report("FakeMemory batch of 20", Arrays.copyOfRange(times, 50_000, times.length));
        }
        for (String mode : new String[] {"spin", "sleep"}) {
            try (Helper helper = Helper.start(mode); PtraceSession session = PtraceSession.seize(helper.pid);
                    ProcessVmMemory memory = ProcessVmMemory.open(helper.pid)) {
                ReadBatch batch = batchOf20(helper);
                for (int round = 1; round <= 2; round++) { // alternated: the machine's load varies
                    long[] pause = new long[pauses];
                    long[] call = new long[pauses];
                    long[] split = new long[pauses];
                    long[] stopped = new long[pauses];
                    for (int i = 0; i < pauses; i++) {
                        long t0 = System.nanoTime();
                        if (session.pause(() -> memory.read(batch)) != PtraceSession.Result.STOPPED) {
                            throw new IllegalStateException("not stopped");
                        }
                        call[i] = System.nanoTime() - t0;
                        pause[i] = session.lastPauseNanos();
                        stopped[i] = session.lastStoppedNanos();
                        LockSupport.parkNanos(1_000_000); // about 1000 samples per second
                    }
                    for (int i = 0; i < pauses; i++) {
                        session.interrupt();
                        memory.read(batch);
                        session.resume();
                        split[i] = session.lastPauseNanos();
                        LockSupport.parkNanos(1_000_000);
                    }
                    report(mode + " tracee, round " + round + ": pause(read 20), pause length", pause);
                    report(mode + " tracee, round " + round + ": pause(read 20), seen stopped", stopped);
                    report(mode + " tracee, round " + round + ": pause(read 20), whole call", call);
                    report(mode + " tracee, round " + round + ": interrupt(); read 20; resume(), pause length", split);
                }
            }
        }
        try (Helper helper = Helper.start("sleep"); PtraceSession session = PtraceSession.seize(helper.pid)) {
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long[] ids = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("zeek-spy-ptrace"))
                    .mapToLong(Thread::getId).toArray();
            long cpu0 = Arrays.stream(ids).map(threads::getThreadCpuTime).sum();
            long t0 = System.nanoTime();
            Thread.sleep(5_000);
            double share = (Arrays.stream(ids).map(threads::getThreadCpuTime).sum() - cpu0) * 100.0 / (System.nanoTime() - t0);
            System.out.printf("idle session, %d threads: %.3f%% of one CPU%n", ids.length, share);
        }
        for (boolean traced : new boolean[] {false, true}) {
            try (Helper helper = Helper.start("sleep"); ProcessVmMemory memory = ProcessVmMemory.open(helper.pid)) {
                PtraceSession session = traced ? PtraceSession.seize(helper.pid) : null;
                long[] latency = new long[1000];
                for (int i = 0; i < latency.length; i++) {
                    long t0 = System.nanoTime();
                    LibC.kill(helper.pid, LibC.SIGUSR1);
                    while (helper.readLong(memory, "usr1") <= i) {
                        Thread.onSpinWait();
                    }
                    latency[i] = System.nanoTime() - t0;
                    LockSupport.parkNanos(2_000_000);
                }
                report("signal sent until handled, sleeping helper, " + (traced ? "traced" : "untraced"), latency);
                if (session != null) {
                    session.close();
                }
            }
        }
    }

    private static ReadBatch batchOf20(Helper helper) {
        ReadBatch batch = new ReadBatch(20, 4096);
        for (int i = 0; i < 20; i++) {
            batch.add(helper.address("buf") + 128 * i, 8 + (i % 8) * 8);
        }
        return batch;
    }

    private static void report(String what, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf("%-70s p50 %7.1f us  p99 %7.1f us  max %8.1f us  (n=%d)%n", what,
                sorted[sorted.length / 2] / 1e3, sorted[(int) (sorted.length * 0.99)] / 1e3, sorted[sorted.length - 1] / 1e3,
                sorted.length);
    }
}
