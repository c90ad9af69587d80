package io.cairn.launcher;

import java.lang.reflect.Method;

/**
 * Calls {@code io.cairn.launcher.config.LoggingSetup.configure(CairnConfig)} (the launcher engineer's
 * capnslog-style logging) when it is on the classpath. Looked up by name only until that class lands;
 * then replace this with a direct call.
 */
final class LoggingHook {
  private static final String CLASS = "io.cairn.launcher.config.LoggingSetup";

  private LoggingHook() {}

  static void configure(CairnConfig config) {
    Method configure;
    try {
      configure = Class.forName(CLASS).getMethod("configure", CairnConfig.class);
    } catch (ClassNotFoundException | NoSuchMethodException absent) {
      return; // logback's defaults until the launcher's setup exists
    }
    try {
      configure.invoke(null, config);
    } catch (ReflectiveOperationException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new IllegalStateException("logging setup failed: " + cause.getMessage(), cause);
    }
  }
}
