package zeekspy.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import zeekspy.sampling.Sample;
import zeekspy.sampling.SampleKind;
import zeekspy.sampling.Sampler;
import zeekspy.sampling.ZeekProcess;
import zeekspy.stack.ScriptFrame;

/** {@code zeek-spy dump}: what is my Zeek doing right now. */
@Command(name = "dump", mixinStandardHelpOptions = true,
        description = "Prints the current script stack of a Zeek process once, innermost frame first.")
final class DumpCommand implements Callable<Integer> {
    @Option(names = "--pid", required = true, paramLabel = "PID", description = "The Zeek process.")
    int pid;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Option(names = "--nonblocking", description = "Do not stop Zeek (the stack may be torn; zeek-spy retries a few times).")
    boolean nonblocking;

    @Mixin
    LayoutOptions layoutOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (pid <= 0) {
            throw new ParameterException(spec.commandLine(), "--pid must be a positive process id, got " + pid);
        }
        try (ZeekProcess process = ZeekProcess.open(pid, layoutOptions.resolverOptions())) {
            Sample sample = OneShot.take(process, nonblocking ? Sampler.Mode.NONBLOCKING : Sampler.Mode.BLOCKING);
            PrintWriter out = spec.commandLine().getOut();
            out.print(json ? json(process, sample) : text(process, sample));
            out.flush();
        }
        return 0;
    }

    static String text(ZeekProcess p, Sample s) {
        StringBuilder sb = new StringBuilder();
        sb.append("Zeek ").append(p.binary().version()).append(", pid ").append(p.pid());
        if (!p.node().isEmpty()) {
            sb.append(", node ").append(p.node());
        }
        sb.append(", layout from ").append(p.layout().source()).append('\n');
        switch (s.kind()) {
            case SCRIPT -> {
                for (ScriptFrame f : s.frames()) {
                    sb.append("  ").append(describe(f)).append('\n');
                }
                if (s.truncated()) {
                    sb.append("  ... ").append(s.depth() - s.frames().size()).append(" outer entries not read\n");
                }
            }
            case IDLE -> sb.append("  (no script running: Zeek is waiting for packets or timers)\n");
            case NATIVE -> sb.append("  (no script running: Zeek is busy in C++ code, e.g. packet processing)\n");
            case ERROR -> sb.append("  (the stack could not be read: ").append(s.error()).append(")\n");
        }
        return sb.toString();
    }

    static String describe(ScriptFrame f) {
        if (f.file().isEmpty()) {
            return f.function() + (f.kind() == zeekspy.stack.FunctionKind.BUILTIN ? " (built-in function)" : "");
        }
        return f.function() + " (" + f.file() + ":" + f.line() + ")"
                + (f.lineApproximate() ? " [approximate: the running line is not in memory (body start; ZAM or just entered)]" : "");
    }

    static String json(ZeekProcess p, Sample s) {
        StringBuilder sb = new StringBuilder("{");
        sb.append("\"pid\":").append(p.pid());
        sb.append(",\"node\":").append(Json.quote(p.node()));
        sb.append(",\"zeek_version\":").append(Json.quote(p.binary().version()));
        sb.append(",\"layout_source\":").append(Json.quote(p.layout().source()));
        sb.append(",\"kind\":").append(Json.quote(s.kind().name().toLowerCase()));
        if (s.error() != null) {
            sb.append(",\"error\":").append(Json.quote(s.error()));
        }
        sb.append(",\"depth\":").append(s.depth());
        sb.append(",\"truncated\":").append(s.truncated());
        sb.append(",\"frames\":[");
        List<ScriptFrame> frames = s.frames();
        for (int i = 0; i < frames.size(); i++) {
            ScriptFrame f = frames.get(i);
            sb.append(i == 0 ? "" : ",").append("{\"function\":").append(Json.quote(f.function()))
                    .append(",\"kind\":").append(Json.quote(f.kind().name().toLowerCase()))
                    .append(",\"file\":").append(Json.quote(f.file()))
                    .append(",\"line\":").append(f.line())
                    .append(",\"line_approximate\":").append(f.lineApproximate()).append('}');
        }
        return sb.append("]}\n").toString();
    }

    /** The kinds that are not worth a retry. */
    static boolean settled(Sample s) {
        return s.kind() != SampleKind.ERROR;
    }
}
