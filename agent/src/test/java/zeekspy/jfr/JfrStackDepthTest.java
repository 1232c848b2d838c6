package zeekspy.jfr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;

class JfrStackDepthTest {
    @Test
    void currentDepthIsReadAndRaisingItToLessChangesNothing() {
        int now = JfrStackDepth.current();
        assertTrue(now >= 1 && now <= JfrStackDepth.JVM_MAX, "depth " + now);
        assertEquals(now, JfrStackDepth.ensureAtLeast(1));
        assertEquals(now - 1, JfrStackDepth.maxZeekDepth());
    }

    /** In fresh JVMs: the depth is raised before JFR starts, refused after. */
    @Test
    void depthCanBeRaisedOnlyBeforeJfrStarts() throws Exception {
        assertEquals("64 -> 512", fork("before"));
        assertEquals("refused: JFR started with stack depth 64 < 512; start the JVM with -XX:FlightRecorderOptions:stackdepth=512", fork("after"));
        assertEquals("96 -> 96", fork("before", "-XX:FlightRecorderOptions:stackdepth=96", "96"));
        assertEquals("64 -> 2048", fork("before", "-Dx=y", "5000"));
    }

    private static String fork(String when, String... jvmOptionAndDepth) throws IOException, InterruptedException {
        String option = jvmOptionAndDepth.length > 0 ? jvmOptionAndDepth[0] : "-Dx=y";
        String depth = jvmOptionAndDepth.length > 1 ? jvmOptionAndDepth[1] : "512";
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(List.of(java.toString(), option, "-cp", System.getProperty("java.class.path"),
                Fork.class.getName(), when, depth)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    /** Main of the forked JVMs. */
    public static final class Fork {
        public static void main(String[] args) throws Exception {
            int before = JfrStackDepth.current();
            if (args[0].equals("after")) {
                try (Recording r = new Recording()) {
                    r.start();
                }
            }
            try {
                System.out.println(before + " -> " + JfrStackDepth.ensureAtLeast(Integer.parseInt(args[1])));
            } catch (IllegalStateException e) {
                System.out.println("refused: " + e.getMessage());
            }
        }
    }
}
