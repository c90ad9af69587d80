package io.cairn.persistence.mvcc;

import com.google.protobuf.InvalidProtocolBufferException;
import io.cairn.api.mvccpb.Event;
import io.cairn.api.mvccpb.KeyValue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.DBIterator;
import org.iq80.leveldb.ReadOptions;

/**
 * Reads events back from the revision records for watchers catching up, as etcd's {@code
 * syncWatchers}/{@code kvsToEvents}: a tombstone record becomes a DELETE whose kv has the key and the
 * deletion revision as mod_revision; prev_kv is left to the watch layer.
 */
final class HistoryReader {
  /** Records examined per call at most, so a narrow watch over a long history cannot stall a reader. */
  static final int SCAN_BUDGET = 100_000;

  private HistoryReader() {}

  static EventPage read(
      DB db, ReadOptions ro, long from, long current, KeyRange range, int maxEvents) {
    int max = maxEvents <= 0 ? Integer.MAX_VALUE : maxEvents;
    if (from > current) {
      return new EventPage(List.of(), from);
    }
    List<Event> out = new ArrayList<>();
    List<Event> revEvents = new ArrayList<>();
    long revMain = -1;
    int scanned = 0;
    try (DBIterator it = db.iterator(ro)) {
      it.seek(LevelDbKeys.revSeek(from));
      while (it.hasNext()) {
        Map.Entry<byte[], byte[]> e = it.next();
        byte[] k = e.getKey();
        if (!LevelDbKeys.isRevKey(k)) {
          break;
        }
        Revision r = LevelDbKeys.parseRev(k);
        if (r.main() > current) {
          break; // written by a commit not yet published
        }
        if (r.main() != revMain) {
          // Whole revisions only: stop before one that would not fit, unless nothing fits at all.
          if (revMain != -1) {
            if (!out.isEmpty() && out.size() + revEvents.size() > max) {
              return new EventPage(List.copyOf(out), revMain);
            }
            out.addAll(revEvents);
            revEvents.clear();
          }
          if (out.size() >= max || scanned >= SCAN_BUDGET) {
            return new EventPage(List.copyOf(out), r.main());
          }
          revMain = r.main();
        }
        scanned++;
        KeyValue kv = parse(e.getValue());
        if (range.contains(kv.getKey())) {
          revEvents.add(toEvent(k, r, kv));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (revMain != -1) {
      if (!out.isEmpty() && out.size() + revEvents.size() > max) {
        return new EventPage(List.copyOf(out), revMain);
      }
      out.addAll(revEvents);
    }
    return new EventPage(List.copyOf(out), current + 1);
  }

  static Event toEvent(byte[] revKey, Revision r, KeyValue kv) {
    if (LevelDbKeys.isTombstone(revKey)) {
      return Event.newBuilder()
          .setType(Event.EventType.DELETE)
          .setKv(KeyValue.newBuilder().setKey(kv.getKey()).setModRevision(r.main()))
          .build();
    }
    return Event.newBuilder().setType(Event.EventType.PUT).setKv(kv).build();
  }

  static KeyValue parse(byte[] value) {
    try {
      return KeyValue.parseFrom(value);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt revision record", e);
    }
  }
}
