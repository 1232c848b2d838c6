package zeekspy.convert;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Writes the frames with the most samples as a plain-text table like {@code pprof -top}: flat
 * (time with the frame innermost), cum (time with the frame anywhere on the stack), each with
 * its share of the total, and the running sum of flat shares.
 */
final class TopWriter {
    private final StackProfile profile;

    TopWriter(StackProfile profile) {
        this.profile = profile;
    }

    void write(Writer out) throws IOException {
        int frameCount = profile.frames.frameCount();
        long[] flat = new long[frameCount];
        long[] cum = new long[frameCount];
        int[] seenIn = new int[frameCount];
        long total = 0;
        long samples = 0;
        for (int sample = 0; sample < profile.sampleCount(); sample++) {
            int stack = profile.stackOf(sample);
            long value = profile.nanosOf(sample);
            total += value;
            samples += profile.countOf(sample);
            int length = profile.stacks.length(stack);
            for (int i = 0; i < length; i++) {
                int frame = profile.stacks.frame(stack, i);
                if (seenIn[frame] != sample + 1) {
                    seenIn[frame] = sample + 1;
                    cum[frame] += value;
                }
            }
            if (length > 0) {
                flat[profile.stacks.frame(stack, length - 1)] += value;
            }
        }
        List<Integer> rows = new ArrayList<>();
        for (int frame = 0; frame < frameCount; frame++) {
            if (cum[frame] > 0) {
                rows.add(frame);
            }
        }
        rows.sort(Comparator.<Integer>comparingLong(f -> -flat[f]).thenComparingLong(f -> -cum[f])
                .thenComparing(profile.frames::label));
        out.write(String.format(Locale.ROOT, "%s: %d samples, %s total%n", profile.event, samples, time(total)));
        out.write(String.format(Locale.ROOT, "%10s %7s %7s %10s %7s  %s%n", "flat", "flat%", "sum%", "cum", "cum%", "frame"));
        long sum = 0;
        for (int frame : rows) {
            sum += flat[frame];
            out.write(String.format(Locale.ROOT, "%10s %7s %7s %10s %7s  %s%n", time(flat[frame]),
                    percent(flat[frame], total), percent(sum, total), time(cum[frame]), percent(cum[frame], total),
                    profile.frames.label(frame)));
        }
    }

    private static String percent(long part, long total) {
        return String.format(Locale.ROOT, "%.2f%%", total == 0 ? 0.0 : 100.0 * part / total);
    }

    /** A duration the way pprof shows it: 0, 850us, 10ms, 1.50s. */
    static String time(long nanos) {
        if (nanos == 0) {
            return "0";
        }
        String[] units = {"ns", "us", "ms", "s"};
        double value = nanos;
        int unit = 0;
        while (unit < units.length - 1 && Math.abs(value) >= 1000) {
            value /= 1000;
            unit++;
        }
        String text = String.format(Locale.ROOT, "%.2f", value);
        if (text.endsWith(".00")) {
            text = text.substring(0, text.length() - 3);
        }
        return text + units[unit];
    }
}
