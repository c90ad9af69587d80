package io.cairn.launcher.config;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * etcd 3.4's default log line (capnslog's PrettyFormatter): {@code 2026-11-21 03:04:05.123456 I | etcdserver:
 * message} — local date and time with microseconds, the level letter (D, I, N, W, E, C), " | ", the logger name
 * (etcd's package, e.g. "etcdmain"), ": ", the message.
 */
public final class CapnslogLayout extends LayoutBase<ILoggingEvent> {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS").withZone(ZoneId.systemDefault());

  @Override
  public String doLayout(ILoggingEvent event) {
    StringBuilder line = new StringBuilder(128);
    line.append(TIME.format(EventTime.of(event.getTimeStamp())))
        .append(' ')
        .append(letter(event))
        .append(" | ")
        .append(event.getLoggerName())
        .append(": ")
        .append(event.getFormattedMessage())
        .append(CoreConstants.LINE_SEPARATOR);
    IThrowableProxy thrown = event.getThrowableProxy();
    if (thrown != null) {
      line.append(ThrowableProxyUtil.asString(thrown)).append(CoreConstants.LINE_SEPARATOR);
    }
    return line.toString();
  }

  static char letter(ILoggingEvent event) {
    Level level = event.getLevel();
    if (level.isGreaterOrEqual(Level.ERROR)) {
      return CapnslogMarkers.has(event.getMarker(), CapnslogMarkers.CRITICAL) ? 'C' : 'E';
    }
    if (level.isGreaterOrEqual(Level.WARN)) {
      return 'W';
    }
    if (level.isGreaterOrEqual(Level.INFO)) {
      return CapnslogMarkers.has(event.getMarker(), CapnslogMarkers.NOTICE) ? 'N' : 'I';
    }
    return level.isGreaterOrEqual(Level.DEBUG) ? 'D' : 'T';
  }
}
