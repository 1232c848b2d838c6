package zeekspy.convert;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a conversion did.
 *
 * @param event          the converted event type
 * @param format         the written format
 * @param output         the written file, or null for a stream
 * @param samplesRead    events of the converted type in the inputs
 * @param samplesWritten of those, the ones the output counts (after the time, idle and frame filters)
 * @param distinctStacks distinct stacks in the output
 * @param eventTypes     every event type in the inputs, with its number of events
 * @param warnings       one-line warnings, such as a recording cut short
 */
public record ConversionSummary(String event, OutputFormat format, Path output, long samplesRead,
        long samplesWritten, long distinctStacks, Map<String, Long> eventTypes, List<String> warnings) {

    /** One line for people, such as {@code 1200 of 1250 zeek.Sample samples, 37 distinct stacks -> out.pb.gz}. */
    public String describe() {
        return samplesWritten + " of " + samplesRead + " " + event + " samples, " + distinctStacks
                + " distinct stacks -> " + (output == null ? "standard output" : output.toString());
    }
}
