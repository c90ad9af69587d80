package io.cairn.launcher.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Not an error: --help/-h or --version was given, so the launcher prints {@link #getMessage()} to stdout and exits 0
 * without starting a member — as etcd 3.4 does (etcdmain prints the usage or version and calls os.Exit(0)).
 */
public final class EarlyExit extends ConfigException {
  /** Cairn's own release; the etcd API it speaks is {@link #ETCD_API_VERSION}. */
  public static final String CAIRN_VERSION = "0.1.0";

  public static final String ETCD_API_VERSION = "3.4";

  private EarlyExit(String output) {
    super(output, 0, true);
  }

  /** `etcd --help`: etcd's usage text (Cairn's copy, with Cairn's defaults). */
  public static EarlyExit help() {
    try (InputStream in = EarlyExit.class.getResourceAsStream("usage.txt")) {
      if (in == null) {
        throw new IllegalStateException("usage.txt missing from the classpath");
      }
      return new EarlyExit(new String(in.readAllBytes(), StandardCharsets.UTF_8).stripTrailing());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** `etcd --version`, laid out as etcd's "etcd Version: / Git SHA: / Go Version: / Go OS/Arch:" lines. */
  public static EarlyExit version() {
    return new EarlyExit(
        String.join(
            "\n",
            "cairn Version: " + CAIRN_VERSION,
            "etcd API Version: " + ETCD_API_VERSION,
            "Java Version: " + System.getProperty("java.version"),
            "Java OS/Arch: " + System.getProperty("os.name").toLowerCase() + "/" + System.getProperty("os.arch")));
  }
}
