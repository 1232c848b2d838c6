package zeekspy.layout;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code key = value} data files bundled with zeek-spy; {@code #} starts a comment line. */
final class DataResource {
    private DataResource() {}

    /** The entries of resource {@code name}, in file order, keys and values stripped. */
    static Map<String, String> entries(String name) {
        try (InputStream in = DataResource.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            Map<String, String> entries = new LinkedHashMap<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                line = line.strip();
                int eq = line.indexOf('=');
                if (!line.isEmpty() && !line.startsWith("#") && eq > 0) {
                    entries.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
                }
            }
            return entries;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
