package io.cairn.launcher.config;

import java.time.Instant;

/**
 * An event's time with sub-millisecond precision when available: logback 1.2 keeps only milliseconds, but layouts
 * run synchronously on the logging thread, so "now" within the event's millisecond is the precise instant
 * (capnslog prints microseconds).
 */
final class EventTime {
  private EventTime() {}

  static Instant of(long eventEpochMillis) {
    Instant now = Instant.now();
    return now.toEpochMilli() == eventEpochMillis ? now : Instant.ofEpochMilli(eventEpochMillis);
  }
}
