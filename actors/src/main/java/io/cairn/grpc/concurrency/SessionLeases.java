package io.cairn.grpc.concurrency;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The lease a server-side session runs on. etcd's v3lock/v3election build a concurrency.Session
 * WithLease(req.Lease) and orphan it (no keep-alive); with lease 0 NewSession grants a fresh lease of
 * defaultSessionTTL (60 s), which then simply expires.
 */
final class SessionLeases {
  /** clientv3/concurrency/session.go defaultSessionTTL. */
  static final long DEFAULT_SESSION_TTL_SECONDS = 60;

  private final ConcurrencyKv kv;

  SessionLeases(ConcurrencyKv kv) {
    this.kv = kv;
  }

  CompletionStage<Long> leaseFor(long requestedLeaseId) {
    if (requestedLeaseId != 0) {
      return CompletableFuture.completedFuture(requestedLeaseId);
    }
    return kv.grantLease(DEFAULT_SESSION_TTL_SECONDS);
  }
}
