package io.cairn.member.watch;

import io.cairn.api.etcdserverpb.WatchCreateRequest;
import java.util.function.LongPredicate;

/**
 * Which id a create request on one Watch stream gets, or why it is refused (etcd's recvLoop and mvcc
 * watchStream.Watch): an empty range, a requested id already in use, or the stream's watcher limit. Automatic ids
 * are the next one not in use, from 0 (etcd's AutoWatchID). One per stream; the member's streams and the
 * grpc-proxy's use the same rule, so a client sees the same answers through either.
 */
public final class WatchAdmission {
  /** etcd's clientv3.InvalidWatchID: a response that belongs to no single watcher (a refusal's). */
  public static final long NO_WATCH_ID = -1;
  public static final String EMPTY_RANGE = "mvcc: watcher range is empty";
  public static final String DUPLICATE_ID = "mvcc: duplicate watch ID provided on the WatchStream";

  /** The id a create request gets; refusal non-null (and id {@link #NO_WATCH_ID}) when it is refused. */
  public record Result(long id, String refusal) {
    public boolean refused() {
      return refusal != null;
    }
  }

  private final int maxWatchers;
  private long nextAutoId;

  public WatchAdmission(int maxWatchers) {
    this.maxWatchers = maxWatchers;
  }

  /** {@code inUse}: the stream's watcher ids; {@code watchers}: how many it holds. */
  public Result admit(WatchCreateRequest create, LongPredicate inUse, int watchers) {
    if (Watcher.watchedRange(create.getKey(), create.getRangeEnd()).isEmpty()) {
      return refuse(EMPTY_RANGE);
    }
    long id = create.getWatchId();
    if (id == 0) {
      while (inUse.test(nextAutoId)) {
        nextAutoId++;
      }
      id = nextAutoId++;
    } else if (inUse.test(id)) {
      return refuse(DUPLICATE_ID);
    }
    if (watchers >= maxWatchers) {
      return refuse("cairn: too many watchers on this stream (at most " + maxWatchers + ")");
    }
    return new Result(id, null);
  }

  private static Result refuse(String reason) {
    return new Result(NO_WATCH_ID, reason);
  }
}
