package zeekspy.convert;
import java.nio.file.Path;
import java.util.Random;
public class BenchGenMain {
    public static void main(String[] a) throws Exception {
        int n = Integer.parseInt(a[1]);
        ZeekRecordingGenerator.record(Path.of(a[0]), g -> {
            Random r = new Random(1);
            int[] frames = new int[200];
            for (int i = 0; i < frames.length; i++) frames[i] = g.frame("/zeek/f" + (i % 20) + ".zeek", "fn" + (i % 50), i);
            int[][] stacks = new int[2000][];
            for (int s = 0; s < stacks.length; s++) { int d = 3 + r.nextInt(10); stacks[s] = new int[d];
                for (int k = 0; k < d; k++) stacks[s][k] = frames[r.nextInt(frames.length)]; }
            for (int i = 0; i < n; i++) {
                int[] c = stacks[(int) Math.min(stacks.length - 1, Math.abs(r.nextGaussian()) * 300)];
                g.sample(100 + r.nextInt(4), "worker-" + r.nextInt(4), 1_000_000, c);
            }
        });
    }
}
