package zeekspy.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BuiltinLayoutsTest {
    private static Layout layoutFor(String version) {
        return BuiltinLayouts.find(ZeekVersion.parse(version), StringAbi.LIBSTDCXX)
                .orElseThrow(() -> new AssertionError("no table for " + version)).layout();
    }

    @Test
    void zeek301TableHasTheOriginalGoToolsOffsets() {
        // awelzel/zeek-spy offsets.go / NOTES.md, Zeek 3.0.1 built by GCC 8.3.
        Layout l = layoutFor("3.0.1");
        assertEquals(8, l.get(LayoutField.OBJ_LOCATION));
        assertEquals(56, l.get(LayoutField.FUNC_KIND));
        assertEquals(4, l.get(LayoutField.FUNC_KIND_SIZE));
        assertEquals(72, l.get(LayoutField.FUNC_NAME));
        assertEquals(24, l.get(LayoutField.CALLINFO_SIZE));
        assertEquals(0, l.get(LayoutField.CALLINFO_CALL));
        assertEquals(8, l.get(LayoutField.CALLINFO_FUNC));
        assertEquals(8, l.get(LayoutField.LOCATION_FILENAME));
        assertEquals(16, l.get(LayoutField.LOCATION_FIRST_LINE));
        assertEquals(20, l.get(LayoutField.LOCATION_LAST_LINE));
        assertEquals(144, l.get(LayoutField.FRAME_NEXT_STMT));
        assertEquals("call_stack", l.callStackSymbol());
        assertEquals("g_frame_stack", l.frameStackSymbol());
    }

    @Test
    void everySeriesFrom30To90HasATable() {
        String[] versions = {"3.0.0", "3.0.1", "3.0.2", "3.0.14", "3.1.5", "3.2.4", "4.0.9", "4.1.1", "4.2.2",
            "5.0.10", "5.1.3", "5.2.2", "6.0.9", "6.1.1", "6.2.1", "7.0.11", "7.1.1", "7.2.2", "8.0.10", "8.1.0",
            "8.2.2", "9.0.0-rc1"};
        for (String v : versions) {
            Layout l = layoutFor(v);
            assertTrue(l.source().startsWith("built-in table zeek-"), l.source());
        }
        assertTrue(BuiltinLayouts.find(ZeekVersion.parse("9.1.0-dev"), StringAbi.LIBSTDCXX).isEmpty());
        assertTrue(BuiltinLayouts.find(ZeekVersion.parse("8.0.10"), StringAbi.LIBCXX).isEmpty());
    }

    @Test
    void changePointsOfTheReferenceAreInTheTables() {
        assertEquals(160, layoutFor("3.0.2").get(LayoutField.FRAME_NEXT_STMT));
        assertEquals(0, layoutFor("3.1.0").get(LayoutField.LOCATION_FILENAME));
        assertEquals("_ZN4zeek6detail10call_stackE", layoutFor("3.2.0").callStackSymbol());
        assertEquals(88, layoutFor("4.0.0").get(LayoutField.FRAME_NEXT_STMT));
        assertEquals(136, layoutFor("4.2.0").get(LayoutField.FRAME_CALL_LOC));
        assertEquals(144, layoutFor("5.0.0").get(LayoutField.FRAME_CALL_LOC));
        assertEquals(80, layoutFor("5.1.0").get(LayoutField.FRAME_NEXT_STMT));
        assertEquals(-1, layoutFor("6.0.0").get(LayoutField.FRAME_CALL_LOC));
        assertEquals(1, layoutFor("8.0.10").get(LayoutField.FUNC_KIND_SIZE));
        assertEquals(4, layoutFor("7.2.0").get(LayoutField.FUNC_KIND_SIZE));
        Layout l81 = layoutFor("8.1.0");
        assertNull(l81.frameStackSymbol());
        assertEquals(16, l81.get(LayoutField.CALLINFO_SIZE));
        assertEquals(8, l81.get(LayoutField.CALLINFO_FRAME));
        assertEquals(-1, l81.get(LayoutField.CALLINFO_FUNC));
    }
}
