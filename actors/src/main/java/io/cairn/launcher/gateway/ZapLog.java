package io.cairn.launcher.gateway;

import io.cairn.launcher.config.ZapJsonLayout;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * The gateway's log lines as etcd 3.4's gateway writes them (zap's production logger: epoch-seconds ts, caller,
 * msg, then the fields in order; numbers bare, lists as JSON arrays), on stderr.
 */
final class ZapLog {
  private final PrintStream err;
  /** etcd's source file, e.g. tcpproxy/userspace.go. */
  private final String caller;

  ZapLog(PrintStream err, String caller) {
    this.err = err;
    this.caller = caller;
  }

  /** line: the line of etcd's source file that writes this message (its "caller"), 0 if unknown. */
  void info(int line, String msg, Object... fields) {
    line("info", line, msg, fields);
  }

  void warn(int line, String msg, Object... fields) {
    line("warn", line, msg, fields);
  }

  private synchronized void line(String level, int line, String msg, Object... fields) {
    StringBuilder b = new StringBuilder(160).append("{\"level\":\"").append(level).append("\",\"ts\":");
    java.time.Instant now = java.time.Instant.now();
    b.append(now.getEpochSecond()).append('.').append(String.format(Locale.ROOT, "%07d", now.getNano() / 100));
    ZapJsonLayout.quote(b.append(",\"caller\":"), caller + ":" + line);
    ZapJsonLayout.quote(b.append(",\"msg\":"), msg);
    for (int i = 0; i + 1 < fields.length; i += 2) {
      ZapJsonLayout.quote(b.append(','), String.valueOf(fields[i])).append(':');
      Object value = fields[i + 1];
      if (value instanceof Double d && d == Math.rint(d)) {
        b.append(d.longValue()); // Go prints 60, not 60.0
      } else if (value instanceof Number) {
        b.append(value);
      } else if (value instanceof List<?> list) {
        b.append('[');
        for (int k = 0; k < list.size(); k++) {
          ZapJsonLayout.quote(k == 0 ? b : b.append(','), String.valueOf(list.get(k)));
        }
        b.append(']');
      } else {
        ZapJsonLayout.quote(b, String.valueOf(value));
      }
    }
    err.println(b.append('}'));
    err.flush();
  }
}
