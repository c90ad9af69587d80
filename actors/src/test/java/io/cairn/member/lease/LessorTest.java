package io.cairn.member.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.cairn.member.EtcdError;
import io.cairn.member.EtcdException;
import io.cairn.persistence.mvcc.LeaseRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

class LessorTest {
  private static final long MIN_TTL = 2;

  /** A manual clock and a backend that records proposals and lets the test decide their outcome. */
  static final class Fixture implements LessorBackend {
    long nowNanos = 1_000_000_000L;
    boolean primary = true;
    final Map<Long, LeaseRecord> stored = new HashMap<>();
    final List<Long> proposed = new ArrayList<>();
    final Map<Long, CompletableFuture<Object>> pending = new HashMap<>();
    final Lessor lessor = new Lessor(this, () -> nowNanos, MIN_TTL, null);

    void advance(Duration d) {
      nowNanos += d.toNanos();
    }

    @Override
    public Map<Long, LeaseRecord> leases() {
      return stored;
    }

    @Override
    public Optional<LeaseRecord> lease(long leaseId) {
      return Optional.ofNullable(stored.get(leaseId));
    }

    @Override
    public boolean isPrimary() {
      return primary;
    }

    @Override
    public CompletionStage<?> proposeRevoke(long leaseId) {
      proposed.add(leaseId);
      CompletableFuture<Object> f = new CompletableFuture<>();
      pending.put(leaseId, f);
      return f;
    }

    /** What the applier does when a revoke commits. */
    void applyRevoke(long leaseId) {
      lessor.revoked(leaseId);
      pending.remove(leaseId).complete(null);
    }
  }

  @Test
  void expiredLeaseIsProposedExactlyOnceWhileInFlight() {
    Fixture f = new Fixture();
    f.lessor.granted(7, 5);
    f.advance(Duration.ofMillis(4_999));
    f.lessor.tick();
    assertEquals(List.of(), f.proposed);

    f.advance(Duration.ofMillis(1));
    f.lessor.tick();
    f.advance(Duration.ofMillis(500));
    f.lessor.tick();
    f.lessor.tick();
    assertEquals(List.of(7L), f.proposed, "one proposal while the first is in flight");

    f.applyRevoke(7);
    f.advance(Duration.ofSeconds(10));
    f.lessor.tick();
    assertEquals(List.of(7L), f.proposed);
    assertFalse(f.lessor.contains(7));
  }

  @Test
  void refreshedLeaseIsNotRevoked() {
    Fixture f = new Fixture();
    f.lessor.granted(7, 5);
    f.advance(Duration.ofSeconds(4));
    assertEquals(5, f.lessor.keepAlive(7));
    f.advance(Duration.ofSeconds(4));
    f.lessor.tick();
    assertEquals(List.of(), f.proposed);
    f.advance(Duration.ofSeconds(1));
    f.lessor.tick();
    assertEquals(List.of(7L), f.proposed);
  }

  @Test
  void failedRevokeIsRetriedAfterRetryInterval() {
    Fixture f = new Fixture();
    f.lessor.granted(7, 5);
    f.advance(Duration.ofSeconds(5));
    f.lessor.tick();
    f.pending.remove(7L).completeExceptionally(EtcdError.TIMEOUT.exception());
    f.advance(Duration.ofMillis(2_999));
    f.lessor.tick();
    assertEquals(List.of(7L), f.proposed);
    f.advance(Duration.ofMillis(1));
    f.lessor.tick();
    assertEquals(List.of(7L, 7L), f.proposed);
  }

  @Test
  void revokeFailingWithLeaseNotFoundForgetsTheLease() {
    Fixture f = new Fixture();
    f.lessor.granted(7, 5);
    f.advance(Duration.ofSeconds(5));
    f.lessor.tick();
    f.pending.remove(7L).completeExceptionally(EtcdError.LEASE_NOT_FOUND.exception());
    assertFalse(f.lessor.contains(7));
  }

  @Test
  void revocationsPerCheckAreRateLimited() {
    Fixture f = new Fixture();
    for (long id = 1; id <= Lessor.MAX_REVOKES_PER_CHECK + 10; id++) {
      f.lessor.granted(id, 5);
    }
    f.advance(Duration.ofSeconds(6));
    f.lessor.tick();
    assertEquals(Lessor.MAX_REVOKES_PER_CHECK, f.proposed.size());
    f.lessor.tick();
    assertEquals(Lessor.MAX_REVOKES_PER_CHECK + 10, f.proposed.size());
    assertEquals(Lessor.MAX_REVOKES_PER_CHECK + 10, f.proposed.stream().distinct().count());
  }

  @Test
  void nonPrimaryDoesNotRevokeAndPromotionRefreshesDeadlines() {
    Fixture f = new Fixture();
    f.lessor.granted(7, 5);
    f.primary = false;
    f.advance(Duration.ofSeconds(10));
    f.lessor.tick();
    assertEquals(List.of(), f.proposed);
    f.primary = true;
    f.lessor.tick();
    assertEquals(List.of(), f.proposed, "a new primary gives every lease a full TTL");
    f.advance(Duration.ofSeconds(5));
    f.lessor.tick();
    assertEquals(List.of(7L), f.proposed);
  }

