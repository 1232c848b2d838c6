package zeekspy.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ZeekVersionTest {
    @Test
    void parsesReleaseDevRcAndLocalVersions() {
        assertEquals(new ZeekVersion(8, 0, 10, "8.0.10"), ZeekVersion.parse("8.0.10"));
        ZeekVersion rc = ZeekVersion.parse("9.0.0-rc1");
        assertEquals(9, rc.major());
        assertEquals(0, rc.patch());
        assertEquals(4, ZeekVersion.parse("4.1.0-dev.42").major());
        assertEquals(4, ZeekVersion.parse("6.0.4-mysite").patch());
        assertEquals(0, ZeekVersion.parse("3.1").patch());
        assertThrows(LayoutException.class, () -> ZeekVersion.parse("zeek"));
        assertThrows(LayoutException.class, () -> ZeekVersion.parse(""));
    }

    @Test
    void rangesCoverPatchSeriesAndSeriesSpans() {
        ZeekVersion.Range early = ZeekVersion.Range.parse("3.0.0-3.0.1");
        assertTrue(early.contains(ZeekVersion.parse("3.0.0")));
        assertTrue(early.contains(ZeekVersion.parse("3.0.1")));
        assertFalse(early.contains(ZeekVersion.parse("3.0.2")));

        ZeekVersion.Range series = ZeekVersion.Range.parse("3.1");
        assertTrue(series.contains(ZeekVersion.parse("3.1.5")));
        assertFalse(series.contains(ZeekVersion.parse("3.2.0")));
        assertFalse(series.contains(ZeekVersion.parse("3.0.14")));

        ZeekVersion.Range span = ZeekVersion.Range.parse("8.1-9.0");
        assertTrue(span.contains(ZeekVersion.parse("8.1.0")));
        assertTrue(span.contains(ZeekVersion.parse("8.2.2")));
        assertTrue(span.contains(ZeekVersion.parse("9.0.0-rc1")));
        assertTrue(span.contains(ZeekVersion.parse("9.0.7")));
        assertFalse(span.contains(ZeekVersion.parse("8.0.10")));
        assertFalse(span.contains(ZeekVersion.parse("9.1.0")));
    }
}
