package io.cairn.launcher.config;

/**
 * A bad flag or value; its message is the one line the launcher prints before exiting with {@link #exitCode()}.
 *
 * <p>Main's contract: print {@link #getMessage()} (one line, no trailing newline) to stdout when {@link #toStdout()},
 * else to stderr, then {@code System.exit(exitCode())}. Exit codes follow etcd 3.4: 2 for a flag the command line
 * cannot parse (Go's flag package exits 2), 1 for a value etcd rejects while verifying flags, 0 for
 * {@link EarlyExit} (--help, --version).
 */
public class ConfigException extends Exception {
  /** Go's flag package: os.Exit(2) when a flag cannot be parsed. */
  public static final int FLAG_PARSE_EXIT_CODE = 2;
  /** etcdmain: "error verifying flags, ..." then os.Exit(1). */
  public static final int VERIFY_EXIT_CODE = 1;

  private final int exitCode;
  private final boolean toStdout;

  /** A command-line parse error: exit code 2, message on stderr. */
  public ConfigException(String message) {
    this(message, FLAG_PARSE_EXIT_CODE, false);
  }

  protected ConfigException(String message, int exitCode, boolean toStdout) {
    super(message, null, false, false);
    this.exitCode = exitCode;
    this.toStdout = toStdout;
  }

  /**
   * etcd's verification failure, worded as etcdmain logs it: {@code error verifying flags, <reason>. See 'etcd
   * --help'.}, exit code 1.
   */
  public static ConfigException verifying(String reason) {
    return new ConfigException(
        "error verifying flags, " + reason + ". See 'etcd --help'.", VERIFY_EXIT_CODE, false);
  }

  /** A fatal configuration error etcd reports without the "verifying flags" wrapper, exit code 1. */
  public static ConfigException fatal(String message) {
    return new ConfigException(message, VERIFY_EXIT_CODE, false);
  }

  /** The process exit code Main should use: 2 (flag parse), 1 (verification), 0 ({@link EarlyExit}). */
  public int exitCode() {
    return exitCode;
  }

  /** Whether the message belongs on stdout (--help, --version) rather than stderr. */
  public boolean toStdout() {
    return toStdout;
  }
}
