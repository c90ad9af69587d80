package io.cairn.launcher.config;

/** A bad flag or value; its message is the one line the launcher prints before exiting non-zero. */
public final class ConfigException extends Exception {
  public ConfigException(String message) {
    super(message);
  }
}
