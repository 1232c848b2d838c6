package zeekspy.convert;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import jdk.jfr.EventType;
import jdk.jfr.consumer.RecordingFile;

/**
 * Benchmark helper: makes a big recording out of a real one-chunk recording by appending copies
 * of its events of one type to the chunk (the copies refer to the same constants, so every
 * reader sees them as more samples of the same stacks). Real jdk.ExecutionSample events come
 * at most a few hundred per second; this gives a million in a second.
 */
final class JfrAmplifier {
    private JfrAmplifier() {}

    /** Writes {@code output}: {@code input} with its {@code eventName} events repeated up to {@code targetEvents}. */
    static long amplify(Path input, String eventName, long targetEvents, Path output) throws IOException {
        long typeId = -1;
        try (RecordingFile recording = new RecordingFile(input)) {
            for (EventType type : recording.readEventTypes()) {
                if (type.getName().equals(eventName)) {
                    typeId = type.getId();
                }
            }
        }
        byte[] chunk = Files.readAllBytes(input);
        ByteBuffer header = ByteBuffer.wrap(chunk);
        long size = header.getLong(8);
        if (size != chunk.length || typeId < 0) {
            throw new IOException(input + " must be one chunk with " + eventName + " events");
        }
        ByteArrayOutputStream events = new ByteArrayOutputStream();
        long count = 0;
        int[] cursor = {68};
        while (cursor[0] < size) {
            int start = cursor[0];
            int eventSize = (int) varint(chunk, cursor);
            long type = varint(chunk, cursor);
            if (type == typeId) {
                events.write(chunk, start, eventSize);
                count++;
            }
            cursor[0] = start + eventSize;
        }
        if (count == 0) {
            throw new IOException(input + " has no " + eventName + " events");
        }
        byte[] copy = events.toByteArray();
        long copies = Math.max(0, (targetEvents - count + count - 1) / count);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(chunk);
        for (long i = 0; i < copies; i++) {
            out.write(copy);
        }
        byte[] result = out.toByteArray();
        ByteBuffer.wrap(result).putLong(8, result.length);
        Files.write(output, result);
        return count * (copies + 1);
    }

    private static long varint(byte[] b, int[] cursor) {
        long value = 0;
        for (int shift = 0; shift < 56; shift += 7) {
            byte x = b[cursor[0]++];
            value |= (long) (x & 0x7f) << shift;
            if (x >= 0) {
                return value;
            }
        }
        return value | (long) (b[cursor[0]++] & 0xff) << 56;
    }
}
