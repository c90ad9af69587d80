package io.cairn.member;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Go's time.ParseDuration and Duration.String, for etcd-compatible flags and log lines. */
public final class GoDuration {
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");
  private static final Map<String, Long> UNIT_NANOS =
      Map.of("ns", 1L, "us", 1_000L, "µs", 1_000L, "μs", 1_000L, "ms", 1_000_000L, "s", 1_000_000_000L,
          "m", 60_000_000_000L, "h", 3_600_000_000_000L);

  private GoDuration() {}

  /**
   * "1h30m", "5m", "90s", "1.5h", "0" (as Go: a bare 0 is allowed); anything else fails with Go's message
   * ({@code time: missing unit in duration "123"}, {@code time: unknown unit "x" in duration "5x"},
   * {@code time: invalid duration "x"}).
   */
  public static Duration parse(String s) {
    String in = s.trim();
    if (in.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = PART.matcher(in);
    int pos = 0;
    double nanos = 0;
    while (pos < in.length() && m.find(pos) && m.start() == pos) {
      nanos += Double.parseDouble(m.group(1)) * UNIT_NANOS.get(m.group(2));
      pos = m.end();
    }
    if (pos != in.length() || in.isEmpty()) {
      throw new IllegalArgumentException(error(s, in.substring(pos)));
    }
    return Duration.ofNanos((long) nanos);
  }

  /** Go's message for the part of a duration that did not parse. */
  private static String error(String whole, String rest) {
    Matcher number = Pattern.compile("^(\\d+\\.?\\d*|\\.\\d+)([^\\d.]*)").matcher(rest);
    if (number.find()) {
      String unit = number.group(2);
      if (unit.isEmpty()) {
        return "time: missing unit in duration \"" + whole + "\"";
      }
      if (!UNIT_NANOS.containsKey(unit)) {
        return "time: unknown unit \"" + unit + "\" in duration \"" + whole + "\"";
      }
    }
    return "time: invalid duration \"" + whole + "\"";
  }

  /** Go's Duration.String: "1h0m0s", "5m0s", "1m30s", "500ms". */
  public static String format(Duration d) {
    if (d.isZero()) {
      return "0s";
    }
    if (d.compareTo(Duration.ofSeconds(1)) < 0) {
      long nanos = d.toNanos();
      if (nanos % 1_000_000 == 0) {
        return nanos / 1_000_000 + "ms";
      }
      return nanos % 1000 == 0 ? nanos / 1000 + "µs" : nanos + "ns";
    }
    long h = d.toHours();
    long m = d.toMinutesPart();
    String seconds = d.toSecondsPart() + (d.toNanosPart() == 0 ? "" : fraction(d.toNanosPart())) + "s";
    if (h > 0) {
      return h + "h" + m + "m" + seconds;
    }
    return m > 0 ? m + "m" + seconds : seconds;
  }

  private static String fraction(int nanos) {
    String f = String.format("%09d", nanos).replaceAll("0+$", "");
    return "." + f;
  }
}
