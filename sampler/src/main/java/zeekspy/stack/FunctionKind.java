package zeekspy.stack;

/** What kind of Zeek callable a stack frame runs. */
public enum FunctionKind {
    FUNCTION,
    EVENT,
    HOOK,
    /** A built-in function (BiF), implemented in C++: it has a name but no script location. */
    BUILTIN
}
