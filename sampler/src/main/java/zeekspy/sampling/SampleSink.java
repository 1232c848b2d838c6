package zeekspy.sampling;

/** Where samples go: a JFR recording, a test's list, a live aggregate. Called from the sampler thread. */
public interface SampleSink {
    void accept(Sample sample);
}
