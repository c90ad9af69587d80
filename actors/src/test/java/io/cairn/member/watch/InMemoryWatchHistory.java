package io.cairn.member.watch;

import com.google.protobuf.ByteString;
import io.cairn.api.mvccpb.Event;
import io.cairn.api.mvccpb.KeyValue;
import io.cairn.persistence.mvcc.EventPage;
import io.cairn.persistence.mvcc.KeyRange;
import io.cairn.persistence.mvcc.MvccException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory twin of the store's history for watch tests: every write is kept as an event; compaction only
 * moves the compacted revision (reads at or below it fail, as {@code MvccStore.events} promises).
 */
public final class InMemoryWatchHistory implements WatchHistory {
  private final List<Event> log = new ArrayList<>();
  private final Map<ByteString, KeyValue> live = new HashMap<>();
  private final AtomicInteger pageReads = new AtomicInteger();
  private long currentRevision = 1; // etcd: an empty store is at revision 1
  private long compactedRevision;

  /** Writes key=value in a new revision; returns the event to publish. */
  public Event put(String key, String value) {
    return putAll(key, value).get(0);
  }

  /** Writes key/value pairs (k1, v1, k2, v2...) in one revision, as a txn; returns its events. */
  public synchronized List<Event> putAll(String... keyValues) {
    long rev = ++currentRevision;
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      ByteString key = ByteString.copyFromUtf8(keyValues[i]);
      KeyValue old = live.get(key);
      KeyValue kv =
          KeyValue.newBuilder()
              .setKey(key)
              .setValue(ByteString.copyFromUtf8(keyValues[i + 1]))
              .setCreateRevision(old == null ? rev : old.getCreateRevision())
              .setModRevision(rev)
              .setVersion(old == null ? 1 : old.getVersion() + 1)
              .build();
      live.put(key, kv);
      Event e = Event.newBuilder().setType(Event.EventType.PUT).setKv(kv).build();
      log.add(e);
      events.add(e);
    }
    return events;
  }

  /** Deletes the key in a new revision; the event's kv carries the key and the deletion revision, as etcd. */
  public synchronized Event delete(String key) {
    long rev = ++currentRevision;
    ByteString k = ByteString.copyFromUtf8(key);
    live.remove(k);
    Event e =
        Event.newBuilder()
            .setType(Event.EventType.DELETE)
            .setKv(KeyValue.newBuilder().setKey(k).setModRevision(rev))
            .build();
    log.add(e);
    return e;
  }

  public synchronized void compact(long revision) {
    compactedRevision = revision;
  }

  /** How many history pages watchers have read (catch-up happened iff > 0). */
  public int pageReads() {
    return pageReads.get();
  }

  @Override
  public synchronized long currentRevision() {
    return currentRevision;
  }

  @Override
  public synchronized long compactedRevision() {
    return compactedRevision;
  }

  @Override
  public synchronized EventPage events(long fromRevision, ByteString key, ByteString rangeEnd, int maxEvents)
      throws MvccException {
    pageReads.incrementAndGet();
    if (fromRevision <= compactedRevision) {
      throw new MvccException(MvccException.Code.COMPACTED);
    }
    KeyRange range = KeyRange.of(key, rangeEnd);
    List<Event> page = new ArrayList<>();
    long lastRevision = -1;
    for (Event e : log) {
      long rev = e.getKv().getModRevision();
      if (rev < fromRevision || !range.contains(e.getKv().getKey())) {
        continue;
      }
      if (page.size() >= maxEvents && rev != lastRevision) {
        return new EventPage(page, rev); // whole revisions only
      }
      page.add(e);
      lastRevision = rev;
    }
    return new EventPage(page, currentRevision + 1);
  }

  @Override
  public synchronized Optional<KeyValue> get(ByteString key, long revision) {
    if (revision < compactedRevision || revision <= 0) {
      return Optional.empty();
    }
    KeyValue found = null;
    for (Event e : log) {
      if (e.getKv().getModRevision() > revision) {
        break;
      }
      if (e.getKv().getKey().equals(key)) {
        found = e.getType() == Event.EventType.PUT ? e.getKv() : null;
      }
    }
    return Optional.ofNullable(found);
  }
}
