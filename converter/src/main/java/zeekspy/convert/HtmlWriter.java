package zeekspy.convert;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes a {@link StackProfile} as one self-contained HTML flame graph page. The stacks are
 * merged into a call tree and embedded as a table of frame labels plus the tree in pre-order
 * ({@code frame, childCount, samples} per node), so the page size grows with the distinct
 * call paths, not with the samples. The page script ({@code flamegraph.html}) draws it.
 */
final class HtmlWriter {
    private static final String TEMPLATE = "flamegraph.html";
    private final StackProfile profile;
    private final boolean reverse;
    private final String title;

    HtmlWriter(StackProfile profile, boolean reverse, String title) {
        this.profile = profile;
        this.reverse = reverse;
        this.title = title;
    }

    void write(Writer out) throws IOException {
        String template = template();
        String titleMarker = "__TITLE__";
        String dataMarker = "__DATA__";
        int titleAt = template.indexOf(titleMarker);
        int dataAt = template.indexOf(dataMarker);
        out.write(template, 0, titleAt);
        out.write(escapeHtml(title));
        out.write(template, titleAt + titleMarker.length(), dataAt - titleAt - titleMarker.length());
        writeData(out);
        out.write(template, dataAt + dataMarker.length(), template.length() - dataAt - dataMarker.length());
    }

    private void writeData(Writer out) throws IOException {
        CallTree tree = CallTree.of(profile, reverse);
        // Page frame 0 is the root "all"; the others are the profile's frames in use, numbered densely.
        int[] pageFrame = new int[profile.frames.frameCount()];
        Arrays.fill(pageFrame, -1);
        StringBuilder labels = new StringBuilder("[\"all\"");
        StringBuilder kinds = new StringBuilder("Y");
        int pageFrames = 1;
        for (int node = 1; node < tree.size(); node++) {
            int frame = tree.frame(node);
            if (pageFrame[frame] < 0) {
                pageFrame[frame] = pageFrames++;
                labels.append(',');
                appendJsonString(labels, profile.frames.label(frame));
                kinds.append(kindCode(profile.frames.kindOf(frame)));
            }
        }
        labels.append(']');
        out.write("{\"title\":");
        StringBuilder titleJson = new StringBuilder();
        appendJsonString(titleJson, title);
        out.write(titleJson.toString());
        out.write(",\"reverse\":" + reverse);
        out.write(",\"unit\":\"samples\"");
        out.write(",\"period\":" + profile.period);
        out.write(",\"frames\":");
        out.write(labels.toString());
        out.write(",\"kinds\":\"" + kinds + "\"");
        out.write(",\"nodes\":[");
        StringBuilder chunk = new StringBuilder(1 << 16);
        int[] order = tree.preorder(profile.frames);
        for (int i = 0; i < order.length; i++) {
            int node = order[i];
            if (i > 0) {
                chunk.append(',');
            }
            chunk.append(node == 0 ? 0 : pageFrame[tree.frame(node)]).append(',')
                    .append(tree.childCount(node)).append(',').append(tree.total(node));
            if (chunk.length() > 60_000) {
                out.write(chunk.toString());
                chunk.setLength(0);
            }
        }
        out.write(chunk.toString());
        out.write("]}");
    }

    private static char kindCode(FrameKind kind) {
        switch (kind) {
            case SCRIPT: return 'S';
            case BUILTIN: return 'B';
            case JAVA: return 'J';
            default: return 'Y';
        }
    }

    /** Appends a JSON string that is also safe inside an HTML script element. */
    static void appendJsonString(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }

    static String escapeHtml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String template() {
        try (InputStream in = HtmlWriter.class.getResourceAsStream(TEMPLATE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + TEMPLATE);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
