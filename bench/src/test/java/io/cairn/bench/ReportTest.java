package io.cairn.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The report's layout and arithmetic, from recorded values (no timing). */
class ReportTest {

  private static Report hundredMillis() {
    Report r = new Report();
    for (int ms = 1; ms <= 100; ms++) r.record(ms * 1_000_000L);
    return r;
  }

  @Test
  void summaryLineHasPercentilesInMillisecondsAndRate() {
    Report r = hundredMillis();
    r.error(new IllegalStateException("boom"));
    r.put("lost", "0");
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("conns", "1");
    String line = r.summaryLine("put", settings, 2.0);
    assertTrue(line.startsWith("summary op=put conns=1 ok=100 errors=1 seconds=2.000 rps=50.000 avg_ms=50."), line);
    assertTrue(line.contains(" p50_ms=50.0"), line);
    assertTrue(line.contains(" p90_ms=90.0"), line);
    assertTrue(line.contains(" p99_ms=99.0"), line);
    assertTrue(line.contains(" p999_ms=100.0"), line);
    assertTrue(line.contains(" max_ms=100.0"), line);
    assertTrue(line.endsWith(" lost=0"), line);
  }

  @Test
  void reportHasEtcdSectionsAndAHistogramCoveringEverySample() {
    Report r = hundredMillis();
    String text = r.format("range", new LinkedHashMap<>(), 1.0);
    for (String section : new String[] {"Summary:", "Requests/sec:", "Response time histogram:",
        "Latency distribution:", "50% in 0.05", "99.9% in 0.1", "Slowest:\t0.1", "Fastest:\t0.0010"}) {
      assertTrue(text.contains(section), section + " in\n" + text);
    }
    String histogram = Report.histogramText(r.histogram());
    String[] lines = histogram.split("\n");
    assertEquals(11, lines.length);
    long sum = 0;
    for (String l : lines) sum += Long.parseLong(l.substring(l.indexOf('[') + 1, l.indexOf(']')));
    assertEquals(100, sum);
    assertTrue(lines[0].startsWith("  0.0010 [1]"), lines[0]);
  }

  @Test
  void errorsAreGroupedByMessage() {
    Report r = new Report();
    r.error(new RuntimeException("x"));
    r.error(new RuntimeException("x"));
    r.error(new RuntimeException("y"));
    assertEquals(3, r.errorCount());
    String text = r.format("put", new LinkedHashMap<>(), 1.0);
    assertTrue(text.contains("[2]\tx"), text);
    assertTrue(text.contains("[1]\ty"), text);
  }

  @Test
  void keysAreGoVarintsPadded() {
    assertArrayEquals(new byte[] {0, 0, 0, 0}, Keys.varintKey(0, 4));
    assertArrayEquals(new byte[] {2, 0, 0, 0}, Keys.varintKey(1, 4));
    assertArrayEquals(new byte[] {(byte) 0x80, 1, 0, 0}, Keys.varintKey(64, 4));
    assertArrayEquals(new byte[] {(byte) 0xa0, (byte) 0x8d, 0x06, 0}, Keys.varintKey(50000, 4));
    assertEquals(7, Keys.keyNumber(17, 10, true, new Random()));
    assertEquals(0, Keys.keyNumber(17, 1, false, new Random()));
  }

  @Test
  void progressBarShowsCountAndPercent() {
    String bar = Progress.bar(25, 100);
    assertTrue(bar.contains(" 25 / 100 ["), bar);
    assertTrue(bar.endsWith("  25%"), bar);
  }
}
