package io.cairn.member;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Go's time.ParseDuration: values, and its error messages (etcd prints them for flags such as --retry-delay). */
class GoDurationTest {

  @Test
  void parsesGoDurations() {
    assertEquals(Duration.ofMinutes(1), GoDuration.parse("1m0s"));
    assertEquals(Duration.ofMillis(1500), GoDuration.parse("1.5s"));
    assertEquals(Duration.ZERO, GoDuration.parse("0"));
  }

  @Test
  void failsWithGosMessages() {
    assertEquals("time: missing unit in duration \"123\"",
        assertThrows(IllegalArgumentException.class, () -> GoDuration.parse("123")).getMessage());
    assertEquals("time: missing unit in duration \"1.5\"",
        assertThrows(IllegalArgumentException.class, () -> GoDuration.parse("1.5")).getMessage());
    assertEquals("time: invalid duration \"x\"",
        assertThrows(IllegalArgumentException.class, () -> GoDuration.parse("x")).getMessage());
    assertEquals("time: unknown unit \"x\" in duration \"5x\"",
        assertThrows(IllegalArgumentException.class, () -> GoDuration.parse("5x")).getMessage());
  }
}
