package zeekspy.testing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The inferior's own account of where its time went ({@code truth} lines of {@code --run}). */
public record GroundTruth(Map<String, Double> shareByLeaf, long signals) {
    public static final String NATIVE = "<native>";
    public static final String IDLE = "<idle>";

    /** Percent of non-idle time. */
    public Map<String, Double> busyShares() {
        double busy = 100 - shareByLeaf.getOrDefault(IDLE, 0.0);
        Map<String, Double> out = new HashMap<>();
        shareByLeaf.forEach((k, v) -> {
            if (!k.equals(IDLE)) {
                out.put(k, 100 * v / busy);
            }
        });
        return out;
    }

    public static GroundTruth parse(List<String> lines) {
        Map<String, Long> nanos = new HashMap<>();
        long signals = -1;
        long total = 0;
        for (String line : lines) {
            String[] f = line.split("\t");
            String key = switch (f[0]) {
                case "truth" -> {
                    String[] stack = f[2].split(";");
                    String leaf = stack[stack.length - 1];
                    yield leaf.substring(0, leaf.indexOf('@'));
                }
                case "truth-native" -> NATIVE;
                case "truth-idle" -> IDLE;
                // Time between the inferior's measured segments is C++ time with no script running.
                case "truth-unattributed" -> NATIVE;
                default -> null;
            };
            if (f[0].equals("signals")) {
                signals = Long.parseLong(f[1].substring(f[1].indexOf('=') + 1));
            }
            if (key != null) {
                long ns = Long.parseLong(f[1]);
                nanos.merge(key, ns, Long::sum);
                total += ns;
            }
        }
        Map<String, Double> shares = new HashMap<>();
        for (Map.Entry<String, Long> e : nanos.entrySet()) {
            shares.put(e.getKey(), 100.0 * e.getValue() / total);
        }
        return new GroundTruth(shares, signals);
    }
}
