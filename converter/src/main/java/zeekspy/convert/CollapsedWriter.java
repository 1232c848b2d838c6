package zeekspy.convert;

import java.io.IOException;
import java.io.Writer;
import java.util.Arrays;

/**
 * Writes one {@code frame;frame;frame count} line per distinct stack, outermost frame first, as
 * flamegraph.pl and speedscope read them. Frames keep their spaces (the count follows the last
 * space); a {@code ;} inside a frame becomes {@code U+037E}, a line break a space.
 */
final class CollapsedWriter {
    private final StackProfile profile;

    CollapsedWriter(StackProfile profile) {
        this.profile = profile;
    }

    void write(Writer out) throws IOException {
        long[] counts = new long[profile.stacks.count()];
        for (int sample = 0; sample < profile.sampleCount(); sample++) {
            counts[profile.stackOf(sample)] += profile.countOf(sample);
        }
        String[] labels = new String[profile.frames.frameCount()];
        String[] lines = new String[profile.stacks.count()];
        int lineCount = 0;
        StringBuilder line = new StringBuilder();
        for (int stack = 0; stack < counts.length; stack++) {
            if (counts[stack] == 0) {
                continue;
            }
            line.setLength(0);
            for (int i = 0; i < profile.stacks.length(stack); i++) {
                int frame = profile.stacks.frame(stack, i);
                if (labels[frame] == null) {
                    labels[frame] = escape(profile.frames.label(frame));
                }
                if (i > 0) {
                    line.append(';');
                }
                line.append(labels[frame]);
            }
            line.append(' ').append(counts[stack]).append('\n');
            lines[lineCount++] = line.toString();
        }
        Arrays.sort(lines, 0, lineCount);
        for (int i = 0; i < lineCount; i++) {
            out.write(lines[i]);
        }
    }

    private static String escape(String label) {
        return label.replace(';', '\u037e').replace('\n', ' ').replace('\r', ' ');
    }
}
