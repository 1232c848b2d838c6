package zeekspy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zeekspy.testing.MiniZeek;
import zeekspy.testing.RunningInferior;

/**
 * {@code zeek-spy record} into a small tmpfs that fills up: one clear line, exit code 1, Zeek
 * untouched, and what was recorded is kept. Needs root to mount the tmpfs (skipped otherwise).
 */
class DiskFullIT {
    static final long SIZE = 4 << 20;

    @TempDir
    Path dir;
    Path mount;

    @BeforeEach
    void mountTmpfs() throws Exception {
        mount = Files.createDirectory(dir.resolve("small"));
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + SIZE, "tmpfs", mount.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        Assumptions.assumeTrue(p.waitFor() == 0, "cannot mount a tmpfs here (needs root): " + out.strip());
    }

    @AfterEach
    void unmount() throws Exception {
        new ProcessBuilder("umount", "-l", mount.toString()).inheritIO().start().waitFor();
    }

    @Test
    void recordingStopsBeforeTheDiskIsFullWithOneLineAndKeepsTheRecording() throws Exception {
        fill(mount.resolve("filler"), mount, (long) (1.6 * (1 << 20)));
        Path jfr = mount.resolve("full.jfr");
        try (RunningInferior zeek = RunningInferior.start(MiniZeek.binary("gcc", "8.0", ""), "--run", "120")) {
            SpyJar spy = SpyJar.start(dir, "record", "--pid", Integer.toString(zeek.pid()), "--rate", "1000",
                    "--event-fields", "ALL", "--duration", "100", "--jfr", jfr.toString());
            assertEquals(1, spy.awaitExit(120), spy.err());
            assertTrue(zeek.alive(), "Zeek keeps running");
            assertEquals(0, RecordCommandTest.tracerOf(zeek.pid()), "Zeek is not traced");

            List<String> lines = spy.lines();
            List<String> diskFull = lines.stream().filter(l -> l.contains("disk full")).toList();
            assertEquals(1, diskFull.size(), String.join("\n", lines));
            String line = diskFull.get(0);
            assertTrue(line.startsWith("zeek-spy: disk full writing " + jfr + ": only "), line);
            assertTrue(line.endsWith("the recording until then is complete in " + jfr), line);
            assertEquals(line, lines.get(lines.size() - 1), "the last line");
            assertFalse(spy.err().contains("Exception") || spy.err().contains("\tat ") || spy.err().contains("[error]"),
                    spy.err());

            long summary = spy.summarySamples();
            assertTrue(summary > 100, spy.err());
            assertEquals(summary, Recordings.samples(jfr).size(), "the recording holds every sample the summary counts");
            assertFalse(Files.exists(mount.resolve("full.jfr.part")));
            System.out.println("DiskFullIT: " + line);
        }
    }

    @Test
    void noRoomToStartIsOneLine() throws Exception {
        fill(mount.resolve("filler"), mount, 300 << 10);
        Path jfr = mount.resolve("none.jfr");
        try (RunningInferior zeek = RunningInferior.start(MiniZeek.binary("gcc", "8.0", ""), "--run", "60")) {
            SpyJar spy = SpyJar.run(dir, "record", "--pid", Integer.toString(zeek.pid()), "--jfr", jfr.toString());
            assertEquals(1, spy.process.exitValue(), spy.err());
            List<String> lines = spy.lines();
            assertEquals(1, lines.size(), String.join("\n", lines));
            assertTrue(lines.get(0).startsWith("zeek-spy: disk full writing " + jfr + ": only "), lines.get(0));
            assertTrue(zeek.alive());
            assertEquals(0, RecordCommandTest.tracerOf(zeek.pid()));
        }
        assertFalse(Files.exists(mount.resolve("none.jfr.part")), "nothing left behind");
    }

    /**
     * Another process fills the disk at once: zeek-spy stops by itself, or JFR, failing to write,
     * ends the JVM before zeek-spy's next look at the free space. Either way the recording so far
     * is there once space is freed: in the output, or in OUT.part for recover.
     */
    @Test
    void aDiskFilledAtOnceByAnotherProcessLosesNoRecording() throws Exception {
        Path jfr = mount.resolve("sudden.jfr");
        Path part = mount.resolve("sudden.jfr.part");
        try (RunningInferior zeek = RunningInferior.start(MiniZeek.binary("gcc", "8.0", ""), "--run", "120")) {
            SpyJar spy = SpyJar.start(dir, "record", "--pid", Integer.toString(zeek.pid()), "--rate", "500",
                    "--duration", "100", "--jfr", jfr.toString());
            spy.awaitRecording();
            Thread.sleep(2500);
            fill(mount.resolve("filler"), mount, 0);
            assertEquals(1, spy.awaitExit(120), spy.err());
            assertTrue(zeek.alive(), "Zeek keeps running");
            assertEquals(0, RecordCommandTest.tracerOf(zeek.pid()), "Zeek is not traced");
            // JFR's own error lines go to standard output.
            String said = String.join(" | ", spy.lines().subList(2, spy.lines().size())) + " | stdout: "
                    + Files.readString(dir.resolve("stdout.txt")).strip().replace("\n", " | ");
            Files.delete(mount.resolve("filler"));
            if (!Files.exists(jfr)) {
                assertTrue(Files.isDirectory(part), said);
                SpyJar recover = SpyJar.run(Files.createDirectory(dir.resolve("recover")), "recover", part.toString());
                assertEquals(0, recover.process.exitValue(), recover.err());
            }
            assertTrue(Recordings.samples(jfr).size() > 100, "samples kept; zeek-spy said: " + said);
            System.out.println("DiskFullIT: a disk filled at once: " + said);
        }
    }

    /** Writes {@code file} until {@code free} bytes are left on the device of {@code mount}. */
    private static void fill(Path file, Path mount, long free) throws IOException {
        byte[] block = new byte[16 << 10];
        try (OutputStream out = Files.newOutputStream(file)) {
            while (free == 0 || Files.getFileStore(mount).getUsableSpace() - block.length >= free) {
                out.write(block);
                out.flush();
            }
        } catch (IOException full) {
            // The device is full: as meant when free is 0.
        }
    }
}
