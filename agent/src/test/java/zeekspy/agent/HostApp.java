package zeekspy.agent;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * The host application of the agent tests: a JVM that idles. It prints {@code ready}, answers
 * {@code ping} with {@code pong} (proof that it is alive and responsive) and exits normally on
 * {@code exit} or at the end of its input, so that recordings started with it are written.
 */
public final class HostApp {
    private HostApp() {}

    public static void main(String[] args) throws Exception {
        System.out.println("ready");
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null && !line.equals("exit"); line = in.readLine()) {
            if (line.equals("ping")) {
                System.out.println("pong");
                System.out.flush();
            }
        }
        System.exit(0);
    }
}
