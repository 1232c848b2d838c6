package zeekspy.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Runs several zeek-spy command lines in one JVM, for tests that need a JVM of its own (another
 * user, a seccomp filter) but not one per command line. Reads one command line per input line,
 * arguments separated by {@link #SEPARATOR}; prints one line per command line: the exit code,
 * standard output and standard error (both Base64), separated by tabs, after {@link #RESULT}.
 */
public final class CliBatch {
    static final String SEPARATOR = "\u001f";
    /** Starts each result line: processes that zeek-spy starts may write to the same standard output. */
    static final String RESULT = "CliBatch\t";

    private CliBatch() {}

    public static void main(String[] ignored) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        Base64.Encoder b64 = Base64.getEncoder();
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = Main.run(line.split(SEPARATOR, -1), new PrintWriter(out, true), new PrintWriter(err, true));
            System.out.println(RESULT + code + "\t" + b64.encodeToString(out.toString().getBytes(StandardCharsets.UTF_8)) + "\t"
                    + b64.encodeToString(err.toString().getBytes(StandardCharsets.UTF_8)));
            System.out.flush();
        }
    }
}
