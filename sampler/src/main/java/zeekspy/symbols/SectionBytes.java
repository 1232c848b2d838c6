package zeekspy.symbols;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The bytes of one section, mapped from the file or inflated on demand.
 *
 * <p>Compressed sections are inflated into one array only as far as a reader has asked with
 * {@link #ensure(long)}, so a scan that stops early never pays for the rest of the section.
 * After {@link #inflateAhead()} a background thread inflates a bounded distance ahead of the
 * reader, so inflating and scanning overlap on two cores. Reading is for one thread at a time.
 */
final class SectionBytes {
    private static final int INFLATE_STEP = 4 << 20;
    /** How far the background thread may run ahead of the furthest position asked for. */
    static final int LOOKAHEAD = 32 << 20;

    private final String description;
    private final ByteBuffer buffer;
    private final int size;
    private byte[] array;
    private Inflater inflater;
    /** Bytes inflated so far; written by the inflating thread, read by the reader. */
    private volatile int inflated;
    private volatile long inflateNanos;
    private long blockedNanos;

    private final Object lock = new Object();
    /** Whether a background thread inflates; guarded by {@link #lock}. */
    private boolean background;
    private Thread worker;
    /** Position the worker may inflate up to; guarded by {@link #lock}. */
    private long demand;
    /** Failure of the worker, rethrown to the reader; guarded by {@link #lock}. */
    private RuntimeException failure;

    private SectionBytes(String description, ByteBuffer buffer, int size) {
        this.description = description;
        this.buffer = buffer;
        this.size = size;
    }

    /** Bytes stored as they are. */
    static SectionBytes plain(String description, ByteBuffer data) {
        ByteBuffer b = data.slice().order(ByteOrder.LITTLE_ENDIAN);
        SectionBytes s = new SectionBytes(description, b, b.remaining());
        s.inflated = s.size;
        return s;
    }

    /** A zlib stream in {@code compressed} that inflates to exactly {@code size} bytes. */
    static SectionBytes zlib(String description, ByteBuffer compressed, int size) {
        byte[] array = new byte[size];
        SectionBytes s = new SectionBytes(description,
                ByteBuffer.wrap(array).order(ByteOrder.LITTLE_ENDIAN), size);
        s.array = array;
        s.inflater = new Inflater();
        s.inflater.setInput(compressed.slice());
        return s;
    }

    /** The whole section, little-endian; call {@link #ensure(long)} before reading. */
    ByteBuffer buffer() {
        return buffer;
    }

    int size() {
        return size;
    }

    /**
     * Starts inflating in a background daemon thread, at most {@link #LOOKAHEAD} bytes beyond
     * what has been asked for. Does nothing for uncompressed or fully inflated sections.
     */
    void inflateAhead() {
        synchronized (lock) {
            background = true;
            demand = Math.max(demand, (long) inflated + LOOKAHEAD);
            startWorkerIfNeeded();
        }
    }

    /** Starts a worker if there is work up to {@link #demand} and none is running; holds {@link #lock}. */
    private void startWorkerIfNeeded() {
        if (worker == null && inflater != null && inflated < Math.min(demand, size) && failure == null) {
            worker = new Thread(this::inflateInBackground, "zeekspy-inflate");
            worker.setDaemon(true);
            worker.start();
        }
    }

    /** Makes bytes {@code [0, end)} readable (clamped to the section size). */
    void ensure(long end) {
        if (end <= inflated) {
            return;
        }
        long start = System.nanoTime();
        try {
            synchronized (lock) {
                if (background) {
                    long target = Math.min(end, size);
                    demand = Math.max(demand, end + LOOKAHEAD);
                    startWorkerIfNeeded();
                    lock.notifyAll();
                    while (inflated < target) {
                        if (failure != null) {
                            throw failure;
                        }
                        lock.wait();
                    }
                    return;
                }
            }
            long target = Math.min(size, Math.max(end, (long) inflated + INFLATE_STEP));
            while (inflated < target) {
                inflateStep((int) target);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ElfFormatException(description + ": interrupted while inflating");
        } finally {
            blockedNanos += System.nanoTime() - start;
        }
    }

    /**
     * Inflates up to {@link #demand}, then ends, so an idle section holds no thread (and a
     * dropped one can be collected); {@link #ensure} starts a new worker when needed.
     */
    private void inflateInBackground() {
        try {
            while (true) {
                int target;
                synchronized (lock) {
                    if (inflated >= Math.min(demand, size)) {
                        worker = null;
                        lock.notifyAll();
                        return;
                    }
                    target = (int) Math.min(size, (long) inflated + INFLATE_STEP);
                }
                while (inflated < target) {
                    inflateStep(target);
                }
                synchronized (lock) {
                    lock.notifyAll();
                }
            }
        } catch (RuntimeException e) {
            synchronized (lock) {
                failure = e;
                worker = null;
                lock.notifyAll();
            }
        }
    }

    /** Inflates towards {@code target}; only one thread ever calls this for a section. */
    private void inflateStep(int target) {
        long start = System.nanoTime();
        try {
            int n = inflater.inflate(array, inflated, target - inflated);
            if (n == 0) {
                if (inflater.needsDictionary()) {
                    throw new ElfFormatException(description + ": zlib stream needs a dictionary");
                }
                if (inflater.finished() || inflater.needsInput()) {
                    throw new ElfFormatException(description + ": compressed data ends after "
                            + inflated + " of " + size + " bytes");
                }
            }
            inflated += n;
        } catch (DataFormatException e) {
            throw new ElfFormatException(description + ": bad zlib data: " + e.getMessage(), e);
        } finally {
            inflateNanos += System.nanoTime() - start;
        }
        if (inflated == size) {
            inflater.end();
        }
    }

    /** Everything readable. */
    SectionBytes ensureAll() {
        ensure(size);
        return this;
    }

    /** Time spent inflating so far, in whichever thread. */
    long inflateNanos() {
        return inflateNanos;
    }

    /** Time readers spent in {@link #ensure(long)}: inflating themselves or waiting for the background thread. */
    long blockedNanos() {
        return blockedNanos;
    }

    /** Bytes readable without further inflation. */
    long inflatedBytes() {
        return inflated;
    }

    boolean isCompressed() {
        return array != null;
    }

    String description() {
        return description;
    }
}
