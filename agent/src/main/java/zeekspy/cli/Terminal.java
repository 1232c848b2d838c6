package zeekspy.cli;

import com.sun.jna.Native;

/** Whether standard error is a terminal, so that live status lines may overwrite themselves. */
final class Terminal {
    private Terminal() {}

    private static final class LibC {
        static {
            Native.register("c");
        }

        static native int isatty(int fd);
    }

    static boolean stderrIsTerminal() {
        try {
            return LibC.isatty(2) == 1;
        } catch (Throwable e) {
            return false;
        }
    }
}
