package zeekspy.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayoutFileTest {
    static Layout sample81() {
        Layout.Builder b = new Layout.Builder().callStackSymbol("_ZN4zeek6detail10call_stackE");
        for (LayoutField f : LayoutField.values()) {
            b.set(f, f.ordinal() * 8L);
        }
        return b.set(LayoutField.FUNC_KIND_SIZE, 1).set(LayoutField.CALLINFO_FUNC, -1)
                .set(LayoutField.FRAME_CALL_LOC, -1).build("test");
    }

    @Test
    void formatThenParseGivesTheSameLayout() {
        Layout layout = sample81().validate();
        String text = LayoutFile.format(layout, Map.of("zeek.version", "9.0.0-rc1"));
        LayoutFile.Parsed parsed = LayoutFile.parse(text, "round trip");
        assertEquals(layout, parsed.layout());
        assertNull(parsed.layout().frameStackSymbol());
        assertEquals("9.0.0-rc1", parsed.metadata().get("zeek.version"));
        assertEquals("round trip", parsed.layout().source());
    }

    @Test
    void badLinesAreReportedWithTheirLineNumber() {
        LayoutException e = assertThrows(LayoutException.class,
                () -> LayoutFile.parse("symbol.call_stack=x\nFunc.name=seventy-two\n", "f.layout"));
        assertEquals("f.layout line 2: Func.name must be an integer, got 'seventy-two'", e.getMessage());
        e = assertThrows(LayoutException.class, () -> LayoutFile.parse("just words\n", "g"));
        assertTrue(e.getMessage().startsWith("g line 1: expected key=value"), e.getMessage());
        e = assertThrows(LayoutException.class, () -> LayoutFile.parse("Func.name=72\n", "h"));
        assertEquals("layout from h lacks symbol.call_stack", e.getMessage());
    }

    @Test
    void incompleteLayoutsFailValidationNamingTheField() {
        Layout.Builder b = new Layout.Builder().callStackSymbol("call_stack").frameStackSymbol("g_frame_stack");
        LayoutException e = assertThrows(LayoutException.class, () -> b.build("partial").validate());
        assertEquals("layout from partial lacks vector.begin", e.getMessage());
    }

    @Test
    void binaryGarbageIsNotALayoutFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("garbage");
        Files.write(f, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2});
        LayoutException e = assertThrows(LayoutException.class, () -> LayoutFile.read(f, "x"));
        assertTrue(e.getMessage().contains("is not a layout file"), e.getMessage());
        assertThrows(LayoutException.class, () -> LayoutFile.read(dir.resolve("missing"), "x"));
    }
}
