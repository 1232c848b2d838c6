package zeekspy.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** This JVM's threads as Linux sees them, found by name: /proc/self/task. */
public final class JvmThreads {
    private JvmThreads() {}

    /**
     * The value of {@code field} (e.g. "Cpus_allowed_list") in /proc/self/task/TID/status of every
     * thread named {@code name}; threads that end meanwhile are skipped.
     */
    public static List<String> status(String name, String field) throws IOException {
        List<String> values = new ArrayList<>();
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    if (Files.readString(task.resolve("comm")).trim().equals(name)) {
                        for (String line : Files.readAllLines(task.resolve("status"))) {
                            if (line.startsWith(field + ":")) {
                                values.add(line.substring(field.length() + 1).trim());
                            }
                        }
                    }
                } catch (IOException e) {
                    // the thread ended meanwhile
                }
            }
        }
        return values;
    }
}
