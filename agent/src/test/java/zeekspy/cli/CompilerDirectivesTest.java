package zeekspy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import zeekspy.testing.Await;

class CompilerDirectivesTest {
    private static volatile long sink;

    /** Hot and not trivial: without the directive C2 compiles it (level 4) after C1 with profiling (level 3). */
    private static long hot(int i) {
        long x = i * 0x9E3779B97F4A7C15L;
        x ^= x >>> 29;
        return x + (i % 3 == 0 ? 5 : 7);
    }

    @Test
    void aHotMethodIsCompiledByC1AloneOnceC2IsExcluded() throws Exception {
        assertTrue(CompilerDirectives.excludeC2());
        assertTrue(CompilerDirectives.excludeC2(), "a second call finds the directive in force and adds none");
        assertEquals(1L, directiveCount(), "directives in force:\n" + diagnostic("compilerDirectivesPrint"));

        try {
            Await.until(() -> {
                long s = 0;
                for (int i = 0; i < 200_000; i++) {
                    s += hot(i);
                }
                sink += s;
                return levelsInUse().contains(1);
            }, 30_000, "hot() compiled by C1 without profiling (level 1)");
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; its compilations' levels: " + levelsEver(), e);
        }
        assertFalse(levelsEver().contains(4), "C2 compiled hot(): " + levelsEver());
    }

    /** Compilation levels of hot()'s nmethods that are in use. */
    private static List<Integer> levelsInUse() throws Exception {
        return levels(true);
    }

    /** Compilation levels of all of hot()'s nmethods still in the code cache. */
    private static List<Integer> levelsEver() throws Exception {
        return levels(false);
    }

    /** From Compiler.codelist: "id level state method [addresses]", state 0 = in use. */
    private static List<Integer> levels(boolean inUseOnly) throws Exception {
        List<Integer> levels = new ArrayList<>();
        for (String line : diagnostic("compilerCodelist").split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && f[3].startsWith(CompilerDirectivesTest.class.getName() + ".hot(")
                    && (!inUseOnly || f[2].equals("0"))) {
                levels.add(Integer.parseInt(f[1]));
            }
        }
        return levels;
    }

    /** Directives added to this JVM: Compiler.directives_print heads each with "Directive:", the JVM's own with "Directive: (default)". */
    private static long directiveCount() throws Exception {
        return diagnostic("compilerDirectivesPrint").lines().filter(l -> l.trim().equals("Directive:")).count();
    }

    private static String diagnostic(String operation) throws Exception {
        return (String) ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                operation, new Object[] {new String[0]}, new String[] {String[].class.getName()});
    }
}
