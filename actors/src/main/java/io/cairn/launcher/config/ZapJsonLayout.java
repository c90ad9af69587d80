package io.cairn.launcher.config;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * etcd 3.4's --logger=zap line: one JSON object per line, {@code
 * {"level":"info","ts":"2026-11-21T03:04:05.123Z","caller":"etcdserver/etcdserver.go:0","msg":"..."}}, then the
 * event's MDC entries as extra string fields and, for an exception, zap's "error" field (plus "stacktrace"). The
 * caller is derived from the logger name, since a JVM has no Go file: etcd-style names ("etcdserver/api") give
 * "etcdserver/api/api.go:0", Java class names give their source path ("io/cairn/Foo.java:0").
 */
public final class ZapJsonLayout extends LayoutBase<ILoggingEvent> {
  /** zap's ISO8601TimeEncoder: "2006-01-02T15:04:05.000Z0700", local zone. */
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXX").withZone(ZoneId.systemDefault());

  @Override
  public String doLayout(ILoggingEvent event) {
    StringBuilder json = new StringBuilder(192).append('{');
    field(json, "level", level(event)).append(',');
    field(json, "ts", TIME.format(EventTime.of(event.getTimeStamp()))).append(',');
    field(json, "caller", caller(event.getLoggerName())).append(',');
    field(json, "msg", event.getFormattedMessage());
    for (Map.Entry<String, String> e : event.getMDCPropertyMap().entrySet()) {
      field(json.append(','), e.getKey(), e.getValue());
    }
    IThrowableProxy thrown = event.getThrowableProxy();
    if (thrown != null) {
      field(json.append(','), "error", thrown.getClassName() + ": " + thrown.getMessage());
      field(json.append(','), "stacktrace", ThrowableProxyUtil.asString(thrown));
    }
    return json.append('}').append(CoreConstants.LINE_SEPARATOR).toString();
  }

  static String level(ILoggingEvent event) {
    Level level = event.getLevel();
    if (level.isGreaterOrEqual(Level.ERROR)) {
      return CapnslogMarkers.has(event.getMarker(), CapnslogMarkers.CRITICAL) ? "fatal" : "error";
    }
    if (level.isGreaterOrEqual(Level.WARN)) {
      return "warn";
    }
    return level.isGreaterOrEqual(Level.INFO) ? "info" : "debug";
  }

  static String caller(String loggerName) {
    if (loggerName.contains(".")) {
      return loggerName.replace('.', '/') + ".java:0";
    }
    String last = loggerName.substring(loggerName.lastIndexOf('/') + 1);
    return loggerName + "/" + last + ".go:0";
  }

  private static StringBuilder field(StringBuilder json, String key, String value) {
    return quote(quote(json, key).append(':'), value == null ? "" : value);
  }

  /** Appends {@code s} as a JSON string literal (RFC 8259 escaping); also for {@link ZapLines}. */
  static StringBuilder quote(StringBuilder json, String s) {
    json.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        case '\n' -> json.append("\\n");
        case '\r' -> json.append("\\r");
        case '\t' -> json.append("\\t");
        default -> {
          if (c < 0x20) {
            json.append(String.format("\\u%04x", (int) c));
          } else {
            json.append(c);
          }
        }
      }
    }
    return json.append('"');
  }
}
