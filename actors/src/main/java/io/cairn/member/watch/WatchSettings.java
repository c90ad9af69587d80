package io.cairn.member.watch;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The watch machinery's bounds and timers.
 *
 * @param streamBufferResponses synced deliveries a stream may hold before its watchers fall back to catching
 *     up from history (etcd: the watch stream's chanBufLen, 128; mvcc/watchable_store.go victims)
 * @param catchUpPageEvents events read from history per catch-up step (etcd: watchBatchMaxRevs, 1000)
 * @param maxWatchersPerStream watchers one stream may hold; more are refused
 * @param maxControlResponses control responses (created/canceled) queued before the stream stops reading
 *     requests (etcd: ctrlStreamBufLen, 16)
 * @param progressNotifyInterval how often idle progress_notify watchers hear the revision (etcd:
 *     v3rpc.progressReportInterval, 10 minutes); zero disables
 */
public record WatchSettings(
    int streamBufferResponses,
    int catchUpPageEvents,
    int maxWatchersPerStream,
    int maxControlResponses,
    Duration progressNotifyInterval) {

  public static final WatchSettings DEFAULTS = new WatchSettings(1024, 1000, 10_000, 16, Duration.ofMinutes(10));

  public WatchSettings {
    if (streamBufferResponses < 1 || catchUpPageEvents < 1 || maxWatchersPerStream < 1 || maxControlResponses < 1) {
      throw new IllegalArgumentException("watch bounds must be positive");
    }
    if (progressNotifyInterval.isNegative()) {
      throw new IllegalArgumentException("progress notify interval must not be negative");
    }
  }

  public WatchSettings withProgressNotifyInterval(Duration interval) {
    return new WatchSettings(
        streamBufferResponses, catchUpPageEvents, maxWatchersPerStream, maxControlResponses, interval);
  }

  public WatchSettings withStreamBufferResponses(int responses) {
    return new WatchSettings(
        responses, catchUpPageEvents, maxWatchersPerStream, maxControlResponses, progressNotifyInterval);
  }

  public WatchSettings withCatchUpPageEvents(int events) {
    return new WatchSettings(
        streamBufferResponses, events, maxWatchersPerStream, maxControlResponses, progressNotifyInterval);
  }

  public WatchSettings withMaxWatchersPerStream(int watchers) {
    return new WatchSettings(
        streamBufferResponses, catchUpPageEvents, watchers, maxControlResponses, progressNotifyInterval);
  }

  /** The defaults, overridden by whatever of {@code cairn.watch.*} the configuration sets. */
  public static WatchSettings fromConfig(Config config) {
    String p = "cairn.watch.";
    return new WatchSettings(
        config.hasPath(p + "stream-buffer-responses")
            ? config.getInt(p + "stream-buffer-responses")
            : DEFAULTS.streamBufferResponses,
        config.hasPath(p + "catch-up-page-events")
            ? config.getInt(p + "catch-up-page-events")
            : DEFAULTS.catchUpPageEvents,
        config.hasPath(p + "max-watchers-per-stream")
            ? config.getInt(p + "max-watchers-per-stream")
            : DEFAULTS.maxWatchersPerStream,
        config.hasPath(p + "max-control-responses")
            ? config.getInt(p + "max-control-responses")
            : DEFAULTS.maxControlResponses,
        config.hasPath(p + "progress-notify-interval")
            ? config.getDuration(p + "progress-notify-interval")
            : DEFAULTS.progressNotifyInterval);
  }
}
