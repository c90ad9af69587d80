package io.cairn.persistence.mvcc;

import com.google.protobuf.ByteString;
import io.cairn.api.etcdserverpb.AlarmMember;
import io.cairn.api.mvccpb.Event;
import io.cairn.api.mvccpb.KeyValue;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An {@link ApplyBatch}'s uncommitted changes on top of the committed {@link SharedState}, readable as an
 * {@link IndexView} by the apply thread. Nothing here is visible to other threads; {@link
 * SharedState} only learns of it at commit.
 *
 * <p>Every mutation pushes its inverse on an undo log, so a request that fails half-way can be rolled back
 * to a {@link #mark()} and leave the batch as it was.
 */
final class Overlay implements IndexView {
  /** A write of the batch, as it will go to the LevelDB write batch; a null value is a delete. */
  record Write(byte[] key, byte[] value) {}

  /** A key changed in this batch: its committed index (or null) plus the batch's puts and deletes. */
  static final class PendingKey {
    record Op(Revision rev, boolean tombstone, long lease) {}

    final KeyIndex base;
    final List<Op> ops = new ArrayList<>(2);

    PendingKey(KeyIndex base) {
      this.base = base;
    }

    /** The key at {@code atRev}, which must be above the committed revision. */
    KeyState stateAt(long atRev, long committedRev) {
      KeyState s = base == null ? null : base.get(committedRev);
      for (Op op : ops) {
        if (op.rev().main() > atRev) {
          break;
        }
        if (op.tombstone()) {
          s = null;
        } else if (s == null) {
          s = new KeyState(op.rev(), op.rev().main(), 1);
        } else {
          s = new KeyState(op.rev(), s.created(), s.version() + 1);
        }
      }
      return s;
    }

    long committedLease() {
      return base != null && base.isLive() ? base.lease() : 0;
    }

    long latestLease() {
      if (ops.isEmpty()) {
        return committedLease();
      }
      Op last = ops.get(ops.size() - 1);
      return last.tombstone() ? 0 : last.lease();
    }
  }

  private final SharedState shared;
  private final ValueReader committedValues;
  final long committedRev;

  private long rev;
  private long compactRev;
  /** Main revision of the write txn in progress (etcd's beginRev + 1) and its next sub revision. */
  private long txnMain;
  private long txnSub;

  final TreeMap<ByteString, PendingKey> dirty = new TreeMap<>(KeyOrder.UNSIGNED);
  private final HashMap<Revision, KeyValue> values = new HashMap<>();
  final List<Write> writes = new ArrayList<>();
  /** Lease id → granted TTL, or null when revoked in this batch. */
  final Map<Long, Long> leaseChanges = new LinkedHashMap<>();
  /** Alarm → true when activated, false when deactivated. */
  final Map<AlarmMember, Boolean> alarmChanges = new LinkedHashMap<>();
  final List<Event> events = new ArrayList<>();
  private final Deque<Runnable> undo = new ArrayDeque<>();

  Overlay(SharedState shared, ValueReader committedValues) {
    this.shared = shared;
    this.committedValues = committedValues;
    this.committedRev = shared.currentRev;
    this.rev = committedRev;
    this.compactRev = shared.compactRev;
  }

  // ---------------------------------------------------------------- undo

  int mark() {
    return undo.size();
  }

  void rollback(int mark) {
    while (undo.size() > mark) {
      undo.pop().run();
    }
  }

  // ---------------------------------------------------------------- view

  @Override
  public long currentRevision() {
    return rev;
  }

  @Override
  public long compactRevision() {
    return compactRev;
  }

  @Override
  public void forEachLive(KeyRange range, long atRev, LiveVisitor visitor) {
    if (atRev <= committedRev || dirty.isEmpty()) {
      shared.view().forEachLive(range, atRev, visitor);
      return;
    }
    // Merge the committed keys of the range with the batch's changed keys, both in key order.
    Iterator<Map.Entry<ByteString, KeyIndex>> a = shared.index.range(range).entrySet().iterator();
    NavigableMap<ByteString, PendingKey> pending = range.selectFrom(dirty);
    Iterator<Map.Entry<ByteString, PendingKey>> b = pending.entrySet().iterator();
    Map.Entry<ByteString, KeyIndex> ea = a.hasNext() ? a.next() : null;
    Map.Entry<ByteString, PendingKey> eb = b.hasNext() ? b.next() : null;
    while (ea != null || eb != null) {
      int c =
          ea == null ? 1 : eb == null ? -1 : KeyOrder.UNSIGNED.compare(ea.getKey(), eb.getKey());
      ByteString key;
      KeyState s;
      if (c < 0) {
        key = ea.getKey();
        s = ea.getValue().get(atRev);
        ea = a.hasNext() ? a.next() : null;
      } else {
        key = eb.getKey();
        s = eb.getValue().stateAt(atRev, committedRev);
        eb = b.hasNext() ? b.next() : null;
        if (c == 0) {
          ea = a.hasNext() ? a.next() : null;
        }
      }
      if (s != null && !visitor.visit(key, s)) {
        return;
      }
    }
  }

  /** The key as of the batch's current revision, or null. */
  KeyState latest(ByteString key) {
    PendingKey pk = dirty.get(key);
    if (pk != null) {
      return pk.stateAt(Long.MAX_VALUE, committedRev);
    }
    KeyIndex ki = shared.index.get(key);
    return ki == null ? null : ki.get(committedRev);
  }

  KeyValue latestValue(ByteString key) {
    KeyState s = latest(key);
    return s == null ? null : read(s.modified());
  }

  KeyValue read(Revision r) {
    KeyValue kv = values.get(r);
    return kv != null ? kv : committedValues.read(r);
  }

  // ---------------------------------------------------------------- leases

  boolean leaseExists(long id) {
    if (leaseChanges.containsKey(id)) {
      return leaseChanges.get(id) != null;
    }
    return shared.leases.contains(id);
  }

  /** The keys attached to a lease as this batch leaves them, in key order. */
  TreeSet<ByteString> leaseKeys(long id) {
    TreeSet<ByteString> keys = new TreeSet<>(KeyOrder.UNSIGNED);
    // A lease granted or revoked in this batch has no committed keys that still hold it.
    if (!leaseChanges.containsKey(id)) {
      for (ByteString k : shared.leases.keys(id)) {
        if (!dirty.containsKey(k)) {
          keys.add(k);
        }
      }
    }
    for (Map.Entry<ByteString, PendingKey> e : dirty.entrySet()) {
      if (e.getValue().latestLease() == id) {
        keys.add(e.getKey());
      }
    }
    return keys;
  }

  void grantLease(long id, long ttl) {
    setLease(id, ttl);
    addWrite(LevelDbKeys.leaseKey(id), LevelDbKeys.longBytes(ttl));
  }

  void revokeLease(long id) {
    setLease(id, null);
    addWrite(LevelDbKeys.leaseKey(id), null);
  }

  private void setLease(long id, Long ttl) {
    boolean had = leaseChanges.containsKey(id);
    Long before = leaseChanges.put(id, ttl);
    undo.push(
        () -> {
          if (had) {
            leaseChanges.put(id, before);
          } else {
            leaseChanges.remove(id);
          }
        });
  }

  // ---------------------------------------------------------------- writes

  /** Starts a write txn: its changes share main revision rev+1 (etcd's storeTxnWrite). */
  void beginTxn() {
    txnMain = rev + 1;
    txnSub = 0;
  }

  /** The next revision of the txn in progress; the first change moves the batch's revision. */
  private Revision nextRevision() {
    if (txnSub == 0) {
      long before = rev;
      rev = txnMain;
      undo.push(() -> rev = before);
    }
    Revision r = new Revision(txnMain, txnSub++);
    undo.push(() -> txnSub--);
    return r;
  }

  void putKey(ByteString key, ByteString value, long lease) {
    KeyState prev = latest(key);
    PendingKey pk = pending(key);
    Revision r = nextRevision();
    KeyValue kv =
        KeyValue.newBuilder()
            .setKey(key)
            .setValue(value)
            .setCreateRevision(prev == null ? r.main() : prev.created())
            .setModRevision(r.main())
            .setVersion(prev == null ? 1 : prev.version() + 1)
            .setLease(lease)
            .build();
    addOp(pk, new PendingKey.Op(r, false, lease));
    values.put(r, kv);
    undo.push(() -> values.remove(r));
    addWrite(LevelDbKeys.revKey(r, false), kv.toByteArray());
    addEvent(Event.newBuilder().setType(Event.EventType.PUT).setKv(kv).build());
  }

  /** Deletes a live key: a tombstone record holding only the key, as etcd's {@code delete}. */
  void deleteKey(ByteString key) {
    PendingKey pk = pending(key);
    Revision r = nextRevision();
    addOp(pk, new PendingKey.Op(r, true, 0));
    addWrite(LevelDbKeys.revKey(r, true), KeyValue.newBuilder().setKey(key).build().toByteArray());
    // etcd's watchable store sets the deletion revision as the event kv's mod_revision.
    KeyValue kv = KeyValue.newBuilder().setKey(key).setModRevision(r.main()).build();
    addEvent(Event.newBuilder().setType(Event.EventType.DELETE).setKv(kv).build());
  }

  void compact(long revision) {
    long before = compactRev;
    compactRev = revision;
    undo.push(() -> compactRev = before);
    addWrite(LevelDbKeys.SCHEDULED_COMPACT, LevelDbKeys.longBytes(revision));
  }

  void alarm(AlarmMember alarm, boolean active) {
    boolean had = alarmChanges.containsKey(alarm);
    Boolean before = alarmChanges.put(alarm, active);
    undo.push(
        () -> {
          if (had) {
            alarmChanges.put(alarm, before);
          } else {
            alarmChanges.remove(alarm);
          }
        });
    addWrite(LevelDbKeys.alarmKey(alarm), active ? new byte[0] : null);
  }

  void addWrite(byte[] key, byte[] value) {
    writes.add(new Write(key, value));
    undo.push(() -> writes.remove(writes.size() - 1));
  }

  private PendingKey pending(ByteString key) {
    PendingKey pk = dirty.get(key);
    if (pk == null) {
      pk = new PendingKey(shared.index.get(key));
      dirty.put(key, pk);
      undo.push(() -> dirty.remove(key));
    }
    return pk;
  }

  private void addOp(PendingKey pk, PendingKey.Op op) {
    pk.ops.add(op);
    undo.push(() -> pk.ops.remove(pk.ops.size() - 1));
  }

  private void addEvent(Event e) {
    events.add(e);
    undo.push(() -> events.remove(events.size() - 1));
  }
}
