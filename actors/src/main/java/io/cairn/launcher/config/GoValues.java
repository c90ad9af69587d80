package io.cairn.launcher.config;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * Go's strconv.ParseBool, strconv.Parse(U)Int(s, 0, 64) and time.ParseDuration, so that exactly the values etcd
 * accepts are accepted. Errors carry the reason Go's flag package (1.19, as etcd 3.4.23 is built) prints.
 */
final class GoValues {
  static final String PARSE_ERROR = "parse error";
  static final String RANGE_ERROR = "value out of range";

  private static final Set<String> TRUE = Set.of("1", "t", "T", "TRUE", "true", "True");
  private static final Set<String> FALSE = Set.of("0", "f", "F", "FALSE", "false", "False");
  private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
  private static final Map<String, Long> NANOS_PER_UNIT =
      Map.of(
          "ns", 1L,
          "us", 1_000L,
          "µs", 1_000L,
          "μs", 1_000L,
          "ms", 1_000_000L,
          "s", 1_000_000_000L,
          "m", 60_000_000_000L,
          "h", 3_600_000_000_000L);

  private GoValues() {}

  static boolean parseBool(String s) throws InvalidValueException {
    if (TRUE.contains(s)) {
      return true;
    }
    if (FALSE.contains(s)) {
      return false;
    }
    throw new InvalidValueException(PARSE_ERROR);
  }

  /** strconv.ParseUint(s, 0, 64): base prefixes 0x, 0o, 0b, leading 0 (octal), '_' separators; no sign. */
  static BigInteger parseUint(String s) throws InvalidValueException {
    BigInteger v = parseMagnitude(s);
    if (v.compareTo(UINT64_MAX) > 0) {
      throw new InvalidValueException(RANGE_ERROR);
    }
    return v;
  }

  /** strconv.ParseInt(s, 0, 64). */
  static long parseInt(String s) throws InvalidValueException {
    boolean negative = s.startsWith("-");
    String magnitude = s.startsWith("-") || s.startsWith("+") ? s.substring(1) : s;
    BigInteger v = parseMagnitude(magnitude);
    if (negative) {
      v = v.negate();
    }
    if (v.bitLength() > 63) {
      throw new InvalidValueException(RANGE_ERROR);
    }
    return v.longValueExact();
  }

  private static BigInteger parseMagnitude(String s) throws InvalidValueException {
    int radix = 10;
    String digits = s;
    String lower = s.toLowerCase(java.util.Locale.ROOT);
    if (lower.startsWith("0x")) {
      radix = 16;
      digits = s.substring(2);
    } else if (lower.startsWith("0b")) {
      radix = 2;
      digits = s.substring(2);
    } else if (lower.startsWith("0o")) {
      radix = 8;
      digits = s.substring(2);
    } else if (s.length() > 1 && s.charAt(0) == '0') {
      radix = 8;
      digits = s.substring(1);
    }
    // Go allows '_' only between digits (or right after a base prefix) when base is 0.
    if (digits.startsWith("_") && radix == 10 || digits.endsWith("_") || digits.contains("__")) {
      throw new InvalidValueException(PARSE_ERROR);
    }
    digits = digits.replace("_", "");
    final int base = radix;
    if (digits.isEmpty() || !digits.chars().allMatch(c -> Character.digit(c, base) >= 0)) {
      throw new InvalidValueException(PARSE_ERROR);
    }
    return new BigInteger(digits, radix);
  }

  /** time.ParseDuration: "300ms", "-1.5h", "2h45m"; a bare number other than 0 lacks its unit and is rejected. */
  static Duration parseDuration(String s) throws InvalidValueException {
    String rest = s;
    boolean negative = false;
    if (rest.startsWith("-") || rest.startsWith("+")) {
      negative = rest.startsWith("-");
      rest = rest.substring(1);
    }
    if (rest.equals("0")) {
      return Duration.ZERO;
    }
    if (rest.isEmpty()) {
      throw new InvalidValueException(PARSE_ERROR);
    }
    BigDecimal totalNanos = BigDecimal.ZERO;
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("([0-9]*(?:\\.[0-9]*)?)([^0-9.]+)").matcher(rest);
    int end = 0;
    while (m.find() && m.start() == end) {
      String number = m.group(1);
      Long unit = NANOS_PER_UNIT.get(m.group(2));
      if (number.isEmpty() || number.equals(".") || unit == null) {
        throw new InvalidValueException(PARSE_ERROR);
      }
      totalNanos = totalNanos.add(new BigDecimal(number).multiply(BigDecimal.valueOf(unit)));
      end = m.end();
    }
    if (end != rest.length()) {
      throw new InvalidValueException(PARSE_ERROR);
    }
    BigInteger nanos = totalNanos.toBigInteger();
    if (nanos.bitLength() > 63) {
      throw new InvalidValueException(PARSE_ERROR);
    }
    Duration d = Duration.ofNanos(nanos.longValueExact());
    return negative ? d.negated() : d;
  }
}
