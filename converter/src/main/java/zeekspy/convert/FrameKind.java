package zeekspy.convert;

/** Where a frame of a converted stack comes from; the flame graph colors frames by kind. */
public enum FrameKind {
    /** A Zeek script function, event or hook with its script file and line. */
    SCRIPT,
    /** A Zeek built-in function (BiF): no script file. */
    BUILTIN,
    /** A frame zeek-spy or the converter made up: {@code <idle>}, {@code [truncated]}, a node name. */
    SYNTHETIC,
    /** A Java method, when converting an event other than zeek.Sample. */
    JAVA
}
