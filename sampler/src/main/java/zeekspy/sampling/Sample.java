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
 * @param error why the sample is an error sample; null otherwise
 */
public record Sample(int pid, long nanoTime, SampleKind kind, List<ScriptFrame> frames, String error) {}
