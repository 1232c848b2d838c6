package zeekspy.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Frequency;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import zeekspy.convert.ZeekJfrFormat;

/** The Zeek process being sampled; emitted once per process when sampling starts. */
@Name(ZeekJfrFormat.PROCESS_EVENT)
@Label("Zeek Process")
@Category({"Zeek", "Profiling"})
@Description("A sampled Zeek process and how zeek-spy samples it")
@StackTrace(false)
public final class ZeekProcessEvent extends jdk.jfr.Event {
    @Label("Zeek PID")
    int pid;

    @Label("Node")
    @Description("Cluster node name")
    String node;

    @Label("Executable")
    String exe;

    @Label("Zeek Version")
    String zeekVersion;

    @Label("Build ID")
    @Description("GNU build id of the executable, hex")
    String buildId;

    @Label("Compiler")
    @Description("Compiler that built Zeek, from the executable's .comment section")
    String compiler;

    @Label("Layout Source")
    @Description("Where the memory layout came from: built-in table, DWARF, layout file")
    String layoutSource;

    @Label("Rate")
    @Description("Sampling rate")
    @Frequency
    int rate;

    @Label("Mode")
    @Description("blocking (stops Zeek to read a stack) or nonblocking")
    String mode;

    /** Commits the event for {@code process}. */
    public static void emit(ProcessInfo process) {
        ZeekProcessEvent e = new ZeekProcessEvent();
        if (!e.isEnabled()) {
            return;
        }
        e.pid = process.pid();
        e.node = process.node();
        e.exe = process.exe();
        e.zeekVersion = process.zeekVersion();
        e.buildId = process.buildId();
        e.compiler = process.compiler();
        e.layoutSource = process.layoutSource();
        e.rate = process.rateHz();
        e.mode = process.mode();
        e.commit();
    }
}
