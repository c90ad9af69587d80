package io.cairn.member;

import io.cairn.api.etcdserverpb.AlarmType;
import io.cairn.api.etcdserverpb.InternalRaftRequest;
import java.util.function.LongSupplier;

/**
 * etcd's quotaKVServer/quotaLeaseServer check before a proposal: a request that would grow the backend is
 * refused with NO_SPACE while the NOSPACE alarm is active, or when backend size + its cost reaches the
 * quota (etcd backendQuota.Available); in the latter case the caller raises the alarm.
 */
public final class Quota {

  /** The outcome of a check. */
  public enum Verdict {
    OK,
    /** NOSPACE already raised: refuse. */
    ALARM_ACTIVE,
    /** Over quota now: raise NOSPACE, then refuse. */
    EXCEEDED
  }

  /**
   * How long a measured backend size is used. etcd's quota reads bolt's size, which moves only when its batch
   * commits (every 100 ms by default); measuring the LevelDB directory costs a syscall per file, on every write.
   */
  static final long SIZE_REFRESH_NANOS = 100_000_000L;

  private final LongSupplier dbSizeBytes;
  private final long quotaBytes;
  private final AlarmState alarms;
  private final LongSupplier nanoTime;
  /** The last measurement, null before the first; racing refreshes only measure twice. */
  private volatile Measurement last;

  private record Measurement(long sizeBytes, long atNanos) {}

  public Quota(LongSupplier dbSizeBytes, long quotaBytes, AlarmState alarms) {
    this(dbSizeBytes, quotaBytes, alarms, System::nanoTime);
  }

  Quota(LongSupplier dbSizeBytes, long quotaBytes, AlarmState alarms, LongSupplier nanoTime) {
    this.dbSizeBytes = dbSizeBytes;
    this.quotaBytes = quotaBytes;
    this.alarms = alarms;
    this.nanoTime = nanoTime;
  }

  public Verdict check(InternalRaftRequest request) {
    long cost = cost(request);
    if (cost <= 0) {
      return Verdict.OK;
    }
    if (alarms.isActive(AlarmType.NOSPACE)) {
      return Verdict.ALARM_ACTIVE;
    }
    return sizeBytes() + cost < quotaBytes ? Verdict.OK : Verdict.EXCEEDED;
  }

  private long sizeBytes() {
    long now = nanoTime.getAsLong();
    Measurement m = last;
    if (m == null || now - m.atNanos() >= SIZE_REFRESH_NANOS) {
      m = new Measurement(dbSizeBytes.getAsLong(), now);
      last = m;
    }
    return m.sizeBytes();
  }

  static long cost(InternalRaftRequest r) {
    if (r.hasPut()) {
      return QuotaCost.put(r.getPut());
    }
    if (r.hasTxn()) {
      return QuotaCost.txn(r.getTxn());
    }
    if (r.hasLeaseGrant()) {
      return QuotaCost.lease();
    }
    return 0;
  }
}
