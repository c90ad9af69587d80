package io.cairn.persistence.mvcc;

import com.google.protobuf.ByteString;
import io.cairn.api.etcdserverpb.AlarmMember;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.Lock;

/**
 * Makes a committed batch visible: folds an {@link Overlay} into the {@link SharedState} under the write
 * lock, so a reader sees all of a batch or none of it. Runs on the apply thread after the LevelDB write.
 */
final class Publisher {
  private Publisher() {}

  private record LeaseMove(ByteString key, long from, long to) {}

  static void publish(SharedState s, Overlay o, long appliedIndex, long writtenBytes) {
    Lock w = s.lock.writeLock();
    w.lock();
    try {
      List<LeaseMove> moves = new ArrayList<>(o.dirty.size());
      for (Map.Entry<ByteString, Overlay.PendingKey> e : o.dirty.entrySet()) {
        KeyIndex ki = s.index.getOrCreate(e.getKey());
        long from = ki.isLive() ? ki.lease() : 0;
        for (Overlay.PendingKey.Op op : e.getValue().ops) {
          if (op.tombstone()) {
            ki.tombstone(op.rev());
          } else {
            ki.put(op.rev(), op.lease());
          }
        }
        long to = ki.isLive() ? ki.lease() : 0;
        moves.add(new LeaseMove(e.getKey(), from, to));
      }
      // Grants and revokes first, so attachments below land on the batch's final leases.
      for (Map.Entry<Long, Long> e : o.leaseChanges.entrySet()) {
        if (e.getValue() == null) {
          s.leases.revoke(e.getKey());
        } else {
          s.leases.grant(e.getKey(), e.getValue());
        }
      }
      // etcd detaches a key from its old lease when a put gives it another one, or deletes it.
      for (LeaseMove m : moves) {
        if (m.from() != 0) {
          s.leases.detach(m.from(), m.key());
        }
        if (m.to() != 0) {
          s.leases.attach(m.to(), m.key());
        }
      }
      for (Map.Entry<AlarmMember, Boolean> e : o.alarmChanges.entrySet()) {
        if (e.getValue()) {
          s.alarms.add(e.getKey());
        } else {
          s.alarms.remove(e.getKey());
        }
      }
      s.liveBytes.addAndGet(writtenBytes);
      s.appliedIndex = appliedIndex;
      s.compactRev = o.compactRevision();
      s.currentRev = o.currentRevision();
    } finally {
      w.unlock();
    }
  }

  /**
   * Compacts the key index at {@code rev} (etcd does this synchronously when applying the Compaction
   * request) and returns the revisions the background removal must keep. The write lock is released
   * between chunks of keys: readers at or above the already published compaction revision get the same
   * answers from a partly compacted index.
   */
  static Set<Revision> compactIndex(SharedState s, long rev) {
    Lock w = s.lock.writeLock();
    w.lock();
    try {
      return s.index.compact(
          rev,
          () -> {
            w.unlock();
            w.lock();
          });
    } finally {
      w.unlock();
    }
  }
}
