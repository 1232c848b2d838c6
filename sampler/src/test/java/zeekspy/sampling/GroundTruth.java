package zeekspy.sampling;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The inferior's own account of where its time went ({@code truth} lines of {@code --run}). */
record GroundTruth(Map<String, Double> shareByLeaf, long signals) {
    static final String NATIVE = "<native>";
    static final String IDLE = "<idle>";
    static final String UNATTRIBUTED = "<unattributed>";

    static GroundTruth parse(List<String> lines) {
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
                case "truth-unattributed" -> UNATTRIBUTED;
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
