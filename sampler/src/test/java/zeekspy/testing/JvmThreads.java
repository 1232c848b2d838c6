package zeekspy.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** This JVM's threads as Linux sees them: /proc/self/task. */
public final class JvmThreads {
    private JvmThreads() {}

    /** One thread: its id, its name (comm) and the text of one of its files in /proc/self/task/TID. */
    public record Entry(int tid, String name, String text) {}

    /** Every thread with the text of its /proc/self/task/TID/{@code file}; threads that end meanwhile are skipped. */
    public static List<Entry> read(String file) throws IOException {
        List<Entry> entries = new ArrayList<>();
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    entries.add(new Entry(Integer.parseInt(task.getFileName().toString()),
                            Files.readString(task.resolve("comm")).strip(), Files.readString(task.resolve(file))));
                } catch (IOException e) {
                    // the thread ended between the listing and the read
                }
            }
        }
        return entries;
    }

    /**
     * The value of {@code field} (e.g. "Cpus_allowed_list") in /proc/self/task/TID/status of every
     * thread named {@code name}.
     */
    public static List<String> status(String name, String field) throws IOException {
        List<String> values = new ArrayList<>();
        for (Entry e : read("status")) {
            if (e.name().equals(name)) {
                for (String line : e.text().split("\n")) {
                    if (line.startsWith(field + ":")) {
                        values.add(line.substring(field.length() + 1).trim());
                    }
                }
            }
        }
        return values;
    }
}
