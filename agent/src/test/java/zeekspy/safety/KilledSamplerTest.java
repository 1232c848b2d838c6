package zeekspy.safety;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import zeekspy.memory.ProcFs;
import zeekspy.testing.MiniZeek;
import zeekspy.testing.RunningInferior;

/**
 * zeek-spy killed by SIGKILL at random moments, {@value #DEFAULT_KILLS} times (system property
 * {@code zeekspy.safety.kills} for more; {@code bench/soak-kill.sh} runs thousands): while its JVM
 * starts, while it attaches, while it samples at 10 kHz in blocking mode (sometimes with Zeek
 * stopped for a sample), and while it stops and detaches. After every kill Zeek must run on: not
 * traced, not stopped, alive, making progress; and a stream of SIGUSR1 sent all along must arrive
 * whole. zeek-spy here is the real Sampler and PtraceSession in a JVM of their own
 * ({@link SamplerProcess}, started lean); {@code KilledRecordIT} kills the shaded jar's
 * {@code record}. Two loops run side by side, each with its own Zeek, to make the JVM starts fit.
 */
@Timeout(value = 3, unit = TimeUnit.HOURS)
class KilledSamplerTest {
    static final int DEFAULT_KILLS = 200;
    static final int LOOPS = 2;

    /** Where a kill landed, by the last line the sampler printed before it. */
    enum Phase { JVM_START, ATTACH, SAMPLING, STOPPING, EXITING }

    /** What one loop of kills saw. */
    record Outcome(Map<Phase, Integer> landed, int stoppedAtKill, long signals) {}

    @Test
    void zeekRunsOnUntracedAfterEveryKill(@TempDir Path dir) throws Exception {
        int kills = Integer.getInteger("zeekspy.safety.kills", DEFAULT_KILLS);
        long seed = Long.getLong("zeekspy.safety.seed", System.nanoTime());
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(LOOPS);
        Map<Phase, Integer> landed = new EnumMap<>(Phase.class);
        int stoppedAtKill = 0;
        long signals = 0;
        try {
            List<Future<Outcome>> loops = new ArrayList<>();
            for (int loop = 0; loop < LOOPS; loop++) {
                int n = kills / LOOPS + (loop < kills % LOOPS ? 1 : 0);
                Path loopDir = Files.createDirectories(dir.resolve("loop-" + loop));
                long loopSeed = seed + loop;
                loops.add(pool.submit(() -> killLoop(n, loopSeed, loopDir)));
            }
            for (Future<Outcome> f : loops) {
                Outcome o;
                try {
                    o = f.get();
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof AssertionError a ? a : new AssertionError(e.getCause());
                }
                o.landed().forEach((p, c) -> landed.merge(p, c, Integer::sum));
                stoppedAtKill += o.stoppedAtKill();
                signals += o.signals();
            }
        } finally {
            pool.shutdownNow();
        }
        System.out.printf("kill test: %d kills in %.0f s (seed %d): %s; %d while Zeek was stopped for a sample;"
                + " %d SIGUSR1 all handled%n", kills, (System.nanoTime() - t0) / 1e9, seed, landed, stoppedAtKill, signals);
        for (Phase p : List.of(Phase.JVM_START, Phase.ATTACH, Phase.SAMPLING)) {
            assertTrue(landed.getOrDefault(p, 0) >= kills / 20, "too few kills landed in " + p + ": " + landed);
        }
        assertTrue(landed.getOrDefault(Phase.STOPPING, 0) + landed.getOrDefault(Phase.EXITING, 0) >= kills / 20,
                "too few kills landed in the shutdown: " + landed);
        assertTrue(stoppedAtKill > 0 || kills < 100, "no kill found Zeek stopped for a sample: " + landed);
        assertTrue(signals > kills, signals + " signals");
    }

