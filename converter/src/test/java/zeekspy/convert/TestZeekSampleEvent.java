package zeekspy.convert;

import jdk.jfr.Event;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** Test stand-in for the agent's {@value ZeekJfrFormat#SAMPLE_EVENT} event, with the contract's fields. */
@Name(ZeekJfrFormat.SAMPLE_EVENT)
@StackTrace(true)
final class TestZeekSampleEvent extends Event {
    long pid;
    String node;
    String kind;
    int depth;
    String function;
    String location;
    String error;
    long period;
}
