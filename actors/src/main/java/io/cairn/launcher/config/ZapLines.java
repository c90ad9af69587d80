package io.cairn.launcher.config;

import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The log lines of etcd's short-lived commands (etcdctl's snapshot restore, the gateway), written straight to a
 * stream: zap's production encoder — level, ts in epoch seconds, caller, msg, then the fields in the order given
 * (numbers bare, whole numbers without a fraction as Go prints them, lists as JSON arrays, anything else a JSON
 * string), escaped as the server's {@link ZapJsonLayout}. Not through logback, whose zap layout is the server's
 * (ISO-8601 ts, string fields only).
 */
public final class ZapLines {
  private final PrintStream out;

  public ZapLines(PrintStream out) {
    this.out = out;
  }

  /**
   * @param caller etcd's "file.go:line" for this message (e.g. "tcpproxy/userspace.go:90")
   * @param fields name, value, name, value, ...
   */
  public void info(String caller, String msg, Object... fields) {
    line("info", caller, msg, fields);
  }

  public void warn(String caller, String msg, Object... fields) {
    line("warn", caller, msg, fields);
  }

  private synchronized void line(String level, String caller, String msg, Object... fields) {
    StringBuilder b = new StringBuilder(160).append("{\"level\":\"").append(level).append("\",\"ts\":");
    Instant now = Instant.now();
    b.append(now.getEpochSecond()).append('.').append(String.format(Locale.ROOT, "%07d", now.getNano() / 100));
    ZapJsonLayout.quote(b.append(",\"caller\":"), caller);
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
    out.println(b.append('}'));
    out.flush();
  }
}
