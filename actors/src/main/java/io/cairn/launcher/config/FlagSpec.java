package io.cairn.launcher.config;

import java.util.List;

/**
 * One etcd 3.4 flag.
 *
 * @param defaultValue the raw default as etcd registers it ("" when none)
 * @param choices the accepted values of a {@link FlagKind#CHOICE} flag, else empty
 * @param supported whether Cairn acts on it; an unsupported flag set to a non-default value is reported as "not
 *     supported yet"
 */
public record FlagSpec(String name, FlagKind kind, String defaultValue, List<String> choices, boolean supported) {

  /** The environment variable etcd maps this flag to: ETCD_ + upper case, '-' → '_' (pkg/flags.FlagToEnv). */
  public String envName() {
    return "ETCD_" + name.toUpperCase(java.util.Locale.ROOT).replace('-', '_');
  }
}
