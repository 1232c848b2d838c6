package zeekspy.cli;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import zeekspy.sampling.Sample;
import zeekspy.sampling.Sampler;
import zeekspy.sampling.ZeekProcess;

/** Takes a single sample, retrying a few times when the stack was torn or Zeek did not stop. */
final class OneShot {
    private static final int TRIES = 5;

    private OneShot() {}

    static Sample take(ZeekProcess process, Sampler.Mode mode) {
        Sample last = null;
        for (int i = 0; i < TRIES; i++) {
            AtomicReference<Sample> taken = new AtomicReference<>();
            // One tick: a sampler with a duration just over one period takes exactly one sample.
            Sampler sampler = new Sampler(process, new Sampler.Options(1000, Duration.ofNanos(500_000), mode, 4096),
                    taken::set);
            String end = sampler.run();
            last = taken.get();
            if (last == null) {
                throw new IllegalStateException("no sample of process " + process.pid() + ": " + end);
            }
            if (DumpCommand.settled(last)) {
                return last;
            }
        }
        return last;
    }
}
