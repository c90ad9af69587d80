package io.cairn.member;

import java.util.concurrent.atomic.AtomicLong;

/**
 * etcd's pkg/idutil.Generator: the member's low 16 bits, then 40 bits of the start time in ms, then an
 * 8-bit counter that carries into the time bits. Unique per member across restarts as long as a member
 * does not issue more than 256 IDs per ms on average over its lifetime, as in etcd.
 */
public final class RequestIdGenerator {
  private static final int TS_BITS = 40;
  private static final int COUNT_BITS = 8;
  private static final int SUFFIX_BITS = TS_BITS + COUNT_BITS;

  private final long prefix;
  private final AtomicLong suffix;

  public RequestIdGenerator(long memberId, long nowMillis) {
    this.prefix = (memberId & 0xFFFFL) << SUFFIX_BITS;
    this.suffix = new AtomicLong(lowBits(nowMillis, TS_BITS) << COUNT_BITS);
  }

  public long next() {
    return prefix | lowBits(suffix.incrementAndGet(), SUFFIX_BITS);
  }

  /** A lease ID as etcd's EtcdServer.LeaseGrant picks one: the next request ID, kept positive. */
  public long nextLeaseId() {
    long id;
    do {
      id = next() & Long.MAX_VALUE;
    } while (id == 0);
    return id;
  }

  private static long lowBits(long x, int bits) {
    return x & ((1L << bits) - 1);
  }
}
