/**
 * Zeek samples as JFR events whose stack traces are Zeek script stacks.
 *
 * <p>{@link zeekspy.jfr.JfrSampleSink} records each sample as a {@link zeekspy.jfr.ZeekSampleEvent},
 * committed on the thread of a {@link zeekspy.jfr.CommitLoop};
 * {@link zeekspy.jfr.ZeekProcessEvent} and {@link zeekspy.jfr.ZeekStatisticsEvent} describe the
 * sampled process and the sampler; {@link zeekspy.jfr.ZeekRecordingSettings} is the recording
 * template and {@link zeekspy.jfr.JfrStackDepth} makes deep stacks fit. The stack trace of a
 * sample is made of methods generated with Byte Buddy ({@link zeekspy.jfr.ZeekFrames}): one
 * method per Zeek function body, one line number per call site, one class loader per script
 * file, as {@link zeekspy.convert.ZeekJfrFormat} specifies.
 */
package zeekspy.jfr;
