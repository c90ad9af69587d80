package io.cairn.grpc.lease;

import akka.actor.typed.ActorSystem;
import akka.pattern.Patterns;
import io.cairn.member.ClusterInfo;
import io.cairn.member.EtcdError;
import io.cairn.member.MemberApi;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs a lease request on the leader, as etcd 3.4 does for LeaseRenew and LeaseTimeToLive
 * (etcdserver/v3_server.go): the leader answers locally; a follower waits for a leader (waitLeader), forwards
 * the request to it and retries on any failure until the request timeout (s.Cfg.ReqTimeout()), then fails
 * with "etcdserver: request timed out", or "etcdserver: no leader" if none was ever known.
 */
public final class LeaderForwarding {

  /** etcd's ReqTimeout with its defaults: 5 s + 2 × the 1 s election timeout. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(7);
  /** How long to wait before looking for a leader again, or retrying after a failed forward. */
  static final Duration RETRY_INTERVAL = Duration.ofMillis(100);

  private final MemberApi member;
  private final ActorSystem<?> system;
  private final Duration timeout;

  public LeaderForwarding(MemberApi member, ActorSystem<?> system, Duration timeout) {
    this.member = member;
    this.system = system;
    this.timeout = timeout;
  }

  /**
   * local on the leader; otherwise remote, given the leader (reached over the peers' link). local runs on the
   * caller's thread and may throw (an etcd error for the client).
   */
  public <T> CompletionStage<T> run(Supplier<T> local, Function<ClusterInfo.Member, CompletionStage<T>> remote) {
    return attempt(local, remote, System.nanoTime() + timeout.toNanos(), false);
  }

  private <T> CompletionStage<T> attempt(Supplier<T> local, Function<ClusterInfo.Member, CompletionStage<T>> remote,
      long deadlineNanos, boolean sawLeader) {
    long self = member.cluster().memberId();
    long leaderId = member.raftStatus().leaderId();
    if (leaderId == self) {
      try {
        return CompletableFuture.completedFuture(local.get());
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    }
    long remainingNanos = deadlineNanos - System.nanoTime();
    Optional<ClusterInfo.Member> leader = leaderId == 0 ? Optional.empty() : leader(leaderId);
    if (leader.isEmpty()) {
      // etcd waitLeader: no leader known (or not in this member's configuration yet): wait, then ErrNoLeader.
      return remainingNanos <= 0
          ? CompletableFuture.failedFuture((sawLeader ? EtcdError.TIMEOUT : EtcdError.NO_LEADER).exception())
          : later(() -> attempt(local, remote, deadlineNanos, sawLeader));
    }
    if (remainingNanos <= 0) {
      return CompletableFuture.failedFuture(EtcdError.TIMEOUT.exception());
    }
    CompletableFuture<T> result = new CompletableFuture<>();
    CompletableFuture<T> call;
    try {
      call = remote.apply(leader.get()).toCompletableFuture();
    } catch (RuntimeException e) {
      call = CompletableFuture.failedFuture(e);
    }
    call.orTimeout(remainingNanos, TimeUnit.NANOSECONDS).whenComplete((value, failure) -> {
      if (failure == null) {
        result.complete(value);
      } else {
        // Any failure (leader gone, connection lost, leader not leader any more): retry, as etcd's loop does.
        later(() -> attempt(local, remote, deadlineNanos, true)).whenComplete((v, f) -> {
          if (f == null) {
            result.complete(v);
          } else {
            result.completeExceptionally(f);
          }
        });
      }
    });
    return result;
  }

  private Optional<ClusterInfo.Member> leader(long leaderId) {
    return member.cluster().members().stream().filter(m -> m.id() == leaderId).findFirst();
  }

  private <T> CompletionStage<T> later(java.util.concurrent.Callable<CompletionStage<T>> next) {
    return Patterns.after(RETRY_INTERVAL, system.classicSystem().scheduler(), system.executionContext(), next);
  }
}
