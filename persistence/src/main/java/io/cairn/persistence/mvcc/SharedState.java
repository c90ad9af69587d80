package io.cairn.persistence.mvcc;

import com.google.protobuf.ByteString;
import io.cairn.api.etcdserverpb.AlarmMember;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The committed in-memory state: key index, leases, alarms and revisions.
 *
 * <p>Locking: only the apply thread mutates it, always under the write lock, and only after the batch is
 * durable in LevelDB. Readers on other threads hold the read lock while they resolve a request against
 * the index, and take a LevelDB snapshot before they let go, so a later compaction cannot remove the
 * values they are about to read. The apply thread itself reads without the lock: nobody else writes.
 */
final class SharedState {
  final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  final TreeIndex index = new TreeIndex();
  final LeaseTable leases = new LeaseTable();
  final TreeSet<AlarmMember> alarms =
      new TreeSet<>(
          Comparator.comparing(AlarmMember::getMemberID, Long::compareUnsigned)
              .thenComparingInt(AlarmMember::getAlarmValue));

  /** etcd starts at revision 1: the first change is revision 2. */
  volatile long currentRev = 1;
  /** The compaction revision; -1 when never compacted (etcd's initial compactMainRev). */
  volatile long compactRev = -1;

  volatile long appliedIndex;
  /** Key + value bytes of the revision records on disk, for dbSizeInUse. */
  final AtomicLong liveBytes = new AtomicLong();

  /** The committed index as a view; hold the read lock, or be the apply thread. */
  IndexView view() {
    long cur = currentRev;
    long compact = compactRev;
    return new IndexView() {
      @Override
      public long currentRevision() {
        return cur;
      }

      @Override
      public long compactRevision() {
        return compact;
      }

      @Override
      public void forEachLive(KeyRange range, long atRev, LiveVisitor visitor) {
        for (Map.Entry<ByteString, KeyIndex> e : index.range(range).entrySet()) {
          KeyState s = e.getValue().get(atRev);
          if (s != null && !visitor.visit(e.getKey(), s)) {
            return;
          }
        }
      }
    };
  }

  List<AlarmMember> alarmList() {
    return List.copyOf(new ArrayList<>(alarms));
  }
}
