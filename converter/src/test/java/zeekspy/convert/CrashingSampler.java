package zeekspy.convert;

import jdk.jfr.Recording;

/**
 * A process that records zeek samples to disk until it is killed, as a sampler that crashes
 * would: prints "sampling" once samples are flowing, and gives up by itself after a minute.
 */
public final class CrashingSampler {
    private CrashingSampler() {}

    public static void main(String[] args) throws Throwable {
        Recording recording = new Recording();
        recording.enable(TestZeekSampleEvent.class).withStackTrace();
        recording.setToDisk(true);
        recording.start();
        ZeekRecordingGenerator g = ZeekRecordingGenerator.unrecorded();
        int init = g.frame(StandardRecording.LOCAL, "zeek_init", 10);
        int site = g.frame(StandardRecording.SITE, "Site::is_local_addr", 42);
        long end = System.nanoTime() + 60_000_000_000L;
        for (int i = 0; System.nanoTime() < end; i++) {
            g.sample(100, "worker-1", StandardRecording.PERIOD, init, site);
            if (i == 1000) {
                System.out.println("sampling");
                System.out.flush();
            }
            if (i % 100 == 0) {
                Thread.sleep(1);
            }
        }
    }
}
