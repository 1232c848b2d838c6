package zeekspy.sampling;

import java.util.List;
import zeekspy.stack.ScriptFrame;

/**
 * One observation of a Zeek process.
 *
 * @param pid the Zeek process
 * @param nanoTime when it was taken ({@link System#nanoTime()})
 * @param kind what the main thread was doing
 * @param frames the script stack, innermost frame first; empty unless {@code kind} is SCRIPT
 * @param depth the number of entries on Zeek's call stack, which exceeds {@code frames} when
 *     the stack was deeper than the sampler reads
 * @param truncated whether {@code frames} lacks the outermost entries
 * @param error why the sample is an error sample; null otherwise
 */
public record Sample(int pid, long nanoTime, SampleKind kind, List<ScriptFrame> frames, int depth, boolean truncated,
                     String error) {

    /** A sample whose frames are the whole stack. */
    public Sample(int pid, long nanoTime, SampleKind kind, List<ScriptFrame> frames, String error) {
        this(pid, nanoTime, kind, frames, frames.size(), false, error);
    }
}
