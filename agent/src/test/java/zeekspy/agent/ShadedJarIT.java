package zeekspy.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zeekspy.convert.ZeekJfrFormat;
import zeekspy.testing.MiniZeek;
import zeekspy.testing.RunningInferior;

/** zeek-spy.jar as built: its dependencies relocated, and still working when they are. */
class ShadedJarIT {
    @Test
    void bytebuddyPicocliAndProtobufAreRelocatedJnaIsNot() throws IOException {
        List<String> top = new ArrayList<>();
        try (JarFile jar = new JarFile(HostJvm.agentJar().toFile())) {
            for (JarEntry e : java.util.Collections.list(jar.entries())) {
                String name = e.getName();
                if (name.endsWith(".class") && !name.startsWith("zeekspy/") && !name.startsWith("com/sun/jna/")) {
                    top.add(name);
                }
            }
            assertEquals(List.of(), top, "classes outside zeekspy/ and com/sun/jna/");
            assertTrue(jar.getEntry("zeekspy/shaded/net/bytebuddy/ByteBuddy.class") != null);
            assertTrue(jar.getEntry("zeekspy/shaded/net/bytebuddy/agent/ByteBuddyAgent.class") != null);
            assertTrue(jar.getEntry("zeekspy/shaded/picocli/CommandLine.class") != null);
            assertTrue(jar.getEntry("zeekspy/shaded/com/google/protobuf/Message.class") != null);
            assertTrue(jar.getEntry("com/sun/jna/linux-x86-64/libjnidispatch.so") != null);
            assertTrue(jar.getEntry("zeekspy/zeek.jfc") != null);
            var manifest = jar.getManifest().getMainAttributes();
            assertEquals(ZeekSpyAgent.class.getName(), manifest.getValue("Premain-Class"));
            assertEquals(ZeekSpyAgent.class.getName(), manifest.getValue("Agent-Class"));
        }
    }

    @Test
    void theJarRecordsAndConvertsWithItsRelocatedLibraries(@TempDir Path dir) throws Exception {
        Path jfr = dir.resolve("r.jfr");
        Path pprof = dir.resolve("r.pb.gz");
        Path html = dir.resolve("r.html");
        try (RunningInferior zeek = RunningInferior.start(MiniZeek.binary("gcc", "8.0", ""), "--run", "30")) {
            List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                    HostJvm.agentJar().toString(), "record", "--pid", Integer.toString(zeek.pid()), "--duration", "1",
                    "--rate", "200", "--jfr", jfr.toString(), "--pprof", pprof.toString(), "--html", html.toString(),
                    "--no-cache", "-q");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), out);
        }
        assertTrue(ZeekStacks.events(jfr, ZeekJfrFormat.SAMPLE_EVENT).size() > 50);
        try (InputStream in = new GZIPInputStream(Files.newInputStream(pprof))) {
            assertTrue(in.readAllBytes().length > 100, "a pprof profile written with the relocated protobuf");
        }
        assertTrue(Files.readString(html).contains("SlowDNS::hashit"));
    }
}
