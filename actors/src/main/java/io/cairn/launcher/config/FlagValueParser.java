package io.cairn.launcher.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/** Checks a raw value against its flag's Go type, as that type's flag.Value.Set would, and canonicalises it. */
final class FlagValueParser {
  private FlagValueParser() {}

  /**
   * @return the value in a canonical form (so "5s" and "5000ms", or "1" and "true", compare equal)
   * @throws InvalidValueException with Go's reason when Set would fail
   */
  static String canonical(FlagSpec spec, String raw) throws InvalidValueException {
    switch (spec.kind()) {
      case STRING:
        return raw;
      case BOOL:
      case IGNORED:
        return Boolean.toString(GoValues.parseBool(raw));
      case UINT:
        return GoValues.parseUint(raw).toString();
      case INT:
        return Long.toString(GoValues.parseInt(raw));
      case DURATION:
        return GoValues.parseDuration(raw).toString();
      case URLS:
        return EtcdUrls.parseList(raw).toString();
      case URLS_OR_STAR:
        return urlsOrStar(raw);
      case UNIQUE_STRINGS:
        return String.join(",", uniqueStrings(raw));
      case STRING_SLICE:
        return raw;
      case CHOICE:
        if (!spec.choices().contains(raw)) {
          throw new InvalidValueException("invalid value");
        }
        return raw;
      case UINT32:
        return uint32(raw);
      default:
        throw new IllegalStateException("unhandled kind " + spec.kind());
    }
  }

  /** flags.UniqueStringsValue: split on ',', de-duplicated, sorted. */
  static List<String> uniqueStrings(String raw) {
    return new ArrayList<>(new TreeSet<>(Arrays.asList(raw.split(",", -1))));
  }

  private static String urlsOrStar(String raw) throws InvalidValueException {
    TreeSet<String> values = new TreeSet<>();
    for (String one : raw.split(",", -1)) {
      if (!one.equals("*")) {
        EtcdUrls.parse(one.strip());
      }
      values.add(one);
    }
    return String.join(",", values);
  }

  /** etcd's --max-concurrent-streams: strconv.ParseUint(s, 10, 32), whose error text etcd prints verbatim. */
  private static String uint32(String raw) throws InvalidValueException {
    String prefix = "strconv.ParseUint: parsing \"" + raw + "\": ";
    if (raw.isEmpty() || !raw.chars().allMatch(Character::isDigit)) {
      throw new InvalidValueException(prefix + "invalid syntax");
    }
    java.math.BigInteger v = new java.math.BigInteger(raw);
    if (v.bitLength() > 32) {
      throw new InvalidValueException(prefix + "value out of range");
    }
    return v.toString();
  }
}