  @Test
  void keepAliveAndTimeToLive() {
    Fixture f = new Fixture();
    ByteString a = ByteString.copyFromUtf8("a");
    ByteString b = ByteString.copyFromUtf8("b");
    f.stored.put(7L, new LeaseRecord(7, 10, Set.of(b, a)));
    f.lessor.granted(7, 10);
    f.advance(Duration.ofMillis(2_500));
    LeaseTimeToLive ttl = f.lessor.timeToLive(7, false).orElseThrow();
    assertEquals(7, ttl.remainingSeconds(), "7.5 s left reads 7, as Go's int64(d.Seconds())");
    assertEquals(10, ttl.grantedTtlSeconds());
    assertEquals(List.of(), ttl.keys());
    assertEquals(List.of(a, b), f.lessor.timeToLive(7, true).orElseThrow().keys());

    assertEquals(10, f.lessor.keepAlive(7));
    assertEquals(10, f.lessor.timeToLive(7, false).orElseThrow().remainingSeconds());
    assertTrue(f.lessor.timeToLive(8, false).isEmpty());
    EtcdException e = assertThrows(EtcdException.class, () -> f.lessor.keepAlive(8));
    assertEquals(EtcdError.LEASE_NOT_FOUND, e.error());
  }

  @Test
  void expiredLeaseCannotBeKeptAlive() {
    Fixture f = new Fixture();
    f.lessor.granted(7, 5);
    f.advance(Duration.ofSeconds(5));
    EtcdException e = assertThrows(EtcdException.class, () -> f.lessor.keepAlive(7));
    assertEquals(EtcdError.LEASE_NOT_FOUND, e.error());
  }

  @Test
  void ttlBelowMinimumIsRaised() {
    Fixture f = new Fixture();
    f.lessor.granted(7, 1);
    assertEquals(MIN_TTL, f.lessor.timeToLive(7, false).orElseThrow().grantedTtlSeconds());
    assertEquals(MIN_TTL, f.lessor.keepAlive(7));
    assertEquals(MIN_TTL, f.lessor.effectiveTtl(-5));
    assertEquals(30, f.lessor.effectiveTtl(30));
  }

  @Test
  void hugeTtlDoesNotOverflow() {
    Fixture f = new Fixture();
    f.lessor.granted(7, Lessor.MAX_TTL_SECONDS);
    f.advance(Duration.ofDays(365));
    f.lessor.tick();
    assertEquals(List.of(), f.proposed);
    assertTrue(f.lessor.timeToLive(7, false).orElseThrow().remainingSeconds() > 8_000_000_000L);
  }

  @Test
  void startRefreshesStoredLeases() {
    Fixture f = new Fixture();
    f.stored.put(1L, new LeaseRecord(1, 10, Set.of()));
    f.stored.put(2L, new LeaseRecord(2, 1, Set.of()));
    f.advance(Duration.ofHours(1));
    f.lessor.start();
    assertEquals(10, f.lessor.timeToLive(1, false).orElseThrow().remainingSeconds());
    assertEquals(MIN_TTL, f.lessor.timeToLive(2, false).orElseThrow().grantedTtlSeconds());
    assertEquals(List.of(2L, 1L), f.lessor.leaseIds(), "earliest deadline first");
    f.advance(Duration.ofSeconds(2));
    f.lessor.tick();
    assertEquals(List.of(2L), f.proposed);
  }

  @Test
  void restoreFromASnapshotTracksExactlyTheStoresLeasesWithFreshDeadlines() {
    Fixture f = new Fixture();
    f.lessor.granted(1, 5); // gone in the snapshot
    f.lessor.granted(2, 5); // still there, its deadline restarts
    f.advance(Duration.ofSeconds(5));
    f.lessor.tick();
    assertEquals(List.of(1L, 2L), f.proposed); // both revocations in flight

    f.stored.put(2L, new LeaseRecord(2, 5, Set.of()));
    f.stored.put(3L, new LeaseRecord(3, 1, Set.of())); // granted while this member was behind
    f.lessor.restore();
    assertFalse(f.lessor.contains(1));
    assertTrue(f.lessor.contains(2));
    assertTrue(f.lessor.contains(3));
    assertEquals(MIN_TTL, f.lessor.timeToLive(3, false).orElseThrow().grantedTtlSeconds(), "raised to the minimum TTL");

    f.advance(Duration.ofSeconds(MIN_TTL));
    f.lessor.tick();
    assertEquals(List.of(1L, 2L, 3L), f.proposed, "pending revocations were forgotten; only 3 expired yet");
    f.advance(Duration.ofSeconds(5 - MIN_TTL));
    f.lessor.tick();
    assertEquals(List.of(1L, 2L, 3L, 2L), f.proposed);
  }
}
