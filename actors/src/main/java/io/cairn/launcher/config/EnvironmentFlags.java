package io.cairn.launcher.config;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * etcd's pkg/flags.SetFlagsFromEnv: each flag not given on the command line takes ETCD_&lt;FLAG&gt; when that
 * variable is non-empty. As in etcd 3.4.23 (observed): a variable shadowed by its command-line flag is fatal
 * ("conflicting environment variable ... is shadowed"), an ETCD_ variable matching no flag is only a warning, and a
 * bad value is a verification error naming the variable.
 */
final class EnvironmentFlags {
  static final String PREFIX = "ETCD_";

  private EnvironmentFlags() {}

  /**
   * @param values flags given on the command line; variables' values are added for the flags not in it
   * @param warnings receives "unrecognized environment variable ..." lines
   * @param notices receives "recognized and used environment variable ..." lines
   */
  static void apply(Map<String, String> env, Map<String, String> values, List<String> warnings, List<String> notices)
      throws ConfigException {
    Set<String> alreadySet = new HashSet<>();
    for (String flag : values.keySet()) {
      alreadySet.add(EtcdFlags.get(flag).envName());
    }
    Set<String> used = new HashSet<>();
    ConfigException badValue = null;
    for (FlagSpec spec : EtcdFlags.all()) {
      String key = spec.envName();
      String value = env.get(key);
      if (alreadySet.contains(key) || value == null || value.isEmpty()) {
        continue;
      }
      used.add(key);
      try {
        FlagValueParser.canonical(spec, value);
        values.put(spec.name(), value);
        notices.add("recognized and used environment variable " + key + "=" + value);
      } catch (InvalidValueException e) {
        if (badValue == null) {
          badValue =
              ConfigException.verifying(
                  "invalid value \"" + value + "\" for " + key + ": " + e.getMessage());
        }
      }
    }
    // pkg/flags.verifyEnv runs before the bad value is reported, so a conflict wins over it.
    for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
      String key = e.getKey();
      if (used.contains(key)) {
        continue;
      }
      if (alreadySet.contains(key)) {
        throw ConfigException.fatal(
            "conflicting environment variable \""
                + key
                + "\" is shadowed by corresponding command-line flag (either unset environment variable or disable"
                + " flag)");
      }
      if (key.startsWith(PREFIX) && !isFlagVariable(key)) {
        warnings.add("unrecognized environment variable " + key + "=" + e.getValue());
      }
    }
    if (badValue != null) {
      throw badValue;
    }
  }

  /** A flag's variable set to "" is skipped by etcd without an "unrecognized" warning. */
  private static boolean isFlagVariable(String key) {
    return EtcdFlags.all().stream().anyMatch(f -> f.envName().equals(key));
  }
}
