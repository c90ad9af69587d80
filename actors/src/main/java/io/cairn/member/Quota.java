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

  private final LongSupplier dbSizeBytes;
  private final long quotaBytes;
  private final AlarmState alarms;

  public Quota(LongSupplier dbSizeBytes, long quotaBytes, AlarmState alarms) {
    this.dbSizeBytes = dbSizeBytes;
    this.quotaBytes = quotaBytes;
    this.alarms = alarms;
  }

  public Verdict check(InternalRaftRequest request) {
    long cost = cost(request);
    if (cost <= 0) {
      return Verdict.OK;
    }
    if (alarms.isActive(AlarmType.NOSPACE)) {
      return Verdict.ALARM_ACTIVE;
    }
    return dbSizeBytes.getAsLong() + cost < quotaBytes ? Verdict.OK : Verdict.EXCEEDED;
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
