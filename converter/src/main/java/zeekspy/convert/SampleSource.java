package zeekspy.convert;

import java.io.IOException;
import java.nio.file.Path;

/** A JFR parser that reports the events of one recording to a {@link JfrStackReader}. */
interface SampleSource {
    /**
     * Reports the events of {@code file} as far as they can be read, then throws if the
     * file turned out damaged or cut short.
     */
    void read(Path file, JfrStackReader reader) throws IOException;
}
