package io.cairn.member;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.AskPattern;
import com.google.protobuf.Message;
import io.cairn.api.etcdserverpb.AlarmRequest;
import io.cairn.api.etcdserverpb.AlarmType;
import io.cairn.api.etcdserverpb.CompactionRequest;
import io.cairn.api.etcdserverpb.InternalRaftRequest;
import io.cairn.api.etcdserverpb.LeaseGrantRequest;
import io.cairn.api.etcdserverpb.RequestHeader;
import io.cairn.api.etcdserverpb.ResponseHeader;
import io.cairn.api.internal.LogEntry;
import io.cairn.api.internal.MemberAttributes;
import io.cairn.api.mvccpb.Event;
import io.cairn.launcher.CairnConfig;
import io.cairn.member.lease.Lessor;
import io.cairn.member.watch.WatchHub;
import io.cairn.persistence.mvcc.MvccStore;
import io.cairn.raft.LogCommand;
import io.cairn.raft.TermPolicy;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Cairn member: the store, the consensus log, the applier, the watch hub and the lessor, wired as etcd's
 * EtcdServer. Every mutation goes {@link #propose} → commit → the applier; reads go to the store.
 */
public final class MemberNode implements MemberApi, AutoCloseable {
  /** The cluster version this member speaks, as etcd 3.4 publishes it. */
  public static final String CLUSTER_VERSION = "3.4";
  /** Bound on proposals waiting to be applied (beyond: TOO_MANY_REQUESTS). */
  public static final int MAX_IN_FLIGHT_PROPOSALS = 10_000;
  /** etcd lease.MaxLeaseTTL. */
  public static final long MAX_LEASE_TTL_SECONDS = 9_000_000_000L;

  private static final Logger SERVER_LOG = LoggerFactory.getLogger("etcdserver");
  private static final Logger RAFT_LOG = LoggerFactory.getLogger("raft");
  private static final Logger MEMBERSHIP_LOG = LoggerFactory.getLogger("etcdserver/membership");
  private static final Logger API_LOG = LoggerFactory.getLogger("etcdserver/api");

  private final CairnConfig config;
  private final MvccStore store;
  private final ClusterInfo cluster;
  private final ServerLimits limits;
  private final long term;
  private final Duration requestTimeout;
  private final RequestIdGenerator ids;
  private final ProposalRegistry registry;
  private final AppliedIndex appliedIndex;
  private final AlarmState alarms;
  private final Quota quota;
  private final Executor callbackExecutor;
  private final ActorSystem<?> system;
  private final WatchHub watchHub;
  private final Lessor lessor;
  private final ReadIndexBatcher reads;
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private final CompletableFuture<Void> ready = new CompletableFuture<>();
  private ActorRef<MemberGuardian.Stop> guardian;
  private ActorRef<LogCommand> log;
  private volatile boolean closed;

  private MemberNode(CairnConfig config, ActorSystem<?> system, MvccStore store, ClusterInfo cluster) {
    this.config = config;
    this.system = system;
    this.store = store;
    this.cluster = cluster;
    this.limits = new ServerLimits(config.maxRequestBytes(), config.maxTxnOps(), config.effectiveQuotaBackendBytes());
    this.term = TermPolicy.leaderTerm(Applier.readTerm(store));
    this.requestTimeout = ProposalRegistry.requestTimeout(config.electionTimeoutMs());
    this.ids = new RequestIdGenerator(cluster.memberId(), System.currentTimeMillis());
    this.registry = new ProposalRegistry(MAX_IN_FLIGHT_PROPOSALS, requestTimeout);
    this.appliedIndex = new AppliedIndex(store.appliedIndex());
    this.alarms = new AlarmState(store.alarms());
    this.quota = new Quota(store::dbSizeBytes, limits.quotaBackendBytes(), alarms);
    this.callbackExecutor = system.executionContext();
    this.watchHub = new WatchHub(store, system);
    this.lessor = new Lessor(this, system, minLeaseTtlSeconds(config));
    this.reads = new ReadIndexBatcher(this::readIndex, appliedIndex);
  }

  /**
   * Opens the store under {@code <data-dir>/member/mvcc}, recovers, becomes leader of its single-member
   * cluster and publishes its attributes; {@link #ready()} completes once they are applied.
   *
   * @throws IOException when the data dir cannot be created or the store cannot be opened
   */
  public static MemberNode start(CairnConfig config, ActorSystem<?> system) throws IOException {
    ClusterInfo initial = ClusterBootstrap.fromConfig(config);
    Path memberDir = config.dataDir().resolve("member");
    Path mvccDir = memberDir.resolve("mvcc");
    Files.createDirectories(mvccDir);
    MvccStore store = MvccStore.open(mvccDir);
    try {
      ClusterInfo cluster = ClusterBootstrap.recover(initial, store);
      MemberNode node = new MemberNode(config, system, store, cluster);
      node.run(ClusterBootstrap.isFresh(store));
      return node;
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
  }

  private void run(boolean fresh) {
    String self = MemberIds.hex(cluster.memberId());
    String clusterHex = MemberIds.hex(cluster.clusterId());
    if (fresh) {
      SERVER_LOG.info("starting member {} in cluster {}", self, clusterHex);
    } else {
      SERVER_LOG.info("restarting member {} in cluster {} at commit index {}", self, clusterHex, appliedIndex.get());
    }
    SERVER_LOG.info("starting server... [version: 3.4.23, cluster version: to_be_decided]");
    for (ClusterInfo.Member m : cluster.members()) {
      MEMBERSHIP_LOG.info("added member {} {} to cluster {}", MemberIds.hex(m.id()), m.peerUrls(), clusterHex);
    }
    if (!fresh) {
      MEMBERSHIP_LOG.info("set the initial cluster version to {}", CLUSTER_VERSION);
      API_LOG.info("enabled capabilities for version {}", CLUSTER_VERSION);
    }

    ApplyListener listener = new ApplyListener() {
      @Override
      public void applied(List<Event> events, long revision) {
        watchHub.publish(events, revision);
      }

      @Override
      public void leaseGranted(long leaseId, long ttlSeconds) {
        lessor.granted(leaseId, ttlSeconds);
      }

      @Override
      public void leaseRevoked(long leaseId) {
        lessor.revoked(leaseId);
      }
    };
    var applier =
        Applier.create(
            store, registry, appliedIndex, alarms, listener,
            new Applier.Identity(cluster.clusterId(), cluster.memberId()),
            minLeaseTtlSeconds(config), fresh ? ClusterBootstrap.meta(cluster) : Map.of());
    var compactor =
        AutoCompactor.fromConfig(
            config.autoCompactionMode(), config.autoCompactionRetention(), store::currentRevision,
            rev -> propose(InternalRaftRequest.newBuilder()
                .setCompaction(CompactionRequest.newBuilder().setRevision(rev)).build()));
    CompletableFuture<ActorRef<LogCommand>> logRef = new CompletableFuture<>();
    guardian =
        system.systemActorOf(
            MemberGuardian.create(applier, term, appliedIndex.get(), compactor, logRef, stopped),
            "member-" + self, Props.empty());
    log = logRef.orTimeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS).join();

    RAFT_LOG.info("{} became leader at term {}", self, term);
    RAFT_LOG.info("raft.node: {} elected leader {} at term {}", self, self, term);
    // A new leader's empty entry (Raft §5.4.2): commits the new term.
    log.tell(new LogCommand.Propose(LogEntry.getDefaultInstance()));
    lessor.start();
    publish(fresh);
  }

  /** etcd's publish (and, on a fresh cluster, updateClusterVersion): both through the log. */
  private void publish(boolean fresh) {
    String clusterHex = MemberIds.hex(cluster.clusterId());
    List<String> clientUrls = config.advertiseClientUrls().stream().map(URI::toString).toList();
    CompletableFuture<Message> published =
        proposeEntry(LogEntry.newBuilder().setPublish(MemberAttributes.newBuilder()
            .setMemberId(cluster.memberId()).setName(cluster.name()).addAllClientUrls(clientUrls)));
    CompletableFuture<Message> version = CompletableFuture.completedFuture(null);
    if (fresh) {
      SERVER_LOG.info("setting up the initial cluster version to {}", CLUSTER_VERSION);
      version = proposeEntry(LogEntry.newBuilder().setClusterVersion(CLUSTER_VERSION));
    }
    CompletableFuture<Message> versionDone = version;
    published
        .thenRun(() -> SERVER_LOG.info(
            "published {Name:{} ClientURLs:[{}]} to cluster {}", cluster.name(), String.join(" ", clientUrls),
            clusterHex))
        .thenCompose(v -> versionDone)
        .thenRun(() -> {
          if (fresh) {
            MEMBERSHIP_LOG.info("set the initial cluster version to {}", CLUSTER_VERSION);
            API_LOG.info("enabled capabilities for version {}", CLUSTER_VERSION);
          }
        })
        .whenComplete((v, e) -> {
          if (e != null) {
            ready.completeExceptionally(e);
          } else {
            ready.complete(null);
          }
        });
  }

  /** Completes once this member's attributes are published (etcd's ReadyNotify). */
  public CompletionStage<Void> ready() {
    return ready;
  }

  /** etcd's minimum lease TTL: ceil(1.5 election timeouts), computed in ticks as etcd does. */
  static long minLeaseTtlSeconds(CairnConfig config) {
    long heartbeatMs = Math.max(1, config.heartbeatIntervalMs());
    long electionTicks = config.electionTimeoutMs() / heartbeatMs;
    long minTtlMs = (3 * electionTicks / 2) * heartbeatMs;
    return (minTtlMs + 999) / 1000;
  }

  @Override
  public ClusterInfo cluster() {
    return cluster;
  }

  @Override
  public RaftStatus raftStatus() {
    // Single member: it leads, and what it commits it applies within one batch.
    long applied = appliedIndex.get();
    return new RaftStatus(cluster.memberId(), term, applied, applied, false);
  }

  @Override
  public MvccStore store() {
    return store;
  }

  @Override
  public WatchHub watchHub() {
    return watchHub;
  }

  @Override
  public Lessor lessor() {
    return lessor;
  }

  @Override
  public ServerLimits limits() {
    return limits;
  }

  @Override
  public ResponseHeader header() {
    return header(store.currentRevision());
  }

  @Override
  public ResponseHeader header(long revision) {
    return ResponseHeader.newBuilder()
        .setClusterId(cluster.clusterId())
        .setMemberId(cluster.memberId())
        .setRevision(revision)
        .setRaftTerm(term)
        .build();
  }

  @Override
  public CompletionStage<Message> propose(InternalRaftRequest request) {
    try {
      return proposeChecked(request);
    } catch (EtcdException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private CompletionStage<Message> proposeChecked(InternalRaftRequest request) {
    if (closed) {
      throw EtcdError.STOPPED.exception();
    }
    InternalRaftRequest.Builder b = request.toBuilder();
    if (request.hasLeaseGrant()) {
      LeaseGrantRequest grant = request.getLeaseGrant();
      // etcd EtcdServer.LeaseGrant: TTL bound checked, and the ID chosen, before proposing.
      if (grant.getTTL() > MAX_LEASE_TTL_SECONDS) {
        throw EtcdError.LEASE_TTL_TOO_LARGE.exception();
      }
      if (grant.getID() == 0) {
        b.setLeaseGrant(grant.toBuilder().setID(ids.nextLeaseId()));
      }
    }
    switch (quota.check(request)) {
      case OK -> {}
      case ALARM_ACTIVE -> throw EtcdError.NO_SPACE.exception();
      case EXCEEDED -> {
        // etcd quotaKVServer: raise NOSPACE for this member, and refuse.
        propose(InternalRaftRequest.newBuilder().setAlarm(AlarmRequest.newBuilder()
            .setAction(AlarmRequest.AlarmAction.ACTIVATE).setMemberID(cluster.memberId())
            .setAlarm(AlarmType.NOSPACE)).build());
        throw EtcdError.NO_SPACE.exception();
      }
    }
    long id = ids.next();
    b.setHeader(RequestHeader.newBuilder(request.getHeader()).setID(id));
    LogEntry entry = LogEntry.newBuilder().setId(id).setRequest(b).build();
    if (entry.getSerializedSize() > limits.maxRequestBytes()) {
      throw EtcdError.REQUEST_TOO_LARGE.exception();
    }
    return submit(entry);
  }

  private CompletableFuture<Message> proposeEntry(LogEntry.Builder entry) {
    if (closed) {
      return CompletableFuture.failedFuture(EtcdError.STOPPED.exception());
    }
    try {
      return submit(entry.setId(ids.next()).build());
    } catch (EtcdException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private CompletableFuture<Message> submit(LogEntry entry) {
    CompletableFuture<Message> applied = registry.register(entry.getId());
    log.tell(new LogCommand.Propose(entry));
    // Callers' continuations must not run on the applier's thread, which completes this future.
    return applied.thenApplyAsync(Function.identity(), callbackExecutor);
  }

  @Override
  public CompletionStage<Void> linearizableRead() {
    if (closed) {
      return CompletableFuture.failedFuture(EtcdError.STOPPED.exception());
    }
    return reads.read();
  }

  private CompletionStage<Long> readIndex() {
    return AskPattern.<LogCommand, LogCommand.ReadIndexReply>ask(
            log, LogCommand.ReadIndex::new, requestTimeout, system.scheduler())
        .handle((reply, error) -> {
          if (error != null) {
            throw error instanceof TimeoutException || error.getCause() instanceof TimeoutException
                ? EtcdError.TIMEOUT.exception()
                : new CompletionException(error);
          }
          return reply.commitIndex();
        });
  }

  /**
   * Stops accepting proposals, waits (bounded) until everything already proposed is applied, stops the
   * lessor and the actors, then closes the store.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    Duration drainTimeout = requestTimeout;
    try {
      readIndex()
          .thenCompose(appliedIndex::await)
          .toCompletableFuture()
          .get(drainTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      SERVER_LOG.warn("stopping without draining all proposals: {}", e.toString());
    }
    try {
      lessor.stop();
    } catch (RuntimeException e) {
      SERVER_LOG.warn("stopping the lessor failed: {}", e.toString());
    }
    registry.close();
    appliedIndex.failAll(EtcdError.STOPPED.exception());
    if (guardian != null) {
      guardian.tell(MemberGuardian.Stop.INSTANCE);
      try {
        stopped.get(drainTimeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        SERVER_LOG.warn("the member's actors did not stop in time: {}", e.toString());
      }
    }
    store.close();
  }

  /** For tests and the launcher: the term this member leads at. */
  public long term() {
    return term;
  }

  Optional<ActorRef<LogCommand>> logRef() {
    return Optional.ofNullable(log);
  }
}
