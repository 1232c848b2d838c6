package zeekspy.layout;

/** Which C++ standard library's {@code std::string} representation a Zeek build uses. */
public enum StringAbi {
    /** GCC's libstdc++ (new ABI): pointer to the characters and a length at fixed offsets. */
    LIBSTDCXX("libstdc++"),
    /**
     * LLVM's libc++: a short string keeps up to 22 characters inline, flagged by the lowest bit
     * of byte 0 being clear (length = byte 0 >> 1, characters from byte 1); a long string keeps
     * its length at offset 8 and a pointer at offset 16. This is libc++'s ABI on little-endian
     * 64-bit targets, fixed since libc++ shipped, so it is not read from a layout file.
     */
    LIBCXX("libc++");

    private final String key;

    StringAbi(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }

    public static StringAbi byKey(String key) {
        for (StringAbi abi : values()) {
            if (abi.key.equals(key)) {
                return abi;
            }
        }
        throw new LayoutException("unknown string ABI '" + key + "' (expected libstdc++ or libc++)");
    }
}
