package zeekspy.stack;

/**
 * What zeek-spy keeps of a {@code Func} object: it does not change while the function exists.
 *
 * @param firstBody location of the first body's statements: the fallback line when the running
 *     statement is not in memory (ZAM, compiled code)
 */
record FuncInfo(String name, FunctionKind kind, LocationInfo firstBody) {}
