package zeekspy.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A small C program of the tests (a tracer, a seccomp wrapper, a memory layout), compiled with gcc. */
public final class CProgram {
    private CProgram() {}

    /**
     * Compiles the resource {@code source} of {@code owner} into {@code dir}/{@code name} with gcc
     * and {@code flags}; returns the executable.
     *
     * @throws IllegalStateException when gcc is missing or fails (the message has its output)
     */
    public static Path compile(Class<?> owner, String source, Path dir, String name, String... flags) {
        try {
            Path c = dir.resolve(source);
            try (InputStream in = owner.getResourceAsStream(source)) {
                if (in == null) {
                    throw new IllegalStateException("no resource " + source + " beside " + owner.getName());
                }
                Files.copy(in, c);
            }
            Path exe = dir.resolve(name);
            List<String> command = new ArrayList<>(List.of("gcc"));
            command.addAll(List.of(flags));
            command.addAll(List.of("-o", exe.toString(), c.toString()));
            MiniZeek.run(command, 120);
            return exe;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
