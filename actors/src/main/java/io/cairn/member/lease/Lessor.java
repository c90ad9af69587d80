package io.cairn.member.lease;

import akka.actor.Cancellable;
import com.google.protobuf.ByteString;
import io.cairn.member.EtcdError;
import io.cairn.member.EtcdException;
import io.cairn.persistence.mvcc.KeyOrder;
import io.cairn.persistence.mvcc.LeaseRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps leases' deadlines in memory (the records and their keys are in the store). Expired leases are
 * revoked through a proposal, never deleted behind the log's back, so every member applies the same
 * revocation (etcd's lessor: only the primary expires leases).
 *
 * <p>Thread-safety: the applier ({@link #granted}, {@link #revoked}), gRPC handlers ({@link #keepAlive},
 * {@link #timeToLive}) and the expiry timer all come in on different threads; every operation is a short
 * critical section on this object and never blocks inside it.
 */
public final class Lessor {
  private static final Logger log = LoggerFactory.getLogger(Lessor.class);

  /** etcd lease.MaxLeaseTTL: 9,000,000,000 seconds; larger grants fail with LEASE_TTL_TOO_LARGE. */
  public static final long MAX_TTL_SECONDS = 9_000_000_000L;

  /** etcd lessor.go: revokeExpiredLeases runs every 500 ms. */
  static final Duration EXPIRY_CHECK_INTERVAL = Duration.ofMillis(500);

  /** etcd lessor.go leaseRevokeRate = 1000/s, i.e. revokeLimit = leaseRevokeRate / 2 per 500 ms check. */
  static final int MAX_REVOKES_PER_CHECK = 500;

  /** Bounds the revocations proposed but not yet applied (etcd bounds them too: maxPendingRevokes). */
  static final int MAX_REVOKES_IN_FLIGHT = 1000;

  /** etcd lessor.go expiredLeaseRetryInterval: a failed revocation is retried this much later. */
  static final long REVOKE_RETRY_NANOS = Duration.ofSeconds(3).toNanos();

  private final LessorBackend backend;
  private final LongSupplier nanoClock;
  private final long minTtlSeconds;
  private final akka.actor.typed.ActorSystem<?> system;

  private final LeaseDeadlines deadlines = new LeaseDeadlines();
  /** Revocations proposed and not yet applied: id → no re-proposal before (Long.MAX_VALUE while pending). */
  private final Map<Long, Long> revokeNotBeforeNanos = new HashMap<>();

  private boolean wasPrimary = true;
  private Cancellable timer;

  /**
   * Built by the member; {@code member} is used to propose revocations of expired leases.
   *
   * @param minTtlSeconds etcd's minimum lease TTL: ceil(1.5 × election timeout)
   */
  public Lessor(io.cairn.member.MemberApi member, akka.actor.typed.ActorSystem<?> system, long minTtlSeconds) {
    this(new MemberLessorBackend(member), monotonicClock(), minTtlSeconds, system);
  }

  /** For tests: any backend and clock; with a null {@code system} nothing is scheduled, {@link #tick} drives. */
  Lessor(LessorBackend backend, LongSupplier nanoClock, long minTtlSeconds, akka.actor.typed.ActorSystem<?> system) {
    this.backend = backend;
    this.nanoClock = nanoClock;
    this.minTtlSeconds = minTtlSeconds;
    this.system = system;
  }

  /**
   * Called once the member has recovered its store and before it serves clients: every lease in the store
   * gets a fresh deadline of now + its TTL, as etcd's lessor Promote does after a restart.
   */
  public void start() {
    Map<Long, LeaseRecord> stored = backend.leases();
    synchronized (this) {
      track(stored);
      if (system != null && timer == null) {
        timer =
            system
                .scheduler()
                .scheduleWithFixedDelay(
                    EXPIRY_CHECK_INTERVAL, EXPIRY_CHECK_INTERVAL, this::scheduledTick, system.executionContext());
      }
    }
  }

  /**
   * The store was replaced by a snapshot (Raft §7; etcd applySnapshot → lessor.Recover): forget every lease
   * and pending revocation, and track exactly the store's leases, each with a fresh deadline of now + its TTL
   * (as after a restart: a follower never tracked the keep-alives sent to the leader).
   */
  public void restore() {
    Map<Long, LeaseRecord> stored = backend.leases();
    synchronized (this) {
      deadlines.clear();
      revokeNotBeforeNanos.clear();
      track(stored);
    }
  }

  /** Tracks each stored lease with a fresh deadline of now + its TTL. */
  private void track(Map<Long, LeaseRecord> stored) {
    long now = nanoClock.getAsLong();
    for (LeaseRecord lease : stored.values()) {
      deadlines.put(lease.id(), effectiveTtl(lease.ttlSeconds()), now);
    }
  }

  /** Stops the expiry timer. */
  public synchronized void stop() {
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
  }

  /** The applier calls this once a LeaseGrant is applied. */
  public synchronized void granted(long leaseId, long ttlSeconds) {
    deadlines.put(leaseId, effectiveTtl(ttlSeconds), nanoClock.getAsLong());
  }

  /** The applier calls this once a lease is revoked (by request or by expiry). */
  public synchronized void revoked(long leaseId) {
    deadlines.remove(leaseId);
    revokeNotBeforeNanos.remove(leaseId);
  }

  /** etcd's minimum lease TTL; shorter grants are raised to it. */
  public long minTtlSeconds() {
    return minTtlSeconds;
  }

  /** The TTL a grant of {@code requestedTtlSeconds} gets: etcd lessor.Grant raises it to minLeaseTTL. */
  public long effectiveTtl(long requestedTtlSeconds) {
    return Math.max(requestedTtlSeconds, minTtlSeconds);
  }

  /** Whether the lease is known (granted and not revoked). */
  public synchronized boolean contains(long leaseId) {
    return deadlines.contains(leaseId);
  }

  /**
   * Renews a lease: its deadline becomes now + its TTL, which is returned (etcd lessor.Renew). An unknown
   * lease, or one already expired (its revocation is on its way), is LEASE_NOT_FOUND: etcd's Renew waits
   * for such a lease's revocation and then answers ErrLeaseNotFound.
   */
  public synchronized long keepAlive(long leaseId) {
    LeaseDeadlines.Entry entry = deadlines.get(leaseId);
    long now = nanoClock.getAsLong();
    if (entry == null || entry.deadlineNanos() <= now) {
      throw EtcdError.LEASE_NOT_FOUND.exception();
    }
    deadlines.put(leaseId, entry.ttlSeconds(), now);
    return entry.ttlSeconds();
  }

  /** The lease's remaining and granted TTL (and keys if asked), or empty if unknown. */
  public Optional<LeaseTimeToLive> timeToLive(long leaseId, boolean withKeys) {
    long remainingSeconds;
    long grantedTtlSeconds;
    synchronized (this) {
      LeaseDeadlines.Entry entry = deadlines.get(leaseId);
      if (entry == null) {
        return Optional.empty();
      }
      // Go's int64(d.Seconds()) truncates toward zero; an expired lease not yet revoked reads 0 or negative.
      remainingSeconds = (entry.deadlineNanos() - nanoClock.getAsLong()) / 1_000_000_000L;
      grantedTtlSeconds = entry.ttlSeconds();
    }
    List<ByteString> keys = List.of();
    if (withKeys) {
      keys = new ArrayList<>(backend.lease(leaseId).map(LeaseRecord::keys).orElse(java.util.Set.of()));
      keys.sort(KeyOrder.UNSIGNED);
    }
    return Optional.of(new LeaseTimeToLive(leaseId, remainingSeconds, grantedTtlSeconds, List.copyOf(keys)));
  }

  /** Every known lease id, earliest deadline first (etcd lessor.Leases sorts by expiry). */
  public synchronized List<Long> leaseIds() {
    return deadlines.idsByDeadline();
  }

  /**
   * One expiry check (etcd lessor.revokeExpiredLeases): on the primary, proposes the revocation of up to
   * {@link #MAX_REVOKES_PER_CHECK} expired leases, none whose revocation is already in flight.
   */
  void tick() {
    List<Long> toRevoke;
    synchronized (this) {
      long now = nanoClock.getAsLong();
      boolean primary = backend.isPrimary();
      if (primary && !wasPrimary) {
        // etcd lessor.Promote: a new primary gives every lease a full TTL, since followers never tracked
        // keep-alives sent to the old leader.
        deadlines.refreshAll(now);
        revokeNotBeforeNanos.clear();
      }
      wasPrimary = primary;
      if (!primary) {
        return;
      }
      int budget = Math.min(MAX_REVOKES_PER_CHECK, MAX_REVOKES_IN_FLIGHT - pendingRevokes());
      if (budget <= 0) {
        return;
      }
      toRevoke =
          deadlines.expired(
              now, budget, id -> revokeNotBeforeNanos.getOrDefault(id, Long.MIN_VALUE) > now);
      for (long id : toRevoke) {
        revokeNotBeforeNanos.put(id, Long.MAX_VALUE);
      }
    }
    for (long id : toRevoke) {
      proposeRevoke(id);
    }
  }

  /** Akka stops a fixed-delay schedule whose task throws: one bad check must not end expiry for good. */
  private void scheduledTick() {
    try {
      tick();
    } catch (RuntimeException e) {
      log.warn("Lease expiry check failed; trying again in {}", EXPIRY_CHECK_INTERVAL, e);
    }
  }

  private int pendingRevokes() {
    int n = 0;
    for (long notBefore : revokeNotBeforeNanos.values()) {
      if (notBefore == Long.MAX_VALUE) {
        n++;
      }
    }
    return n;
  }

  private void proposeRevoke(long leaseId) {
    java.util.concurrent.CompletionStage<?> proposal;
    try {
      proposal = backend.proposeRevoke(leaseId);
    } catch (RuntimeException e) {
      revokeFailed(leaseId, e);
      return;
    }
    proposal.whenComplete(
        (ok, failure) -> {
          if (failure != null) {
            revokeFailed(leaseId, failure);
          }
          // On success the applier has already called revoked(leaseId).
        });
  }

  private synchronized void revokeFailed(long leaseId, Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    if (cause instanceof EtcdException e && e.error() == EtcdError.LEASE_NOT_FOUND) {
      // Revoked meanwhile by a client: nothing left to expire.
      deadlines.remove(leaseId);
      revokeNotBeforeNanos.remove(leaseId);
      return;
    }
    log.warn("Revoking expired lease {} failed; retrying in 3 s: {}", leaseId, cause.toString());
    if (revokeNotBeforeNanos.containsKey(leaseId)) {
      revokeNotBeforeNanos.put(leaseId, nanoClock.getAsLong() + REVOKE_RETRY_NANOS);
    }
  }

  private static LongSupplier monotonicClock() {
    long origin = System.nanoTime();
    // Nanos since the lessor was built: small and positive, so deadlines (now + up to 9e18 ns) don't overflow.
    return () -> System.nanoTime() - origin;
  }
}
