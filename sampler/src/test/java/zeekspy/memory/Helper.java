package zeekspy.memory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import zeekspy.testing.CProgram;

/** The C test inferior (helper.c), compiled once per JVM with gcc, started as a grandchild. */
final class Helper implements AutoCloseable {
    private static Path binary;

    final Process process;
    final int pid;
    final Map<String, Long> addresses = new HashMap<>();
    private final BufferedReader out;
    private final Writer in;

    private Helper(Process process) throws IOException {
        this.process = process;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        String line = out.readLine();
        if (line == null) {
            throw new IOException("helper printed nothing");
        }
        for (String field : line.split(" ")) {
            String[] kv = field.split("=");
            addresses.put(kv[0], kv[0].equals("pid") ? Long.parseLong(kv[1]) : Long.parseUnsignedLong(kv[1].substring(2), 16));
        }
        this.pid = addresses.get("pid").intValue();
    }

    /** Starts the helper as a grandchild of this JVM ("fork"), as a non-child zeek would be. */
    static Helper start(String mode) throws IOException {
        return start(binary(), mode, Map.of());
    }

    static Helper start(Path binary, String mode, Map<String, String> env) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(binary.toString(), mode, "fork").redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().putAll(env);
        return new Helper(builder.start());
    }

    static synchronized Path binary() throws IOException {
        if (binary == null) {
            binary = CProgram.compile(Helper.class, "helper.c", Files.createTempDirectory("zeekspy-mem"), "zs-mem-helper",
                    "-O1", "-g", "-pie", "-fPIE", "-pthread");
        }
        return binary;
    }

    long address(String name) {
        return addresses.get(name);
    }

    void command(String line) {
        try {
            in.write(line + "\n");
            in.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String readLine() throws IOException {
        return out.readLine();
    }

    /** Closes stdin and returns what the helper reports then: "usr1=N cont=N ticks=N". */
    Map<String, Long> finish() throws IOException, InterruptedException {
        in.close();
        String line = out.readLine();
        process.waitFor(10, TimeUnit.SECONDS);
        Map<String, Long> counts = new HashMap<>();
        if (line != null) {
            for (String field : line.split(" ")) {
                String[] kv = field.split("=");
                counts.put(kv[0], Long.parseLong(kv[1]));
            }
        }
        return counts;
    }

    /** A long from the helper's memory. */
    long readLong(ProcessMemory memory, String name) {
        byte[] b = new byte[8];
        if (memory.read(address(name), b, 0, 8) != 8) {
            throw new IllegalStateException("cannot read " + name);
        }
        return java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    }

    static char state(int pid) {
        return ProcFs.mainThreadState(pid);
    }

    static List<String> javaCommand(Class<?> main, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(List.of(args));
        return command;
    }

    /** A java command whose class path is copied to a temporary directory that any user may read. */
    static List<String> javaCommandReadableByAll(Class<?> main, String... args) throws IOException {
        Path dir = Files.createTempDirectory("zeekspy-cp");
        List<String> entries = new ArrayList<>();
        int n = 0;
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path source = Path.of(entry);
            if (!Files.exists(source)) {
                continue;
            }
            Path target = dir.resolve((n++) + "-" + source.getFileName());
            try (var files = Files.walk(source)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    Path copy = target.resolve(source.relativize(file).toString());
                    if (Files.isDirectory(file)) {
                        Files.createDirectories(copy);
                    } else {
                        Files.createDirectories(copy.getParent());
                        Files.copy(file, copy);
                    }
                }
            }
            entries.add(target.toString());
        }
        try (var files = Files.walk(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                file.toFile().setReadable(true, false);
                file.toFile().setExecutable(true, false);
            }
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(String.join(java.io.File.pathSeparator, entries));
        command.add(main.getName());
        command.addAll(List.of(args));
        return command;
    }

    @Override
    public void close() {
        LibC.kill(pid, LibC.SIGKILL);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
