package zeekspy.safety;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The report lines mini-zeek's safety options print after a run: {@code name\tkey=value key=value ...}. */
final class InferiorReport {
    private InferiorReport() {}

    /** The {@code key=value} fields of the line named {@code name}; fails if there is none. */
    static Map<String, Long> fields(List<String> lines, String name) {
        for (String line : lines) {
            if (line.startsWith(name + "\t")) {
                Map<String, Long> out = new HashMap<>();
                for (String field : line.substring(name.length() + 1).split(" ")) {
                    int eq = field.indexOf('=');
                    out.put(field.substring(0, eq), Long.parseLong(field.substring(eq + 1)));
                }
                return out;
            }
        }
        throw new AssertionError("no '" + name + "' line in the inferior's output: " + lines.stream()
                .filter(l -> !l.startsWith("truth")).toList());
    }

    /** The number on the line {@code name\tN}. */
    static long number(List<String> lines, String name) {
        for (String line : lines) {
            if (line.startsWith(name + "\t")) {
                return Long.parseLong(line.substring(name.length() + 1).strip());
            }
        }
        throw new AssertionError("no '" + name + "' line in the inferior's output: " + lines.stream()
                .filter(l -> !l.startsWith("truth")).toList());
    }
}
