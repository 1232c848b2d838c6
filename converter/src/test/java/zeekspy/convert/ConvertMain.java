package zeekspy.convert;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Manual conversion from the command line: {@code ConvertMain [--event NAME] [--functions] [--per-node] [--idle] [--reverse] IN... OUT|-}. */
public final class ConvertMain {
    public static void main(String[] args) throws Exception {
        ConvertOptions options = ConvertOptions.defaults();
        List<Path> paths = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--event": options = options.withEvent(args[++i]); break;
                case "--functions": options = options.withGranularity(Granularity.FUNCTIONS); break;
                case "--per-node": options = options.withPerNode(true); break;
                case "--idle": options = options.withIdle(true); break;
                case "--reverse": options = options.withReverse(true); break;
                default: paths.add(Path.of(args[i]));
            }
        }
        Path out = paths.remove(paths.size() - 1);
        long t0 = System.nanoTime();
        ConversionSummary summary = Converter.convert(paths, out.toString().equals("-") ? null : out, options);
        // Plain concatenation: printf's formatter would add its own start-up to the benchmark.
        System.err.println(summary.describe() + " in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        for (String warning : summary.warnings()) {
            System.err.println("warning: " + warning);
        }
    }
}
