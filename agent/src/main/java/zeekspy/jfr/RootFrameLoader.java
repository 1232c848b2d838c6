package zeekspy.jfr;

/** Defines one generated root frame class (see {@link RootFrame}). */
final class RootFrameLoader extends ClassLoader {
    static {
        registerAsParallelCapable();
    }

    RootFrameLoader(ClassLoader parent) {
        super("zeek-spy root frame", parent);
    }

    Class<?> define(String binaryName, byte[] classFile) {
        return defineClass(binaryName, classFile, 0, classFile.length);
    }
}
