package zeekspy.convert;
import java.lang.management.*;
import java.nio.file.*;
import java.util.*;
public class QuickBench {
    public static void main(String[] a) throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        ConvertOptions o = ConvertOptions.defaults();
        if (a.length > 2 && !a[2].isEmpty()) o = o.withEvent(a[2]);
        if (a.length > 3) o = o.withExclude(java.util.regex.Pattern.compile(a[3]));
        for (int i = 0; i < 5; i++) {
            long c0 = mx.getCurrentThreadCpuTime(), t0 = System.nanoTime();
            ConversionSummary s = Converter.convert(List.of(Path.of(a[0])), Path.of(a[1]), o);
            long c = mx.getCurrentThreadCpuTime() - c0, t = System.nanoTime() - t0;
            System.out.printf("%d samples wall %d ms cpu %d ms -> %.0f samples/s (cpu)%n", s.samplesRead(), t / 1000000, c / 1000000, s.samplesRead() * 1e9 / c);
        }
    }
}
