package zeekspy.safety;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;
import zeekspy.memory.ProcessVmMemory;
import zeekspy.testing.RunningInferior;

/**
 * The counters of a {@code mini-zeek --counters} (sigusr1, sigterm, sigchld, progress), read
 * out of its memory while it runs: how a test knows that a signal was handled or that the
 * inferior makes progress, without any help from the tracer.
 */
final class InferiorCounters implements AutoCloseable {
    private final ProcessVmMemory memory;
    private final Map<String, Long> addresses = new HashMap<>();
    private final byte[] word = new byte[8];
    private boolean closed;

    private InferiorCounters(int pid, String line) {
        for (String field : line.substring("counters ".length()).split(" ")) {
            String[] kv = field.split("=");
            addresses.put(kv[0], Long.parseUnsignedLong(kv[1].substring(2), 16));
        }
        this.memory = ProcessVmMemory.open(pid);
    }

    /** The counters of an inferior started with {@code --counters} (its next output line). */
    static InferiorCounters of(RunningInferior zeek) {
        return new InferiorCounters(zeek.pid(), zeek.awaitLine("counters ", 10_000));
    }

    /** The counter's current value; any thread. */
    synchronized long read(String name) {
        if (closed) {
            throw new IllegalStateException("counters closed");
        }
        Long address = addresses.get(name);
        if (address == null) {
            throw new IllegalArgumentException("no counter " + name + " in " + addresses.keySet());
        }
        if (memory.read(address, word, 0, 8) != 8) {
            throw new IllegalStateException("cannot read counter " + name);
        }
        return ByteBuffer.wrap(word).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            memory.close();
        }
    }
}
