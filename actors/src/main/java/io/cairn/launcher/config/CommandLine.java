package io.cairn.launcher.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command line as Go's flag package (which etcd uses) reads it, not as picocli/GNU getopt would: "-flag" and
 * "--flag" are the same; "-flag=value" or "-flag value" (the next argument is taken even if it starts with '-');
 * a bool flag takes no separate argument ("-flag", "-flag=false"); "--" or the first non-flag argument ends the
 * flags. Every value is checked as it is set, so the first bad flag is the error, as in etcd.
 *
 * @param values each flag set, in order of appearance, with its raw value (a later occurrence wins)
 * @param positional arguments after the flags (etcd rejects them: "'x' is not a valid flag")
 * @param warnings etcd's warnings for removed etcd 2 flags
 */
record CommandLine(Map<String, String> values, List<String> positional, boolean help, List<String> warnings) {

  static CommandLine parse(String[] args) throws ConfigException {
    Map<String, String> values = new LinkedHashMap<>();
    List<String> warnings = new ArrayList<>();
    int i = 0;
    while (i < args.length) {
      String arg = args[i];
      if (arg.length() < 2 || arg.charAt(0) != '-') {
        break;
      }
      int minuses = arg.charAt(1) == '-' ? 2 : 1;
      if (minuses == 2 && arg.length() == 2) {
        i++; // "--" terminates the flags
        break;
      }
      String name = arg.substring(minuses);
      if (name.isEmpty() || name.charAt(0) == '-' || name.charAt(0) == '=') {
        throw new ConfigException("bad flag syntax: " + arg);
      }
      i++;
      String value = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      FlagSpec spec = EtcdFlags.find(name).orElse(null);
      if (spec == null) {
        if (name.equals("help") || name.equals("h")) {
          return new CommandLine(values, List.of(), true, warnings);
        }
        throw new ConfigException("flag provided but not defined: -" + name);
      }
      if (spec.kind().isBoolFlag()) {
        String boolValue = value == null ? "true" : value;
        try {
          FlagValueParser.canonical(spec, boolValue);
        } catch (InvalidValueException e) {
          throw new ConfigException(
              value == null
                  ? "invalid boolean flag " + name + ": " + e.getMessage()
                  : "invalid boolean value \"" + value + "\" for -" + name + ": " + e.getMessage());
        }
        value = boolValue;
      } else {
        if (value == null) {
          if (i >= args.length) {
            throw new ConfigException("flag needs an argument: -" + name);
          }
          value = args[i++];
        }
        try {
          FlagValueParser.canonical(spec, value);
        } catch (InvalidValueException e) {
          throw new ConfigException(
              "invalid value \"" + value + "\" for flag -" + name + ": " + e.getMessage());
        }
      }
      if (spec.kind() == FlagKind.IGNORED) {
        // pkg/flags.IgnoredFlag.Set
        warnings.add("flag \"-" + name + "\" is no longer supported - ignoring.");
      }
      values.remove(name);
      values.put(name, value);
    }
    List<String> positional = new ArrayList<>();
    for (; i < args.length; i++) {
      positional.add(args[i]);
    }
    return new CommandLine(values, List.copyOf(positional), false, warnings);
  }
}
