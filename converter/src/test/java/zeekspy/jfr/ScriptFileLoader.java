package zeekspy.jfr;

/**
 * Test copy of the agent's class loader for generated Zeek frames: its name is the script path,
 * its type name is {@link zeekspy.convert.ZeekJfrFormat#SCRIPT_LOADER_TYPE}.
 */
public final class ScriptFileLoader extends ClassLoader {
    public ScriptFileLoader(String scriptPath, ClassLoader parent) {
        super(scriptPath, parent);
    }

    /** Defines one generated frame class. */
    public Class<?> define(String className, byte[] classFile) {
        return defineClass(className, classFile, 0, classFile.length);
    }
}
