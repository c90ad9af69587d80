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
import io.cairn.metrics.MemberMetrics;
import io.cairn.persistence.mvcc.MvccStore;
import io.cairn.api.raft.HardState;
import io.cairn.api.raft.SnapshotMeta;
import io.cairn.member.cluster.ClusterPlan;
import io.cairn.raft.LogCommand;
import io.cairn.raft.log.BatchingStats;
import io.cairn.raft.log.PersistentRaftLog;
import io.cairn.raft.node.RaftNode;
import io.cairn.raft.node.RaftNodeStatus;
import io.cairn.raft.node.RaftRole;
import io.cairn.raft.node.RaftSettings;
import io.cairn.raft.node.RaftSnapshots;
import io.cairn.raft.node.SnapshotSender;
import io.cairn.raft.snapshot.SnapshotReceiver;
import io.cairn.raft.snapshot.StoreSnapshotSender;
import akka.actor.typed.DispatcherSelector;
import io.cairn.raft.transport.ClusterTransport;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Cairn member: the store, the Raft node (its persistent log, the cluster transport), the applier, the watch
 * hub and the lessor, wired as etcd's EtcdServer. Every mutation goes {@link #propose} → Raft commit → the
 * applier; reads go to the store (linearizable ones after a ReadIndex). A single member is a one-voter Raft
 * cluster, as in etcd.
 */
public final class MemberNode implements MemberApi, AutoCloseable {
  /** The cluster version this member speaks, as etcd 3.4 publishes it. */
  public static final String CLUSTER_VERSION = "3.4";
  /** Bound on proposals waiting to be applied (beyond: TOO_MANY_REQUESTS). */
  public static final int MAX_IN_FLIGHT_PROPOSALS = 10_000;
  /** Linearizable reads waiting for the next ReadIndex round; as many as proposals may be in flight. */
  public static final int MAX_WAITING_READS = 10_000;
  /**
   * Entry bytes per AppendEntries (etcd's MaxSizePerMsg is 1 MiB). One message may exceed it by one entry (at
   * most --max-request-bytes), so the transport's frame must hold both: see {@link #maxRaftMessageBytes}.
   */
  public static final long MAX_APPEND_BYTES = 1L << 20;
  /** How often a member without a leader asks its peers whether it was removed. */
  static final Duration LEADERLESS_REMOVAL_CHECK = Duration.ofSeconds(5);
  /** Committed entries per applier batch, and entries per append/forwarded batch. */
  static final int MAX_BATCH_ENTRIES = 512;
  /** ReadIndex requests queued on the Raft node. */
  static final int MAX_PENDING_READS = 10_000;
  /**
   * Bound on opening (recovering) the Raft log, and on each write to it while starting: above the journal's own
   * 30 s recovery timeout.
   */
  static final Duration LOG_RECOVERY_TIMEOUT = Duration.ofSeconds(60);
  /** Pause before proposing this member's attributes again after a failed attempt. */
  static final Duration PUBLISH_RETRY_DELAY = Duration.ofMillis(500);

  private static final Logger SERVER_LOG = LoggerFactory.getLogger("etcdserver");
  private static final Logger MEMBERSHIP_LOG = LoggerFactory.getLogger("etcdserver/membership");
  private static final Logger API_LOG = LoggerFactory.getLogger("etcdserver/api");

  private final CairnConfig config;
  private final MvccStore store;
  private final Membership membership;
  private final long memberId;
  private final ServerLimits limits;
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
  private final MemberMetrics metrics;
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private final CompletableFuture<Void> ready = new CompletableFuture<>();
  private final CompletableFuture<Void> removed = new CompletableFuture<>();
  private Reconfiguration reconfiguration;
  /** The members as of the last configuration change (the Akka Cluster follows the difference). */
  private volatile List<ClusterInfo.Member> akkaMembers = List.of();
  private ClusterTransport transport;
  private ActorRef<MemberGuardian.Stop> guardian;
  private ActorRef<LogCommand> log;
  private volatile RaftNodeStatus raft;
  private volatile boolean closed;
  /** At most one {@link #askPeersWhetherRemoved} round at a time. */
  private final AtomicBoolean removalCheckRunning = new AtomicBoolean();

