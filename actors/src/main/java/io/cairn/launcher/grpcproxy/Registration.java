package io.cairn.launcher.grpcproxy;

import akka.actor.typed.ActorSystem;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import com.google.protobuf.ByteString;
import io.cairn.api.etcdserverpb.LeaseGrantRequest;
import io.cairn.api.etcdserverpb.LeaseKeepAliveRequest;
import io.cairn.api.etcdserverpb.LeaseRevokeRequest;
import io.cairn.api.etcdserverpb.PutRequest;
import java.io.PrintStream;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code --resolver-prefix}: etcd 3.4's grpcproxy.Register. A session lease of {@code --resolver-ttl} seconds kept
 * alive (a keep-alive every third of the TTL, as concurrency.Session), the {@link ResolverEntry} put under it; when the
 * session ends (keep-alive stream lost, lease expired) a new one is made, at most one attempt a second (etcd's
 * registerRetryRate). Stopping revokes the lease, so the entry disappears at once.
 */
final class Registration {
  private static final Duration RETRY_DELAY = Duration.ofSeconds(1);
  private static final DateTimeFormatter CAPNSLOG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

  private final MemberClients members;
  private final Namespace ns;
  private final ResolverEntry entry;
  private final String key;
  private final long resolverTtlSeconds;
  private final PrintStream log;
  private final ActorSystem<?> system;
  private final AtomicLong leaseId = new AtomicLong();
  private volatile boolean stopped;

  Registration(MemberClients members, Namespace ns, String prefix, ResolverEntry entry, long resolverTtlSeconds,
      PrintStream log, ActorSystem<?> system) {
    this.members = members;
    this.ns = ns;
    this.entry = entry;
    this.key = ResolverEntry.key(prefix, entry.addr());
    this.resolverTtlSeconds = resolverTtlSeconds;
    this.log = log;
    this.system = system;
  }

  void start() {
    session().whenComplete((done, failure) -> {
      if (stopped) {
        return;
      }
      if (failure != null) {
        capnslog("W", "failed to create a session " + failure.getMessage());
      } else {
        capnslog("W", "session expired; possible network partition or server restart");
        capnslog("W", "creating a new session to rejoin");
      }
      system.scheduler().scheduleOnce(RETRY_DELAY, this::start, system.executionContext());
    });
  }

  /** Revokes the session's lease (concurrency.Session.Close); bounded, the proxy is going down. */
  CompletionStage<?> stop() {
    stopped = true;
    return members.lease.leaseRevoke().invoke(LeaseRevokeRequest.newBuilder().setID(leaseId.get()).build());
  }

  /** Completes when the session ends; fails when it could not be made. */
  private CompletionStage<?> session() {
    return members.lease.leaseGrant().invoke(LeaseGrantRequest.newBuilder().setTTL(resolverTtlSeconds).build())
        .thenCompose(grant -> {
          leaseId.set(grant.getID());
          PutRequest put = PutRequest.newBuilder()
              .setKey(ns.key(ByteString.copyFromUtf8(key)))
              .setValue(ByteString.copyFromUtf8(entry.json()))
              .setLease(grant.getID())
              .build();
          return members.kv.put().invoke(put).thenApply(ignored -> grant.getID());
        })
        .thenCompose(id -> {
          capnslog("I", "registered \"" + entry.addr() + "\" with " + resolverTtlSeconds + "-second lease");
          Duration every = Duration.ofMillis(Math.max(1, resolverTtlSeconds * 1000 / 3));
          LeaseKeepAliveRequest ping = LeaseKeepAliveRequest.newBuilder().setID(id).build();
          return members.lease.leaseKeepAlive()
              .invoke(Source.tick(Duration.ZERO, every, ping).mapMaterializedValue(c -> akka.NotUsed.getInstance())
                  .takeWhile(p -> !stopped))
              .takeWhile(r -> r.getTTL() > 0)
              .runWith(Sink.ignore(), system);
        });
  }

  /** etcd 3.4's capnslog line, as its grpcproxy package prints "registered ..." to stderr. */
  private void capnslog(String level, String message) {
    log.println(LocalDateTime.now().format(CAPNSLOG_TIME) + " " + level + " | grpcproxy: " + message);
  }
}
