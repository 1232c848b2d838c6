package zeekspy.jfr;

import zeekspy.convert.ZeekJfrFormat;

/**
 * Readable class names for script files, for JMC's package and class views: the directories
 * become the package under {@code zeek}, the file name the class, e.g.
 * {@code /opt/zeek/share/zeek/site/slow-dns.zeek} becomes
 * {@code zeek.opt.zeek.share.zeek.site.slow-dns_zeek}. Names are for display only: the file
 * itself is the loader name.
 */
public final class ScriptClassNames {
    private static final int MAX_SEGMENT = 200;

    private ScriptClassNames() {}

    /** The binary class name for the frames of {@code file}. */
    public static String forFile(String file) {
        if (file.equals(ZeekJfrFormat.BUILTIN_FILE)) {
            return "zeek.builtin";
        }
        if (file.equals(ZeekJfrFormat.SYNTHETIC_FILE)) {
            return "zeek.zeek-spy";
        }
        StringBuilder name = new StringBuilder("zeek");
        String[] parts = file.split("/");
        int last = parts.length - 1;
        while (last >= 0 && parts[last].isEmpty()) {
            last--;
        }
        for (int i = 0; i < last; i++) {
            String part = parts[i];
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            name.append('.').append(part.equals("..") ? "up" : segment(part));
        }
        name.append('.').append(last < 0 ? "_" : segment(parts[last]));
        return name.toString();
    }

    /** One name segment: without the characters the JVM forbids in names ('.', ';', '[', '/'). */
    private static String segment(String s) {
        StringBuilder out = new StringBuilder(Math.min(s.length(), MAX_SEGMENT));
        for (int i = 0; i < s.length() && out.length() < MAX_SEGMENT; i++) {
            char c = s.charAt(i);
            out.append(c == '.' || c == ';' || c == '[' || c == '<' || c == '>' || Character.isISOControl(c) ? '_' : c);
        }
        return out.toString();
    }
}
