package zeekspy.convert;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import jdk.jfr.Event;
import jdk.jfr.Name;
import jdk.jfr.Recording;

/**
 * A JVM that records numbered {@code test.Tick} events to disk until it is killed: run with
 * {@code -XX:FlightRecorderOptions:repository=DIR}; writes the file named by its argument when
 * the recording runs.
 */
public final class KilledRecorder {
    /** One tick; {@code n} counts up from 0 on one thread. */
    @Name("test.Tick")
    static final class Tick extends Event {
        long n;
    }

    private KilledRecorder() {}

    public static void main(String[] args) throws Exception {
        Recording recording = new Recording();
        recording.enable(Tick.class).withStackTrace();
        recording.setToDisk(true);
        recording.start();
        Files.writeString(Path.of(args[0]), "recording\n");
        long end = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        for (long n = 0; System.nanoTime() < end; n++) {
            Tick t = new Tick();
            t.n = n;
            t.commit();
            Thread.sleep(1);
        }
    }
}
