package zeekspy.safety;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import zeekspy.layout.LayoutCache;
import zeekspy.layout.LayoutResolver;
import zeekspy.sampling.Sampler;
import zeekspy.sampling.ZeekProcess;

/**
 * zeek-spy's sampling in a JVM of its own, for tests that kill it: the real {@link Sampler} and
 * its {@link zeekspy.memory.PtraceSession}, without the command line and JFR, so that the JVM
 * starts fast. Arguments: PID MILLIS CACHE-DIR: it samples blocking at 10 kHz for MILLIS from the
 * first sample on, with a layout cache shared by the runs (only the first reads DWARF). Prints
 * one line per phase as it enters it: {@code opened} (layout found, not yet attached),
 * {@code sampling} (the first sample taken), {@code stopping} (asked to stop: the last samples,
 * then the detach), {@code detached}.
 */
public final class SamplerProcess {
    private SamplerProcess() {}

    public static void main(String[] args) throws Exception {
        int pid = Integer.parseInt(args[0]);
        long millis = Long.parseLong(args[1]);
        LayoutResolver.Options layouts = new LayoutResolver.Options(null, new LayoutCache(Path.of(args[2])), List.of());
        try (ZeekProcess process = ZeekProcess.open(pid, layouts)) {
            say("opened");
            CountDownLatch first = new CountDownLatch(1);
            Sampler sampler = new Sampler(process, new Sampler.Options(10_000, null, Sampler.Mode.BLOCKING, 256), s -> {
                if (first.getCount() > 0) {
                    say("sampling");
                    first.countDown();
                }
            });
            Thread sampling = new Thread(sampler::run, "sampler");
            sampling.start();
            first.await(60, TimeUnit.SECONDS);
            Thread.sleep(millis);
            say("stopping");
            sampler.stop();
            sampling.join();
            say("detached " + sampler.endReason());
        }
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
