package zeekspy.safety;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import jdk.jfr.ValueDescriptor;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedObject;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zeekspy.convert.ZeekJfrFormat;
import zeekspy.jfr.ScriptClassNames;
import zeekspy.testing.MiniZeek;
import zeekspy.testing.RunningInferior;

/**
 * Nothing of the target but function names, script file names and line numbers goes into a
 * recording: secrets in the inferior's environment and command line, and strings beside the data
 * zeek-spy reads (the checkpoint names mini-zeek keeps in its statements), are in no output; every
 * string of every zeek.* event is a function, a script file (or a form of it), a fixed word of
 * zeek-spy's, a name of zeek-spy's own Java code, or one of the zeek.Process fields that describe
 * the executable by design (path, version, build id, compiler, layout source, node name).
 */
class RecordingContentIT {
    private static final String NODE = "worker-3";
    private static final Map<String, String> TARGET_ENVIRONMENT = Map.of(
            "ZEEK_SECRET", "zs-env-secret-7f3a9c",
            "SITE_API_TOKEN", "zs-token-secret-51e2b8");
    private static final String ARGV0 = "zs-argv-secret-c0ffee";
    /** zeek-spy's own environment: the JVM's environment is no JFR event zeek-spy records. */
    private static final String OPERATOR_SECRET = "zs-operator-secret-9d1e44";
    /** Strings mini-zeek keeps in the statements zeek-spy reads locations from (WorkStmt's checkpoint names). */
    private static final List<String> NEIGHBOURS = List.of("event-body-2nd-file", "bif-null-call", "call-in-condition", "hook-stmt");
    /**
     * The events zeek.jfc enables (zeek-spy's own JVM describes itself in the jdk ones; not
     * jdk.JVMInformation, whose command line would be Zeek's with {@code record -- zeek ARGS}).
     */
    private static final Set<String> EVENT_TYPES = Set.of(ZeekJfrFormat.SAMPLE_EVENT, ZeekJfrFormat.PROCESS_EVENT,
            ZeekJfrFormat.STATISTICS_EVENT, "jdk.OSInformation", "jdk.CPUInformation", "jdk.CPULoad",
            "jdk.GarbageCollection", "jdk.ActiveRecording", "jdk.ActiveSetting", "jdk.ExecutionSample");
    private static final Set<String> WORDS = Set.of("script", "native", "idle", "error", "blocking",
            "Interpreted", "JIT compiled", "Inlined", "Native", "app", "platform", "bootstrap",
            ZeekJfrFormat.ROOT_CLASS, ZeekJfrFormat.ROOT_METHOD, ZeekJfrFormat.SCRIPT_LOADER_TYPE,
            ZeekJfrFormat.EMPTY_CALL_STACK, ZeekJfrFormat.IDLE_FRAME, ZeekJfrFormat.NATIVE_FRAME, ZeekJfrFormat.ERROR_FRAME,
            ZeekJfrFormat.BUILTIN_FILE, ZeekJfrFormat.SYNTHETIC_FILE, "zeek-spy commit thread");
    /** Names of zeek-spy's and the JDK's own classes, packages and modules, and method descriptors. */
    private static final Pattern JAVA_NAME = Pattern.compile("(java|jdk|sun|zeekspy|com[./]sun)[./][\\w./$+]*|jrt:/[\\w.]+|\\(.*\\)\\S+");
    /** The name of a method of zeek-spy's or the JDK's own code (in frames below the Zeek stack). */
    private static final Pattern JAVA_METHOD = Pattern.compile("[\\w$<>]+");

