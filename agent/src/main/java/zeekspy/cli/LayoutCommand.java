package zeekspy.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import zeekspy.layout.Layout;
import zeekspy.layout.LayoutException;
import zeekspy.layout.LayoutField;
import zeekspy.layout.LayoutFile;
import zeekspy.layout.LayoutResolver;
import zeekspy.layout.ZeekBinary;
import zeekspy.sampling.ZeekProcess;
import zeekspy.symbols.ElfFile;
import zeekspy.symbols.ElfFormatException;

/** {@code zeek-spy layout}: what zeek-spy knows about a Zeek build's memory layout. */
@Command(name = "layout", mixinStandardHelpOptions = true,
        description = {"Shows the detected Zeek version, compiler, build-id and the memory layout zeek-spy uses,"
                + " with where it came from (layout file, cache, DWARF, built-in table).",
            "With --output, writes the layout in the format --layout reads, so that a layout found in a"
                + " debug build can be used for a stripped build of the same source."})
final class LayoutCommand implements Callable<Integer> {
    static final class Target {
        @Option(names = "--pid", paramLabel = "PID", description = "A running Zeek process.")
        Integer pid;

        @Option(names = "--exe", paramLabel = "FILE", description = "A Zeek executable (or its separate debug file's binary).")
        Path exe;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    @Mixin
    LayoutOptions layoutOptions;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the layout to FILE.")
    Path output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (target.pid != null && target.pid <= 0) {
            throw new ParameterException(spec.commandLine(), "--pid must be a positive process id, got " + target.pid);
        }
        if (output != null) {
            OutputFile.checkWritable(output);
        }
        if (target.pid != null) {
            try (ZeekProcess p = ZeekProcess.open(target.pid, layoutOptions.resolverOptions())) {
                print(out, "process " + p.pid() + " (" + p.exe() + ")", p.binary(), p.resolution());
                out.printf("  %-22s 0x%x%n", "call_stack address", p.callStackAddress());
                if (p.frameStackAddress() != 0) {
                    out.printf("  %-22s 0x%x%n", "g_frame_stack address", p.frameStackAddress());
                }
                write(p.layout(), p.binary());
            }
        } else {
            Path exe = target.exe;
            if (Files.isDirectory(exe)) {
                throw new LayoutException(exe + " is a directory, not a Zeek executable");
            }
            if (!Files.isRegularFile(exe)) {
                throw new LayoutException("no such file: " + exe);
            }
            try (ElfFile elf = ElfFile.open(exe)) {
                ZeekBinary binary = ZeekBinary.identify(elf, exe.toString());
                LayoutResolver.Resolution r = new LayoutResolver(layoutOptions.resolverOptions()).resolve(binary, exe.toString());
                print(out, exe.toString(), binary, r);
                write(r.layout(), binary);
            } catch (ElfFormatException e) {
                String why = e.getMessage().startsWith(exe + ": ") ? e.getMessage().substring(exe.toString().length() + 2)
                        : e.getMessage();
                throw new LayoutException(exe + " is not Zeek: " + why);
            }
        }
        out.flush();
        return 0;
    }

    private void print(PrintWriter out, String what, ZeekBinary b, LayoutResolver.Resolution r) {
        Layout l = r.layout();
        out.println("Zeek " + b.version() + ": " + what);
        out.printf("  %-22s %s, %s%n", "compiler", b.compiler(), b.stringAbi().key());
        out.printf("  %-22s %s%n", "build-id", b.buildId() == null ? "(none)" : b.buildId());
        out.printf("  %-22s %s%n", "layout source", l.source());
        for (String attempt : r.attempts()) {
            out.printf("  %-22s %s%n", "tried first", attempt);
        }
        if (r.dwarfNanos() > 0) {
            out.printf("  %-22s %.3f s%n", "DWARF read in", r.dwarfNanos() / 1e9);
        }
        out.printf("  %-22s %s%n", "symbol call_stack", l.callStackSymbol());
        out.printf("  %-22s %s%n", "symbol g_frame_stack", l.frameStackSymbol() == null ? "(none: Zeek 8.1+)" : l.frameStackSymbol());
        for (LayoutField f : LayoutField.values()) {
            out.printf("  %-22s %s%n", f.key(), l.has(f) ? Long.toString(l.get(f)) : "-");
        }
    }

    private void write(Layout layout, ZeekBinary binary) throws IOException {
        if (output == null) {
            return;
        }
        try {
            Files.writeString(output, LayoutFile.format(layout, binary.metadata()));
        } catch (java.nio.file.FileSystemException e) {
            throw new IOException("cannot write " + output + ": " + Main.problem(e), e);
        } catch (IOException e) {
            throw new IOException("cannot write " + output + ": " + e.getMessage(), e);
        }
        spec.commandLine().getErr().println("zeek-spy: layout written to " + output);
    }
}
