package zeekspy.safety;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** What a process holds, seen from /proc: threads, file descriptors, sockets, memory. */
final class ProcessResources {
    private static final String SOCKET = "socket:[";
    /** /proc/PID/net files of the internet protocols, each a table with the socket inode in column 10. */
    private static final List<String> INET_TABLES = List.of("tcp", "tcp6", "udp", "udp6", "raw", "raw6");
    /** TCP state LISTEN in /proc/net/tcp. */
    private static final String TCP_LISTEN = "0A";
    /** __SO_ACCEPTCON in /proc/net/unix: a listening unix socket. */
    private static final int UNIX_ACCEPTING = 0x10000;
    /** The address of a unix socket bound to no path. */
    static final String UNNAMED = "(unnamed)";

    private ProcessResources() {}

    /** One socket of a process: protocol ("tcp", "udp6", "unix", ...), whether it listens, and its address or path. */
    record Socket(String protocol, boolean listening, String address) {
        @Override
        public String toString() {
            return protocol + (listening ? " listening " : " ") + address;
        }
    }

    static int threads(long pid) {
        return Integer.parseInt(statusField(pid, "Threads:"));
    }

    static long rssKiB(long pid) {
        return Long.parseLong(statusField(pid, "VmRSS:").replace(" kB", "").trim());
    }

    static String statusField(long pid, String name) {
        for (String line : lines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(name)) {
                return line.substring(name.length()).trim();
            }
        }
        throw new AssertionError("no " + name + " in /proc/" + pid + "/status");
    }

    /** Open file descriptors: number to link target ({@code socket:[123]}, {@code pipe:[7]}, a path). */
    static Map<Integer, String> fds(long pid) {
        Map<Integer, String> fds = new TreeMap<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc/" + pid + "/fd"))) {
            for (Path fd : dir) {
                try {
                    fds.put(Integer.parseInt(fd.getFileName().toString()), Files.readSymbolicLink(fd).toString());
                } catch (NoSuchFileException closedMeanwhile) {
                    // Closed between listing and reading.
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return fds;
    }

    /**
     * The sockets among the file descriptors of {@code pid}, each found by inode in the
     * process's own network namespace tables (/proc/PID/net/...). A socket found in none of them
     * (e.g. netlink) is reported with protocol "other".
     */
    static List<Socket> sockets(long pid) {
        TreeSet<Long> inodes = new TreeSet<>();
        for (String target : fds(pid).values()) {
            if (target.startsWith(SOCKET)) {
                inodes.add(Long.parseLong(target.substring(SOCKET.length(), target.length() - 1)));
            }
        }
        List<Socket> sockets = new ArrayList<>();
        Path net = Path.of("/proc/" + pid + "/net");
        for (String table : INET_TABLES) {
            for (String line : tableRows(net.resolve(table))) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 9 && inodes.remove(Long.parseLong(f[9]))) {
                    boolean listening = table.startsWith("tcp") ? f[3].equals(TCP_LISTEN) : !table.startsWith("raw");
                    sockets.add(new Socket(table, listening, f[1]));
                }
            }
        }
        for (String line : tableRows(net.resolve("unix"))) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 6 && inodes.remove(Long.parseLong(f[6]))) {
                boolean listening = (Integer.parseInt(f[3], 16) & UNIX_ACCEPTING) != 0;
                sockets.add(new Socket("unix", listening, f.length > 7 ? f[7] : UNNAMED));
            }
        }
        for (long inode : inodes) {
            sockets.add(new Socket("other", false, "inode " + inode));
        }
        return sockets;
    }

    /** The sockets of {@code pid} that are not unix sockets: TCP, UDP, raw, anything else. */
    static List<Socket> networkSockets(long pid) {
        return sockets(pid).stream().filter(s -> !s.protocol().equals("unix")).toList();
    }

    private static List<String> tableRows(Path table) {
        List<String> lines = lines(table);
        return lines.isEmpty() ? lines : lines.subList(1, lines.size());
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
