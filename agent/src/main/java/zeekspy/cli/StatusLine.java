package zeekspy.cli;

import java.io.PrintWriter;
import zeekspy.record.SamplingSession;
import zeekspy.sampling.Sampler;
import zeekspy.sampling.SamplerStatistics;

/**
 * The live one-line status of {@code record} on standard error: rewritten in place on a
 * terminal, a plain line every ten seconds otherwise.
 */
final class StatusLine {
    private static final long PLAIN_INTERVAL_NANOS = 10_000_000_000L;
    private final PrintWriter err;
    private final SamplingSession session;
    private final long started;
    private final boolean terminal = Terminal.stderrIsTerminal();
    private long lastPlain;
    private int lastLength;

    StatusLine(PrintWriter err, SamplingSession session, long started) {
        this.err = err;
        this.session = session;
        this.started = started;
        this.lastPlain = started;
    }

    void update() {
        long now = System.nanoTime();
        if (!terminal && now - lastPlain < PLAIN_INTERVAL_NANOS) {
            return;
        }
        lastPlain = now;
        long samples = 0;
        long errors = 0;
        long p50 = 0;
        for (Sampler s : session.samplers()) {
            SamplerStatistics.Snapshot st = s.statistics().snapshot();
            samples += st.samples();
            errors += st.errorCount();
            p50 = Math.max(p50, st.pauseP50());
        }
        double elapsed = (now - started) / 1e9;
        String line = String.format("zeek-spy: %.0f s, %d samples, %.0f/s, %d errors, pause p50 %s", elapsed, samples,
                elapsed > 0 ? samples / elapsed : 0.0, errors, micros(p50));
        if (terminal) {
            err.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
            lastLength = line.length();
        } else {
            err.println(line);
        }
        err.flush();
    }

    void clear() {
        if (terminal && lastLength > 0) {
            err.print("\r" + " ".repeat(lastLength) + "\r");
            err.flush();
        }
    }

    static String micros(long nanos) {
        return nanos == 0 ? "-" : String.format("%.1f µs", nanos / 1000.0);
    }
}