  private MemberNode(CairnConfig config, ActorSystem<?> system, MvccStore store, ClusterInfo cluster) {
    this.config = config;
    this.system = system;
    this.store = store;
    this.membership = new Membership(cluster);
    this.memberId = cluster.memberId();
    this.limits = new ServerLimits(config.maxRequestBytes(), config.maxTxnOps(), config.effectiveQuotaBackendBytes());
    this.requestTimeout = ProposalRegistry.requestTimeout(config.electionTimeoutMs());
    this.ids = new RequestIdGenerator(cluster.memberId(), System.currentTimeMillis());
    this.registry = new ProposalRegistry(MAX_IN_FLIGHT_PROPOSALS, requestTimeout);
    this.appliedIndex = new AppliedIndex(store.appliedIndex());
    this.alarms = new AlarmState(store.alarms());
    this.quota = new Quota(store::dbSizeBytes, limits.quotaBackendBytes(), alarms);
    this.callbackExecutor = system.executionContext();
    this.watchHub = new WatchHub(store, system);
    this.lessor = new Lessor(this, system, minLeaseTtlSeconds(config));
    this.reads = new ReadIndexBatcher(this::readIndex, appliedIndex, MAX_WAITING_READS);
    // read at scrape time only, once the member serves clients (raft is set by then)
    this.metrics = new MemberMetrics(this, () -> raft.isLeader(), registry);
  }

  /**
   * Opens the store under {@code <data-dir>/member/mvcc} and the Raft log (the system's journal, configured
   * with RaftLogSettings.forDataDir), starts the Raft node over the cluster transport and publishes this member's
   * attributes through the log; {@link #ready()} completes once they are applied, which needs a quorum.
   *
   * @param system created with ClusterSystemConfig.overlay(plan) for a multi-member plan
   * @throws IOException when the data dir cannot be created, or the store or the Raft log cannot be opened
   */
  public static MemberNode start(CairnConfig config, ClusterPlan plan, ActorSystem<?> system) throws IOException {
    return start(config, plan, null, system);
  }

  /**
   * As {@link #start(CairnConfig, ClusterPlan, ActorSystem)}; joined, when not null, is the cluster a new member
   * of an existing cluster (--initial-cluster-state existing) fetched from its peers: on a fresh data dir it
   * replaces what the flags describe, as etcd's GetClusterFromRemotePeers.
   *
   * @throws MemberRemovedException when the data dir says this member was removed from the cluster
   */
  public static MemberNode start(CairnConfig config, ClusterPlan plan, JoinedCluster joined, ActorSystem<?> system)
      throws IOException {
    Path memberDir = config.dataDir().resolve("member");
    Path mvccDir = memberDir.resolve("mvcc");
    Files.createDirectories(mvccDir);
    MvccStore store = MvccStore.open(mvccDir);
    try {
      boolean fresh = ClusterBootstrap.isFresh(store);
      ClusterInfo initial = fresh && joined != null ? joined.cluster() : ClusterBootstrap.fromPlan(plan);
      ClusterInfo cluster = ClusterBootstrap.recover(initial, store);
      MemberNode node = new MemberNode(config, system, store, cluster);
      if (fresh && joined != null) {
        node.membership.replace(new MembershipChanges.State(joined.cluster().members(), joined.removed()));
      }
      node.membership.recover(store);
      if (node.membership.current().members().stream().noneMatch(m -> m.id() == cluster.memberId())) {
        throw new MemberRemovedException();
      }
      PersistentRaftLog raftLog = openLog(system, node.membership.current(), store);
      if (config.forceNewCluster() && !fresh) {
        ForceNewCluster.appendRemovals(raftLog, node.membership.current(), store.appliedIndex());
      }
      node.raft = new RaftNodeStatus(cluster.memberId(), 0, raftLog.hardState().getTerm(), store.appliedIndex(),
          RaftRole.FOLLOWER);
      node.run(fresh, raftLog, ClusterTransport.start(system, cluster.clusterId(), cluster.memberId()), plan);
      return node;
    } catch (RuntimeException | IOException e) {
      store.close();
      throw e;
    }
  }