    /** {@code kills} kills of samplers of a Zeek of its own; fails at the first harm. */
    static Outcome killLoop(int kills, long seed, Path dir) throws Exception {
        Random random = new Random(seed);
        Map<Phase, Integer> landed = new EnumMap<>(Phase.class);
        int stoppedAtKill = 0;
        long startMillisEstimate = 400;
        // The demo workload idles 60% of the time: CPU is left for the many JVM starts.
        try (RunningInferior zeek = RunningInferior.start(MiniZeek.binary("gcc", "8.0", ""), "--run", "36000", "--workload", "demo",
                "--counters");
             InferiorCounters counters = InferiorCounters.of(zeek)) {
            // Unkilled, the sampler goes through every phase and ends well (and fills the layout cache).
            SpyProcess whole = SpyProcess.start(samplerCommand(dir, zeek.pid(), 300), dir.resolve("stderr-whole"));
            assertEquals(0, whole.waitFor(120_000), whole.stderr());
            assertEquals(List.of("opened", "sampling", "stopping", "detached stopped"), whole.lines(), whole.stderr());
            ZeekHealth.assertRunningFree(zeek, counters, "after a sampler that was not killed");

            SignalStream usr1 = new SignalStream(zeek.pid(), counters, 5_000);
            usr1.start();
            try {
                for (int i = 0; i < kills; i++) {
                    long sampleMillis = 10 + random.nextInt(100);
                    SpyProcess spy = SpyProcess.start(samplerCommand(dir, zeek.pid(), sampleMillis), dir.resolve("stderr-" + (i % 4)));
                    // Aim at each phase in turn; where the kill really landed is read from the output.
                    char state;
                    try {
                        switch (i % 4) {
                            case 0 -> sleepMicros(random.nextLong(startMillisEstimate * 1000));
                            case 1 -> {
                                spy.await("opened", 60_000);
                                sleepMicros(random.nextInt(3_000));
                            }
                            case 2 -> {
                                spy.await("sampling", 60_000);
                                sleepMicros(random.nextLong(sampleMillis * 1000));
                            }
                            default -> {
                                spy.await("stopping", 60_000);
                                sleepMicros(random.nextInt(3_000)); // the detach takes about a millisecond
                            }
                        }
                        state = ProcFs.mainThreadState(zeek.pid());
                    } finally {
                        spy.kill();
                    }
                    if (spy.millisToFirstLine() > 0) {
                        startMillisEstimate = (startMillisEstimate * 3 + spy.millisToFirstLine()) / 4;
                    }
                    Phase phase = phaseOf(spy.lines());
                    landed.merge(phase, 1, Integer::sum);
                    if (state == 't' && phase == Phase.SAMPLING) {
                        stoppedAtKill++;
                    }
                    String when = "kill " + (i + 1) + " of Zeek " + zeek.pid() + " (" + phase + ", seed " + seed + ")";
                    ZeekHealth.assertRunningFree(zeek, counters, when);
                    if (usr1.failure() != null) {
                        throw new AssertionError(when + ": " + usr1.failure());
                    }
                }
            } finally {
                usr1.end(); // before the counters it reads are closed
            }
            return new Outcome(landed, stoppedAtKill, usr1.finish());
        }
    }

    static Phase phaseOf(List<String> lines) {
        Phase phase = Phase.JVM_START;
        for (String line : lines) {
            if (line.startsWith("opened")) {
                phase = Phase.ATTACH;
            } else if (line.startsWith("sampling")) {
                phase = Phase.SAMPLING;
            } else if (line.startsWith("stopping")) {
                phase = Phase.STOPPING;
            } else if (line.startsWith("detached")) {
                phase = Phase.EXITING;
            }
        }
        return phase;
    }

    /**
     * A lean JVM running {@link SamplerProcess}: C1 only, class data sharing, serial GC; JNA finds
     * its native library unpacked already and skips its {@code ldconfig -p} (about 70 ms each).
     */
    static List<String> samplerCommand(Path dir, int pid, long sampleMillis) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-XX:+UseSerialGC", "-XX:-UsePerfData", "-Xmx64m",
                "-Djna.tmpdir=" + dir.resolve("jna"), "-Djna.platform.library.path=" + System.getProperty("java.library.path")));
        Path jnidispatch = unpackedJnaLibrary(dir);
        if (jnidispatch != null) {
            cmd.addAll(List.of("-Djna.boot.library.path=" + jnidispatch.getParent(), "-Djna.nounpack=true"));
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), SamplerProcess.class.getName(), Integer.toString(pid),
                Long.toString(sampleMillis), dir.resolve("layouts").toString()));
        return cmd;
    }

    /** JNA's libjnidispatch, copied out of its jar into {@code dir} once; null if it is not there. */
    private static synchronized Path unpackedJnaLibrary(Path dir) throws IOException {
        Path lib = dir.resolve("jna-lib").resolve(System.mapLibraryName("jnidispatch"));
        if (Files.exists(lib)) {
            return lib;
        }
        String resource = "com/sun/jna/" + com.sun.jna.Platform.RESOURCE_PREFIX + "/" + lib.getFileName();
        try (InputStream in = KilledSamplerTest.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                return null;
            }
            Files.createDirectories(lib.getParent());
            Path tmp = Files.createTempFile(lib.getParent(), "jnidispatch", ".tmp");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, lib, StandardCopyOption.ATOMIC_MOVE);
            return lib;
        }
    }

    static void sleepMicros(long micros) throws InterruptedException {
        Thread.sleep(micros / 1000, (int) (micros % 1000) * 1000);
    }
}
