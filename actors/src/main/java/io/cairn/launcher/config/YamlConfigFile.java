package io.cairn.launcher.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * etcd's --config-file (embed.ConfigFromFile): a YAML mapping whose keys are the flag names, except TLS which nests
 * under client-transport-security / peer-transport-security. Lists (log-outputs, cipher-suites, host-whitelist) are
 * joined with ',' into the flag's comma-separated form; durations given as integers are nanoseconds (Go's JSON
 * encoding of time.Duration). Keys that are not etcd options are ignored, as etcd's non-strict yaml.Unmarshal does.
 */
final class YamlConfigFile {
  private static final Map<String, String> SECURITY_KEYS =
      Map.of(
          "cert-file", "cert-file",
          "key-file", "key-file",
          "client-cert-auth", "client-cert-auth",
          "trusted-ca-file", "trusted-ca-file",
          "auto-tls", "auto-tls",
          "crl-file", "client-crl-file");

  private YamlConfigFile() {}

  /** @return flag name → raw value, for each option the file sets (non-empty) */
  static Map<String, String> read(Path path) throws ConfigException {
    Object root;
    try (Reader reader = Files.newBufferedReader(path)) {
      root = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
    } catch (NoSuchFileException e) {
      throw ConfigException.verifying("open " + path + ": no such file or directory");
    } catch (IOException e) {
      throw ConfigException.verifying("open " + path + ": " + e.getMessage());
    } catch (YAMLException e) {
      throw ConfigException.verifying("yaml: " + path + ": " + firstLine(e.getMessage()));
    }
    Map<String, String> values = new LinkedHashMap<>();
    if (root == null) {
      return values;
    }
    if (!(root instanceof Map<?, ?> map)) {
      throw ConfigException.verifying("yaml: " + path + ": the configuration must be a mapping of option: value");
    }
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String key = String.valueOf(e.getKey());
      if (key.equals("client-transport-security") || key.equals("peer-transport-security")) {
        readSecurity(path, key, e.getValue(), key.startsWith("peer") ? "peer-" : "", values);
      } else if (!key.equals("config-file") && !key.equals("version")) {
        if (EtcdFlags.find(key).isPresent()) {
          put(path, key, EtcdFlags.get(key), e.getValue(), values);
        }
      }
    }
    return values;
  }

  private static void readSecurity(Path path, String key, Object section, String prefix, Map<String, String> values)
      throws ConfigException {
    if (section == null) {
      return;
    }
    if (!(section instanceof Map<?, ?> map)) {
      throw ConfigException.verifying("yaml: " + path + ": " + key + " must be a mapping");
    }
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String flag = SECURITY_KEYS.get(String.valueOf(e.getKey()));
      if (flag != null) {
        String name = prefix + flag;
        put(path, key + "." + e.getKey(), EtcdFlags.get(name), e.getValue(), values);
      }
    }
  }

  private static void put(Path path, String key, FlagSpec spec, Object value, Map<String, String> values)
      throws ConfigException {
    String raw = toRaw(spec, value);
    if (raw == null || raw.isEmpty()) {
      return; // etcd keeps the default for absent or empty options
    }
    try {
      FlagValueParser.canonical(spec, raw);
    } catch (InvalidValueException e) {
      throw ConfigException.verifying(
          "invalid value \"" + raw + "\" for " + key + " in " + path + ": " + e.getMessage());
    }
    values.put(spec.name(), raw);
  }

  private static String toRaw(FlagSpec spec, Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof List<?> list) {
      return list.stream().map(String::valueOf).collect(Collectors.joining(","));
    }
    if (spec.kind() == FlagKind.DURATION && value instanceof Number n) {
      return Duration.ofNanos(n.longValue()).toNanos() + "ns";
    }
    return String.valueOf(value);
  }

  private static String firstLine(String message) {
    String m = message == null ? "" : message.strip();
    int nl = m.indexOf('\n');
    return (nl < 0 ? m : m.substring(0, nl)).strip();
  }
}