  /**
   * Opens the member's Raft log and gives a new one its starting point: etcd's bootstrap leaves a new member at
   * term 1 (so its first election makes term 2, as etcd reports); a store written before the log existed (a
   * pre-Raft data dir) starts the log at the store's applied index, as if it had been compacted there.
   */
  private static PersistentRaftLog openLog(ActorSystem<?> system, ClusterInfo cluster, MvccStore store)
      throws IOException {
    PersistentRaftLog log = await(PersistentRaftLog.open(system, cluster.memberId()), "open the raft log");
    boolean emptyLog = log.lastIndex() == 0 && log.snapshotMeta().getIndex() == 0;
    long applied = store.appliedIndex();
    if (emptyLog && applied > 0) {
      long appliedTerm = Applier.readTerm(store);
      SnapshotMeta.Builder point = SnapshotMeta.newBuilder().setIndex(applied).setTerm(appliedTerm);
      point.getConfStateBuilder().addAllVoters(cluster.members().stream().map(ClusterInfo.Member::id).toList());
      await(log.resetToSnapshot(point.build()), "start the raft log at the applied index");
      if (log.hardState().getTerm() < appliedTerm) {
        await(log.saveHardState(HardState.newBuilder().setTerm(appliedTerm).build()), "save the hard state");
      }
    } else if (emptyLog && log.hardState().getTerm() == 0) {
      await(log.saveHardState(HardState.newBuilder().setTerm(1).build()), "save the hard state");
    }
    return log;
  }

