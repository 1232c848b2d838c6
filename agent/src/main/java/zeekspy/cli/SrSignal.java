package zeekspy.cli;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * HotSpot on Linux uses SIGUSR2 to suspend threads unless {@code _JAVA_SR_SIGNUM} names another
 * signal, and that can only be chosen before the JVM starts. {@code record --continuous} needs
 * SIGUSR2 for itself, so without that variable zeek-spy runs itself again in a child JVM that
 * has it, passing on signals and the exit code.
 */
final class SrSignal {
    /** A real-time signal nobody else here uses (glibc keeps 32 and 33). */
    static final String SIGNUM = "39";
    static final String VARIABLE = "_JAVA_SR_SIGNUM";

    private SrSignal() {}

    static boolean usr2Free() {
        return System.getenv(VARIABLE) != null;
    }

    /** Runs this command line again in a JVM whose suspend signal is not SIGUSR2; returns its exit code. */
    static int relaunch(String[] args) throws Exception {
        String javaCommand = ProcessHandle.current().info().command().orElse(
                java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>();
        cmd.add(javaCommand);
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
        pb.environment().put(VARIABLE, SIGNUM);
        Process child = pb.start();
        for (String name : new String[] {"INT", "TERM", "HUP"}) {
            sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> sendSignal(child.pid(), sig.getNumber()));
        }
        return child.waitFor();
    }

    private static void sendSignal(long pid, int signal) {
        zeekspy.memory.LibC.kill((int) pid, signal);
    }
}
