package io.cairn.launcher.config;

import io.cairn.launcher.CairnConfig;
import java.util.Map;

/** Reads etcd 3.4's flags, ETCD_* variables and --config-file into a {@link CairnConfig}. */
public final class ConfigLoader {
  private ConfigLoader() {}

  /**
   * @throws ConfigException with a one-line message naming the flag, for an unknown flag or a bad value
   */
  public static CairnConfig load(String[] args, Map<String, String> env) throws ConfigException {
    throw new UnsupportedOperationException("TODO");
  }
}