    @Test
    void secretsOfTheTargetAreInNoOutputAndEveryZeekEventStringIsAccountedFor(@TempDir Path dir) throws Exception {
        Path binary = MiniZeek.binary("gcc", "8.0", "");
        List<String> inferior = new ArrayList<>(List.of("CLUSTER_NODE=" + NODE));
        TARGET_ENVIRONMENT.forEach((k, v) -> inferior.add(k + "=" + v));
        inferior.addAll(List.of("/bin/bash", "-c", "exec -a \"$0\" \"$@\"", ARGV0, binary.toString(), "--run", "600", "--workload", "mixed"));
        Path jfr = dir.resolve("z.jfr");
        Path pprof = dir.resolve("z.pb.gz");
        Path collapsed = dir.resolve("z.collapsed");
        Path html = dir.resolve("z.html");
        Path stderr = dir.resolve("stderr.txt");
        List<String> truth;
        try (RunningInferior zeek = RunningInferior.start(Path.of("/usr/bin/env"), inferior.toArray(String[]::new))) {
            // The secrets are there to be found: env and bash exec the same process.
            String environ = Files.readString(Path.of("/proc/" + zeek.pid() + "/environ"));
            TARGET_ENVIRONMENT.values().forEach(v -> assertTrue(environ.contains(v), "secret in the inferior's environment"));
            assertTrue(Files.readString(Path.of("/proc/" + zeek.pid() + "/cmdline")).startsWith(ARGV0 + "\0"), "secret argv[0]");
            byte[] image = Files.readAllBytes(binary);
            NEIGHBOURS.forEach(s -> assertTrue(indexOf(image, s) >= 0, s + " in the inferior's image"));

            ProcessBuilder record = new ProcessBuilder(ZeekSpyJar.command(ZeekSpyJar.jar(), "record", "--pid", Integer.toString(zeek.pid()),
                    "--rate", "500", "--duration", "5", "--event-fields", "ALL", "--idle", "--jfr", jfr.toString(),
                    "--pprof", pprof.toString(), "--collapsed", collapsed.toString(), "--html", html.toString()))
                    .redirectOutput(dir.resolve("stdout.txt").toFile()).redirectError(stderr.toFile());
            record.environment().put("ZS_OPERATOR_TOKEN", OPERATOR_SECRET);
            Process spy = record.start();
            assertTrue(spy.waitFor(120, TimeUnit.SECONDS), "zeek-spy did not end");
            assertEquals(0, spy.exitValue(), Files.readString(stderr));
            zeek.signal("TERM");
            zeek.awaitLine("signals\t", 30_000);
            truth = zeek.lines();
        }

        Map<String, byte[]> outputs = new LinkedHashMap<>();
        outputs.put("recording", Files.readAllBytes(jfr));
        outputs.put("pprof", gunzip(pprof));
        outputs.put("collapsed", Files.readAllBytes(collapsed));
        outputs.put("html", Files.readAllBytes(html));
        outputs.put("stderr", Files.readAllBytes(stderr));
        List<String> secrets = new ArrayList<>(TARGET_ENVIRONMENT.values());
        secrets.addAll(List.of(ARGV0, OPERATOR_SECRET));
        secrets.addAll(NEIGHBOURS);
        outputs.forEach((name, bytes) -> {
            assertTrue(indexOf(bytes, "SlowDNS::hashit") >= 0, name + " names functions (the search finds what is there)");
            secrets.forEach(s -> assertEquals(-1, indexOf(bytes, s), "'" + s + "' in the " + name));
        });

        List<RecordedEvent> events = RecordingFile.readAllEvents(jfr);
        Set<String> types = new TreeSet<>();
        events.forEach(e -> types.add(e.getEventType().getName()));
        assertTrue(EVENT_TYPES.containsAll(types), "event types beyond zeek.jfc's: " + types);

        Allowed allowed = Allowed.from(truth);
        List<RecordedEvent> process = events.stream().filter(e -> e.getEventType().getName().equals(ZeekJfrFormat.PROCESS_EVENT)).toList();
        assertEquals(1, process.size());
        checkProcessEvent(process.get(0), binary);
        for (ValueDescriptor field : process.get(0).getFields()) {
            if (process.get(0).getValue(field.getName()) instanceof String value) {
                allowed.names().add(value); // checked above, by design
            }
        }
        Map<String, String> unexplained = new TreeMap<>();
        for (RecordedEvent e : events) {
            String type = e.getEventType().getName();
            if (!type.startsWith("zeek.")) {
                continue;
            }
            if (type.equals(ZeekJfrFormat.SAMPLE_EVENT)) {
                assertEquals(NODE, e.getString("node"));
                assertTrue(Set.of("script", "native", "idle").contains(e.getString("kind")), e.getString("kind"));
            }
            strings(e, type, unexplained, allowed);
        }
        assertEquals(Map.of(), unexplained, "strings in zeek.* events that are no function, file, fixed word or own name");
    }

    /** The zeek.Process fields that describe the executable, by design. */
    private static void checkProcessEvent(RecordedEvent e, Path binary) throws IOException {
        assertEquals(binary.toRealPath().toString(), e.getString("exe"));
        assertEquals(NODE, e.getString("node"));
        assertEquals("8.0.10", e.getString("zeekVersion"));
        String notes = MiniZeek.run(List.of("readelf", "-n", binary.toString()), 30);
        assertTrue(e.getString("buildId").matches("[0-9a-f]{40}") && notes.contains(e.getString("buildId")), e.getString("buildId"));
        // "GCC 12.2.0" from .comment's "GCC: (Debian 12.2.0-14) 12.2.0"
        String compiler = e.getString("compiler");
        String comment = MiniZeek.run(List.of("readelf", "-p", ".comment", binary.toString()), 30);
        assertTrue(compiler.matches("(GCC|clang) [\\d.]+") && comment.contains(compiler.substring(compiler.indexOf(' '))),
                compiler + " is not " + comment);
        assertEquals("blocking", e.getString("mode"));
        assertFalse(e.getString("layoutSource").isBlank());
    }

