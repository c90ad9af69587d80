package io.cairn.launcher.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The flags given (already checked), with etcd's defaults for the rest, read as typed values. */
final class ResolvedFlags {
  private final Map<String, String> given;

  ResolvedFlags(Map<String, String> given) {
    this.given = given;
  }

  boolean isSet(String name) {
    return given.containsKey(name);
  }

  String string(String name) {
    return given.getOrDefault(name, EtcdFlags.get(name).defaultValue());
  }

  boolean bool(String name) {
    return Boolean.parseBoolean(canonical(name));
  }

  long uint(String name) {
    // Larger than a long only if absurd (uint64 > 2^63); clamp rather than wrap negative.
    java.math.BigInteger v = new java.math.BigInteger(canonical(name));
    return v.bitLength() > 63 ? Long.MAX_VALUE : v.longValue();
  }

  long int64(String name) {
    return Long.parseLong(canonical(name));
  }

  List<URI> urls(String name) {
    String raw = string(name);
    if (raw.isEmpty()) {
      return List.of();
    }
    try {
      return EtcdUrls.parseList(raw);
    } catch (InvalidValueException e) {
      throw new IllegalStateException("checked when given: " + name, e);
    }
  }

  List<String> strings(String name) {
    return List.copyOf(FlagValueParser.uniqueStrings(string(name)));
  }

  /** A file flag: "" means none (null). */
  Path path(String name) {
    String raw = string(name);
    return raw.isEmpty() ? null : Path.of(raw);
  }

  /** Flags given a value other than etcd's default that Cairn does not act on yet, in the order given. */
  List<String> unsupportedSet() {
    return given.keySet().stream()
        .map(EtcdFlags::get)
        .filter(spec -> !spec.supported())
        .filter(spec -> !canonical(spec.name()).equals(canonicalDefault(spec)))
        .map(FlagSpec::name)
        .toList();
  }

  private String canonical(String name) {
    FlagSpec spec = EtcdFlags.get(name);
    try {
      return FlagValueParser.canonical(spec, string(name));
    } catch (InvalidValueException e) {
      throw new IllegalStateException("checked when given: " + name, e);
    }
  }

  private static String canonicalDefault(FlagSpec spec) {
    try {
      return FlagValueParser.canonical(spec, spec.defaultValue());
    } catch (InvalidValueException e) {
      return spec.defaultValue(); // "" defaults of URL lists
    }
  }
}
