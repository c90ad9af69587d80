package io.cairn.launcher.config;

import org.slf4j.Marker;
import org.slf4j.MarkerFactory;

/**
 * capnslog has two levels SLF4J lacks: NOTICE (letter N, between INFO and WARNING; etcd uses it for e.g. "received
 * terminated signal, shutting down...") and CRITICAL (letter C; etcd's Fatal/Panic). Log at INFO with {@link
 * #NOTICE} or at ERROR with {@link #CRITICAL} to get them: {@code log.info(CapnslogMarkers.NOTICE, "...")}.
 */
public final class CapnslogMarkers {
  public static final Marker NOTICE = MarkerFactory.getMarker("NOTICE");
  public static final Marker CRITICAL = MarkerFactory.getMarker("CRITICAL");

  private CapnslogMarkers() {}

  static boolean has(Marker eventMarker, Marker wanted) {
    return eventMarker != null && eventMarker.contains(wanted);
  }
}