  /** Waits (bounded) for an operation on the Raft log while the member starts. */
  static <T> T await(CompletionStage<T> stage, String what) throws IOException {
    try {
      return stage.toCompletableFuture().get(LOG_RECOVERY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IOException("cannot " + what + ": " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IOException("cannot " + what + ": timed out after " + LOG_RECOVERY_TIMEOUT.toSeconds() + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while trying to " + what, e);
    }
  }

  private void run(boolean fresh, PersistentRaftLog raftLog, ClusterTransport transport, ClusterPlan plan) {
    ClusterInfo cluster = membership.current();
    this.transport = transport;
    transport.updatePeers(peerUrls(cluster));
    akkaMembers = cluster.members();
    this.reconfiguration = new Reconfiguration(membership, config.strictReconfigCheck(),
        AkkaPeerActivity.of(system, memberId), this::proposeConfChange, () -> raft.leaderId(), this::moveLeader);
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

      @Override
      public void snapshotInstalled(long revision) {
        // etcd applySnapshot: lessor.Recover, membership from the new backend (the applier read it), watchers
        // synced to the new store
        lessor.restore();
        onMembershipChanged(membership.state());
        watchHub.restored(revision);
      }

      @Override
      public void membershipChanged(MembershipChanges.State state) {
        onMembershipChanged(state);
      }
    };
    CompletableFuture<ActorRef<LogCommand>> logRef = new CompletableFuture<>();
    var applier =
        Applier.create(
            store, registry, appliedIndex, alarms, listener,
            new Applier.Identity(cluster.clusterId(), cluster.memberId()),
            membership,
            fresh ? ClusterBootstrap.meta(cluster, membership.state()) : Map.of(),
            // Told in apply order once the node is known (it is before any entry can commit).
            (index, configuration) -> logRef.thenAccept(node -> node.tell(new LogCommand.Applied(index, configuration))),
            Applier.StoreSync.ETCD_DEFAULTS);
    var compactor =
        AutoCompactor.fromConfig(
            config.autoCompactionMode(), config.autoCompactionRetention(), store::currentRevision,
            rev -> propose(InternalRaftRequest.newBuilder()
                .setCompaction(CompactionRequest.newBuilder().setRevision(rev)).build()));
    RaftSettings configured = raftSettings(config, cluster, appliedIndex.get(), transport.maxMessageBytes());
    // etcd's restartAsStandaloneNode: Raft runs with this member alone; the removals appended to the log make
    // the membership follow once applied.
    RaftSettings settings = config.forceNewCluster() && !fresh
        ? configured.withConfiguration(Set.of(cluster.memberId()), Set.of()) : configured;
    guardian =
        system.systemActorOf(
            MemberGuardian.create(
                applier,
                applierRef -> RaftNode.create(settings, raftLog, transport, applierRef.narrow(),
                    status -> {
                      metrics.leaderSeen(status.leaderId());
                      RaftNodeStatus before = raft;
                      raft = status;
                      if (status.leaderId() == 0 && before != null && before.leaderId() != 0) {
                        askPeersWhetherRemoved();
                      }
                    },
                    snapshots(applierRef)),
                compactor, logRef, stopped),
            "member-" + self, Props.empty());
    log = logRef.orTimeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS).join();
    lessor.start();
    if (!fresh) {
      askPeersWhetherRemoved(); // removed while it was down
    }
    publish(fresh);
  }

  /**
   * etcd's peers answer a removed member's Raft messages with 410 Gone and it stops ("the member has been permanently
   * removed from the cluster"). Here a member asks its peers whether they list it as removed when it (re)starts and
   * whenever it loses its leader, and again every {@link #LEADERLESS_REMOVAL_CHECK} while it has none: a member that
   * was down or cut off when its removal committed never gets that entry (the leader stops replicating to it), so it
   * would otherwise campaign forever.
   */
  private void askPeersWhetherRemoved() {
    if (closed || removed.isDone() || !removalCheckRunning.compareAndSet(false, true)) {
      return;
    }
    ClusterInfo cluster = membership.current();
    List<String> peers = peerUrls(cluster).entrySet().stream().filter(e -> e.getKey() != memberId)
        .map(Map.Entry::getValue).toList();
    RemoteMembership.watchForRemoval(system, cluster.clusterId(), memberId, peers, () -> {
      SERVER_LOG.warn("a peer reports this member as removed from cluster {}", MemberIds.hex(cluster.clusterId()));
      removed.complete(null);
    }).whenComplete((done, error) -> {
      removalCheckRunning.set(false);
      if (!closed && raft.leaderId() == 0) {
        system.scheduler().scheduleOnce(LEADERLESS_REMOVAL_CHECK, this::askPeersWhetherRemoved,
            system.executionContext());
      }
    });
  }

  /**
   * Raft §7 for this member: as leader it streams its store (written on the blocking dispatcher) to followers
   * behind its compacted log; as follower it receives chunks under member/snap and has the applier install the
   * file, queued behind every batch the node handed over before.
   */
  private RaftSnapshots snapshots(ActorRef<Object> applierRef) {
    Executor blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
    SnapshotSender sender = SnapshotTransferLog.sender(StoreSnapshotSender.forMember(
        config.dataDir(), SnapshotTransferLog.source(store::writeSnapshot), blocking));
    return new RaftSnapshots(sender, SnapshotReceiver.forMember(config.dataDir()), (file, meta) -> {
      CompletableFuture<Void> installed = new CompletableFuture<>();
      applierRef.tell(new Applier.Install(file, meta, installed));
      return installed;
    });
  }

  /**
   * Raft settings from etcd's flags: every initial member votes, time in heartbeat ticks, an AppendEntries below
   * the transport's largest message.
   */
  static RaftSettings raftSettings(CairnConfig config, ClusterInfo cluster, long appliedIndex, int maxMessageBytes) {
    io.cairn.raft.Configuration configuration = Membership.configuration(cluster.members());
    long appendBytes = Math.max(1, Math.min(MAX_APPEND_BYTES, maxMessageBytes - config.maxRequestBytes()));
    return new RaftSettings(
        cluster.memberId(), configuration.voters(), configuration.learners(), cluster.clusterId(),
        config.heartbeatIntervalMs(), config.electionTimeoutMs(),
        256, appendBytes, 32L << 20,
        MAX_BATCH_ENTRIES, appendBytes,
        MAX_IN_FLIGHT_PROPOSALS, MAX_PENDING_READS,
        appliedIndex, cluster.memberId() ^ ThreadLocalRandom.current().nextLong())
        .withSnapshotCount(snapshotCount(config), RaftSettings.DEFAULT_SNAPSHOT_CATCH_UP_ENTRIES);
  }

  /** etcd's --snapshot-count; 0 means etcd's default (etcdserver.DefaultSnapshotCount). */
  static long snapshotCount(CairnConfig config) {
    return config.snapshotCount() > 0 ? config.snapshotCount() : RaftSettings.DEFAULT_SNAPSHOT_COUNT;
  }

  /** The Artery frame a member needs so that any AppendEntries or forwarded batch fits (envelope headroom added). */
  public static long maxRaftMessageBytes(long maxRequestBytes) {
    return MAX_APPEND_BYTES + maxRequestBytes + (256L << 10);
  }

  /**
   * etcd's publish (and, on a fresh member, updateClusterVersion): both through the log, retried until applied
   * (a new cluster's members wait for a quorum). "ready to serve client requests" waits for them.
   */
  private void publish(boolean fresh) {
    ClusterInfo cluster = membership.current();
    String clusterHex = MemberIds.hex(cluster.clusterId());
    List<String> clientUrls = config.advertiseClientUrls().stream().map(URI::toString).toList();
    CompletableFuture<Void> published =
        proposeUntilApplied(LogEntry.newBuilder().setPublish(MemberAttributes.newBuilder()
            .setMemberId(cluster.memberId()).setName(cluster.name()).addAllClientUrls(clientUrls)).build());
    CompletableFuture<Void> version = CompletableFuture.completedFuture(null);
    if (fresh) {
      SERVER_LOG.info("setting up the initial cluster version to {}", CLUSTER_VERSION);
      version = proposeUntilApplied(LogEntry.newBuilder().setClusterVersion(CLUSTER_VERSION).build());
    }
    CompletableFuture<Void> versionDone = version;
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

  /** Proposes entry (a fresh request ID each attempt) until it is applied or the member stops. */
  private CompletableFuture<Void> proposeUntilApplied(LogEntry entry) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    attempt(entry, done);
    return done;
  }

  private void attempt(LogEntry entry, CompletableFuture<Void> done) {
    proposeEntry(entry.toBuilder()).whenComplete((response, error) -> {
      if (error == null) {
        done.complete(null);
      } else if (closed) {
        done.completeExceptionally(error);
      } else {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        SERVER_LOG.warn("publish error: {}", cause.getMessage());
        CompletableFuture.delayedExecutor(PUBLISH_RETRY_DELAY.toMillis(), TimeUnit.MILLISECONDS, callbackExecutor)
            .execute(() -> attempt(entry, done));
      }
    });
  }

  /**
   * A configuration change was applied (or a snapshot brought one): Raft messages reach the members now in it;
   * a removed member leaves the Akka Cluster (downed by the others, so a dead one goes too); this member, if
   * removed, stops (etcd's applyConfChange shouldStop).
   */
  private void onMembershipChanged(MembershipChanges.State state) {
    transport.updatePeers(peerUrls(membership.current()));
    AkkaMembership.follow(system, akkaMembers, membership.current(), state.removed());
    akkaMembers = membership.current().members();
    if (state.member(memberId).isEmpty() && state.removed().contains(memberId) && !removed.isDone()) {
      // etcd stops 1 s later (stopWithDelay) so the change's commit reaches the others first.
      CompletableFuture.delayedExecutor(REMOVED_STOP_DELAY.toMillis(), TimeUnit.MILLISECONDS)
          .execute(() -> removed.complete(null));
    }
  }

  /** etcd's stopWithDelay(10 * 100ms) after applying its own removal. */
  static final Duration REMOVED_STOP_DELAY = Duration.ofSeconds(1);

  private static Map<Long, String> peerUrls(ClusterInfo cluster) {
    Map<Long, String> urls = new java.util.HashMap<>();
    for (ClusterInfo.Member m : cluster.members()) {
      if (!m.peerUrls().isEmpty()) {
        urls.put(m.id(), m.peerUrls().get(0));
      }
    }
    return urls;
  }

  /** Completes when this member was removed from the cluster and must stop (etcd's ErrStopped after removal). */
  public CompletionStage<Void> removed() {
    return removed;
  }

  /** What this member tells a member joining the cluster (RemoteMembership). */
  public io.cairn.api.internal.MembershipReply membershipReply() {
    return RemoteMembership.reply(membership.current(), membership.state());
  }

  @Override
  public CompletionStage<Void> moveLeader(long targetId) {
    return LeaderTransfer.transfer(log, () -> raft.leaderId(), targetId, config.heartbeatIntervalMs(),
        requestTimeout, system.scheduler(), callbackExecutor);
  }

  /** Runtime reconfiguration (the Cluster service's MemberAdd/Remove/Update/Promote). */
  @Override
  public Reconfiguration reconfiguration() {
    return reconfiguration;
  }

  /** Proposes a configuration change; completes once it is applied here, or fails with etcd's error. */
  private CompletionStage<Void> proposeConfChange(io.cairn.api.internal.ConfChange change) {
    if (closed) {
      return CompletableFuture.failedFuture(EtcdError.STOPPED.exception());
    }
    LogEntry entry;
    CompletableFuture<Message> applied;
    try {
      entry = LogEntry.newBuilder().setId(ids.next()).setConfChange(change).build();
      applied = registry.register(entry.getId());
    } catch (EtcdException e) {
      return CompletableFuture.failedFuture(e);
    }
    log.tell(new LogCommand.ProposeConfChange(entry));
    return applied.thenApplyAsync(m -> (Void) null, callbackExecutor);
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

  /**
   * This member is a learner in the configuration it applied (etcd's IsLearner): the one answer for the learner
   * checks here, Status's IsLearner and the Cluster service's check (through raftStatus()), as in etcd. The Raft
   * node's role follows the same configuration, but only once the store has synced the change.
   */
  private boolean isLearner() {
    return membership.current().members().stream().anyMatch(m -> m.id() == memberId && m.learner());
  }

  @Override
  public ClusterInfo cluster() {
    return membership.current();
  }

  @Override
  public RaftStatus raftStatus() {
    RaftNodeStatus status = raft;
    long applied = appliedIndex.get();
    // The applier may be ahead of the last status told (the status is published when commit moves, the
    // applier follows); the commit index is never below what is applied.
    return new RaftStatus(
        status.leaderId(), status.term(), Math.max(status.commitIndex(), applied), applied,
        isLearner());
  }

  @Override
  public MvccStore store() {
    return store;
  }

  @Override
  public MemberMetrics metrics() {
    return metrics;
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
        .setClusterId(membership.current().clusterId())
        .setMemberId(memberId)
        .setRevision(revision)
        .setRaftTerm(raft.term())
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
    if (isLearner()) {
      throw EtcdError.NOT_SUPPORTED_FOR_LEARNER.exception();
    }
    InternalRaftRequest.Builder b = request.toBuilder();
    if (request.hasLeaseGrant()) {
      LeaseGrantRequest grant = request.getLeaseGrant();
      // etcd EtcdServer.LeaseGrant: the ID is chosen before proposing, so every member applies the same grant
      // (the TTL was bounded and raised to the minimum by LeaseGranter, the only maker of grants).
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
            .setAction(AlarmRequest.AlarmAction.ACTIVATE).setMemberID(memberId)
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
    if (isLearner()) {
      return CompletableFuture.failedFuture(EtcdError.NOT_SUPPORTED_FOR_LEARNER.exception());
    }
    return reads.read();
  }

  @Override
  public CompletionStage<Void> applyWait() {
    return appliedIndex.await(raftStatus().commitIndex());
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
    // Bounded by two election timeouts: a cluster losing its leader meanwhile commits nothing more, and a
    // member being stopped must not wait a whole request timeout for it.
    Duration drainTimeout = Duration.ofMillis(Math.max(1000, 2 * config.electionTimeoutMs()));
    if (raft.leaderId() != 0) {
      // Without a leader nothing more commits: do not wait for it.
      try {
        readIndex()
            .thenCompose(appliedIndex::await)
            .toCompletableFuture()
            .get(drainTimeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        SERVER_LOG.warn("stopping without draining all proposals: {}", e.toString());
      }
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
    SERVER_LOG.info("{}", BatchingStats.summary());
    store.close();
    metrics.close();
  }
}
