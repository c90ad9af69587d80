package io.cairn.persistence.mvcc;

import io.cairn.api.etcdserverpb.AlarmMember;
import io.cairn.api.etcdserverpb.AlarmType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The LevelDB key layout. Every record family has its own one-byte prefix so that a family is one
 * contiguous key range (a revision scan is a single seek plus next()).
 *
 * <ul>
 *   <li>{@code 'r' main(8, big-endian) sub(8, big-endian) ['t']} → serialized mvccpb.KeyValue. Big-endian
 *       keeps LevelDB's bytewise order equal to revision order. The trailing {@code 't'} marks a tombstone,
 *       as etcd's {@code markTombstone} byte; its value is a KeyValue holding only the key.
 *   <li>{@code 'm' name} → internal meta (applied index, revisions of compaction, current revision).
 *   <li>{@code 'u' name} → member meta set through {@link ApplyBatch#putMeta}.
 *   <li>{@code 'l' id(8)} → granted TTL (8 bytes), etcd's "lease" bucket.
 *   <li>{@code 'a' memberId(8) type(4)} → empty, etcd's "alarm" bucket.
 * </ul>
 */
final class LevelDbKeys {
  static final byte REV = 'r';
  static final byte META = 'm';
  static final byte USER_META = 'u';
  static final byte LEASE = 'l';
  static final byte ALARM = 'a';
  static final byte TOMBSTONE_MARK = 't';

  static final int REV_KEY_LEN = 17;

  static final byte[] APPLIED_INDEX = meta("appliedIndex");
  static final byte[] CURRENT_REV = meta("currentRev");
  /** etcd's scheduledCompactRev: written in the same batch as the Compaction request is applied. */
  static final byte[] SCHEDULED_COMPACT = meta("scheduledCompactRev");
  /** etcd's finishedCompactRev: written when the background removal of old revisions is done. */
  static final byte[] FINISHED_COMPACT = meta("finishedCompactRev");

  private LevelDbKeys() {}

  static byte[] revKey(Revision rev, boolean tombstone) {
    ByteBuffer b = ByteBuffer.allocate(REV_KEY_LEN + (tombstone ? 1 : 0));
    b.put(REV).putLong(rev.main()).putLong(rev.sub());
    if (tombstone) {
      b.put(TOMBSTONE_MARK);
    }
    return b.array();
  }

  /** The first key at or after every record of main revision {@code main}. */
  static byte[] revSeek(long main) {
    return revKey(new Revision(main, 0), false);
  }

  static boolean isRevKey(byte[] key) {
    return key.length >= REV_KEY_LEN && key[0] == REV;
  }

  static boolean isTombstone(byte[] revKey) {
    return revKey.length == REV_KEY_LEN + 1 && revKey[REV_KEY_LEN] == TOMBSTONE_MARK;
  }

  static Revision parseRev(byte[] revKey) {
    ByteBuffer b = ByteBuffer.wrap(revKey, 1, 16);
    return new Revision(b.getLong(), b.getLong());
  }

  static byte[] meta(String name) {
    return prefixed(META, name.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] userMeta(String name) {
    return prefixed(USER_META, name.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] leaseKey(long id) {
    return ByteBuffer.allocate(9).put(LEASE).putLong(id).array();
  }

  static long leaseId(byte[] key) {
    return ByteBuffer.wrap(key, 1, 8).getLong();
  }

  static byte[] alarmKey(AlarmMember alarm) {
    return ByteBuffer.allocate(13)
        .put(ALARM)
        .putLong(alarm.getMemberID())
        .putInt(alarm.getAlarmValue())
        .array();
  }

  static AlarmMember parseAlarm(byte[] key) {
    ByteBuffer b = ByteBuffer.wrap(key, 1, 12);
    long member = b.getLong();
    int type = b.getInt();
    AlarmType t = AlarmType.forNumber(type);
    return AlarmMember.newBuilder()
        .setMemberID(member)
        .setAlarm(t == null ? AlarmType.NONE : t)
        .build();
  }

  /** The smallest key after every key that starts with {@code prefix}. */
  static byte[] prefixEnd(byte prefix) {
    return new byte[] {(byte) (prefix + 1)};
  }

  static boolean hasPrefix(byte[] key, byte prefix) {
    return key.length > 0 && key[0] == prefix;
  }

  static byte[] longBytes(long v) {
    return ByteBuffer.allocate(8).putLong(v).array();
  }

  static long bytesLong(byte[] v) {
    return ByteBuffer.wrap(v).getLong();
  }

  private static byte[] prefixed(byte prefix, byte[] rest) {
    byte[] out = new byte[rest.length + 1];
    out[0] = prefix;
    System.arraycopy(rest, 0, out, 1, rest.length);
    return out;
  }
}