    /** What may appear as a string in zeek.Sample and zeek.Statistics events (and in zeek.Process, checked apart). */
    private record Allowed(Set<String> functions, Set<String> files, Set<String> names) {
        /** From the inferior's own report of every stack it ran: {@code truth\t<ns>\tfunc@file:line;...}. */
        static Allowed from(List<String> truth) {
            Set<String> functions = new TreeSet<>();
            Set<String> files = new TreeSet<>(List.of(ZeekJfrFormat.BUILTIN_FILE, ZeekJfrFormat.SYNTHETIC_FILE));
            for (String line : truth) {
                String[] f = line.split("\t");
                if (f[0].equals("truth") && f.length == 3) {
                    for (String frame : f[2].split(";")) {
                        int at = frame.lastIndexOf('@');
                        functions.add(frame.substring(0, at));
                        String file = frame.substring(at + 1, frame.lastIndexOf(':'));
                        if (!file.isEmpty()) {
                            files.add(file);
                        }
                    }
                }
            }
            assertTrue(functions.contains("SlowDNS::hashit"), "truth: " + truth);
            Set<String> names = new TreeSet<>(WORDS);
            for (String frame : List.of(ZeekJfrFormat.EMPTY_CALL_STACK, ZeekJfrFormat.IDLE_FRAME, ZeekJfrFormat.NATIVE_FRAME,
                    ZeekJfrFormat.ERROR_FRAME)) {
                names.add(ZeekJfrFormat.encodeMethodName(frame));
            }
            for (String fn : functions) {
                names.add(fn);
                names.add(ZeekJfrFormat.encodeMethodName(fn));
            }
            for (String file : files) {
                names.add(file);
                names.add(ScriptClassNames.forFile(file).replace('.', '/'));
                // The frames' class and its packages: zeek.opt.zeek.share.zeek.site.slow-dns_zeek, zeek/opt/zeek/...
                String cls = ScriptClassNames.forFile(file);
                names.add(cls);
                for (int dot = cls.indexOf('.'); dot > 0; dot = cls.indexOf('.', dot + 1)) {
                    names.add(cls.substring(0, dot));
                    names.add(cls.substring(0, dot).replace('.', '/'));
                }
            }
            return new Allowed(functions, files, names);
        }

        boolean allows(String path, String value, boolean javaFrame) {
            if (value.isEmpty() || names.contains(value)) {
                return true;
            }
            if (javaFrame && path.endsWith(".method.name")) {
                return JAVA_METHOD.matcher(value).matches();
            }
            if (path.endsWith(".module.version")) {
                return value.matches("[\\w.+-]+");
            }
            if (path.equals(ZeekJfrFormat.SAMPLE_EVENT + ".location")) { // file:line of the innermost frame
                int colon = value.lastIndexOf(':');
                return colon > 0 && files.contains(value.substring(0, colon)) && value.substring(colon + 1).matches("\\d+");
            }
            if (path.equals(ZeekJfrFormat.STATISTICS_EVENT + ".errorsByReason")) {
                return value.matches("([a-z -]+=\\d+(, )?)*");
            }
            return JAVA_NAME.matcher(value).matches() && !path.contains("classLoader.name");
        }
    }

    /**
     * Every string in {@code object} and what it refers to, but the event's thread (zeek-spy's
     * own); strings {@code allowed} does not explain go into {@code unexplained} (value to path).
     */
    private static void strings(RecordedObject object, String path, Map<String, String> unexplained, Allowed allowed) {
        new Walk(unexplained, allowed).walk(object, path, false);
    }

    private record Walk(Map<String, String> unexplained, Allowed allowed, Set<Object> seen) {
        Walk(Map<String, String> unexplained, Allowed allowed) {
            this(unexplained, allowed, Collections.newSetFromMap(new IdentityHashMap<>()));
        }

        /** {@code javaFrame}: inside a frame of zeek-spy's own Java code, below the Zeek stack. */
        void walk(Object value, String path, boolean javaFrame) {
            if (value == null || path.endsWith(".eventThread")) {
                return;
            }
            if (value instanceof String s) {
                if (!allowed.allows(path, s, javaFrame)) {
                    unexplained.putIfAbsent(s, path);
                }
            } else if (value instanceof RecordedObject o && seen.add(o)) {
                boolean java = o instanceof RecordedFrame f ? !isZeekFrame(f) : javaFrame;
                for (ValueDescriptor d : o.getFields()) {
                    walk(o.getValue(d.getName()), path + "." + d.getName(), java);
                }
            } else if (value instanceof List<?> list) {
                for (int i = 0; i < list.size(); i++) {
                    walk(list.get(i), path + "[" + i + "]", javaFrame);
                }
            } else if (value instanceof Object[] array) {
                for (int i = 0; i < array.length; i++) {
                    walk(array[i], path + "[" + i + "]", javaFrame);
                }
            }
        }

        private static boolean isZeekFrame(RecordedFrame f) {
            var loader = f.getMethod().getType().getClassLoader();
            return loader != null && loader.getType() != null && loader.getType().getName().equals(ZeekJfrFormat.SCRIPT_LOADER_TYPE);
        }
    }

    private static byte[] gunzip(Path file) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        }
    }

    /** Where the ASCII string {@code s} starts in {@code bytes}, -1 if nowhere. */
    private static int indexOf(byte[] bytes, String s) {
        byte[] needle = s.getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i <= bytes.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (bytes[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
