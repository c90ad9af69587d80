package io.cairn.member;

import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import com.google.protobuf.Message;
import io.cairn.api.etcdserverpb.AlarmMember;
import io.cairn.api.etcdserverpb.AlarmRequest;
import io.cairn.api.etcdserverpb.AlarmResponse;
import io.cairn.api.etcdserverpb.AlarmType;
import io.cairn.api.etcdserverpb.EmptyResponse;
import io.cairn.api.etcdserverpb.InternalRaftRequest;
import io.cairn.api.etcdserverpb.LeaseGrantResponse;
import io.cairn.api.etcdserverpb.LeaseRevokeResponse;
import io.cairn.api.etcdserverpb.ResponseHeader;
import io.cairn.api.internal.LogEntry;
import io.cairn.api.internal.MemberAttributes;
import io.cairn.persistence.mvcc.ApplyBatch;
import io.cairn.persistence.mvcc.MvccException;
import io.cairn.persistence.mvcc.MvccStore;
import io.cairn.raft.log.BatchingStats;
import io.cairn.raft.Committed;
import io.cairn.raft.CommittedEntry;
import io.cairn.api.raft.SnapshotMeta;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single applier (etcd's applierV3 on the apply loop): applies each committed batch to the store as one
 * write batch, answers the proposals, publishes the events and tells the lessor; it syncs the store at most
 * {@link StoreSync#interval} later (once for all batches in between, as etcd's backend batches its commits) and
 * only then tells the Raft node the applied index (see onCommitted for why answering before the sync is safe). Runs
 * on its own one-thread dispatcher ({@link #DISPATCHER}) so apply never competes with gRPC.
 *
 * <p>Its messages: {@link Committed} batches from the Raft node, and {@link Install} (a snapshot received from
 * the leader, Raft §7), which the node sends after every batch it handed over before, so the install sees the
 * store exactly as those batches left it. Accepts {@code Object}: Committed belongs to the raft package.
 */
public final class Applier extends AbstractBehavior<Object> {
  public static final String DISPATCHER = "cairn.applier-dispatcher";
  /**
   * Store meta: the term of the last applied entry, 8 bytes big-endian. The Raft log holds the hard state; this
   * only lets a data dir written before Raft start its log at the store's applied index.
   */
  public static final String META_TERM = "raft/term";
  public static final String META_CLUSTER_VERSION = "cluster/version";

  private static final Logger LOG = LoggerFactory.getLogger(Applier.class);
  /** etcd's etcdserver logger: the snapshot lines an operator greps for are etcd's. */
  private static final Logger SERVER_LOG = LoggerFactory.getLogger("etcdserver");

  /**
   * Replace the store by the snapshot in file (taken by the leader at meta.index), then complete done; done
   * fails (the store unchanged) when the file cannot be installed.
   */
  public record Install(Path file, SnapshotMeta meta, CompletableFuture<Void> done) {}

  /** Static parts of the header; revision and raft_term are filled per response. */
  public record Identity(long clusterId, long memberId) {}

  private record Outcome(long id, Message response, RuntimeException error) {}

  private record LeaseChange(long leaseId, long ttlSeconds, boolean granted) {}

  private final MvccStore store;
  private final ProposalRegistry registry;
  private final AppliedIndex appliedIndex;
  private final AlarmState alarmState;
  private final ApplyListener listener;
  private final Identity identity;
  private final AppliedSink appliedSink;
  private final Membership membership;

  /**
   * Told the applied index after each durable batch and each installed snapshot, with the Raft configuration
   * when that batch changed it (or a snapshot was installed), else null.
   */
  public interface AppliedSink {
    void applied(long index, io.cairn.raft.Configuration configuration);
  }
  /**
   * When the store is synced: at most {@code interval} after a batch was applied, or at once when
   * {@code maxUnsyncedEntries} entries wait (etcd's backend commits every --backend-batch-interval, 100 ms, or
   * --backend-batch-limit, 10000, changes). Between syncs the batches sit in LevelDB's log in the OS page cache:
   * they survive a killed process, and after a power loss the Raft log still holds them (see syncAndRelease).
   */
  public record StoreSync(Duration interval, int maxUnsyncedEntries) {
    public static final StoreSync ETCD_DEFAULTS = new StoreSync(Duration.ofMillis(100), 10_000);
  }

  /** The store sync's timer fired. */
  private enum SyncDue {
    INSTANCE
  }

  private Map<String, byte[]> pendingMeta;
  private long persistedTerm;
  private final StoreSync storeSync;
  private final TimerScheduler<Object> timers;

  /**
   * The applier of a member whose configuration is membership (changed by applied CONF_CHANGE entries).
   *
   * @param appliedSink told the applied index after each durable batch and each installed snapshot (the
   *     member forwards it to the Raft node as LogCommand.Applied, which drives log compaction, Raft §7)
   * @param storeSync when the store syncs ({@link StoreSync#ETCD_DEFAULTS} in a member)
   */
  static Behavior<Object> create(
      MvccStore store,
      ProposalRegistry registry,
      AppliedIndex appliedIndex,
      AlarmState alarmState,
      ApplyListener listener,
      Identity identity,
      Membership membership,
      Map<String, byte[]> bootstrapMeta,
      AppliedSink appliedSink,
      StoreSync storeSync) {
    return Behaviors.withTimers(timers -> Behaviors.setup(
        ctx ->
            new Applier(
                ctx, store, registry, appliedIndex, alarmState, listener, identity, membership,
                bootstrapMeta, appliedSink, storeSync, timers)));
  }

  private Applier(
      ActorContext<Object> context,
      MvccStore store,
      ProposalRegistry registry,
      AppliedIndex appliedIndex,
      AlarmState alarmState,
      ApplyListener listener,
      Identity identity,
      Membership membership,
      Map<String, byte[]> bootstrapMeta,
      AppliedSink appliedSink,
      StoreSync storeSync,
      TimerScheduler<Object> timers) {
    super(context);
    this.storeSync = storeSync;
    this.timers = timers;
    this.membership = membership;
    this.appliedSink = appliedSink;
    this.store = store;
    this.registry = registry;
    this.appliedIndex = appliedIndex;
    this.alarmState = alarmState;
    this.listener = listener;
    this.identity = identity;
    this.pendingMeta = Map.copyOf(bootstrapMeta);
    this.persistedTerm = readTerm(store);
  }

  /** The term of the last applied entry, 0 on a fresh store. */
  public static long readTerm(MvccStore store) {
    return store.meta(META_TERM).map(b -> ByteBuffer.wrap(b).getLong()).orElse(0L);
  }

  @Override
  public Receive<Object> createReceive() {
    return newReceiveBuilder()
        .onMessage(Committed.class, this::onCommitted)
        .onMessage(Install.class, this::onInstall)
        .onMessage(SyncDue.class, due -> {
          syncNow(null);
          return this;
        })
        .build();
  }

  /**
   * Raft §7 receiver step 8, etcd's applySnapshot: the store becomes the leader's snapshot, then everything
   * derived from the store is rebuilt from it (alarms, leases, membership, watchers) before the applied index
   * moves and the node hears of it.
   */
  private Behavior<Object> onInstall(Install install) {
    long index = install.meta().getIndex();
    SERVER_LOG.info("applying snapshot at index {}...", appliedIndex.get());
    try {
      store.installSnapshot(install.file());
    } catch (IOException | RuntimeException e) {
      // installSnapshot verifies the file before touching the store: it is as it was; the leader starts over.
      LOG.warn("installing the snapshot at index {} failed; the store is unchanged: {}", index, e.toString());
      install.done().completeExceptionally(e);
      return this;
    }
    SERVER_LOG.info("raft applied incoming snapshot at index {}", index);
    // The snapshot carries the leader's meta: this member's own identity goes back at once (same index).
    try (ApplyBatch own = store.beginApply()) {
      ClusterBootstrap.identityMeta(identity.clusterId(), identity.memberId()).forEach(own::putMeta);
      own.commit(index, true);
    }
    timers.cancel(SyncDue.INSTANCE); // the synced commit above covers what was applied before
    // The snapshot's configuration is newer than what a fresh member was bootstrapped with: never write that over it.
    pendingMeta = Map.of();
    membership.recover(store);
    persistedTerm = readTerm(store);
    alarmState.replace(new LinkedHashSet<>(store.alarms()));
    listener.snapshotInstalled(store.currentRevision());
    appliedIndex.advance(index);
    SERVER_LOG.info("finished applying incoming snapshot at index {}", index);
    install.done().complete(null);
    appliedSink.applied(index, Membership.configuration(membership.current().members()));
    return this;
  }

  private Behavior<Object> onCommitted(Committed batch) {
    if (batch.lastIndex() <= appliedIndex.get()) {
      return this; // already applied (a replayed batch): apply at most once
    }
    List<Outcome> outcomes = new ArrayList<>(batch.entries().size());
    List<LeaseChange> leaseChanges = new ArrayList<>();
    List<MemberAttributes> published = new ArrayList<>();
    MembershipChanges.State[] configuration = {membership.state()};
    MembershipChanges.State before = configuration[0];
    Set<AlarmMember> alarms = new LinkedHashSet<>(alarmState.active());
    ApplyBatch tx = store.beginApply();
    try {
      for (CommittedEntry e : batch.entries()) {
        if (e.index() <= appliedIndex.get()) {
          continue;
        }
        outcomes.add(e.entry().hasConfChange()
            ? applyConfChange(tx, e, configuration)
            : applyEntry(tx, e, alarms, leaseChanges, published));
      }
      pendingMeta.forEach(tx::putMeta);
      if (batch.lastTerm() != persistedTerm) {
        tx.putMeta(META_TERM, ByteBuffer.allocate(8).putLong(batch.lastTerm()).array());
      }
      // Written unsynced: readers see it at once, and the clients are answered before the store's fsync. That
      // is safe because committed entries are already fsynced in the Raft log (a quorum's): after a power loss
      // the store restarts at its durable applied index and the entries above it are applied again from the
      // log. The rule that makes this hold: the log is compacted only up to what the store has synced, so the
      // applied index reaches the Raft node (appliedSink) only after syncAndRelease below.
      tx.commit(batch.lastIndex(), false);
    } catch (RuntimeException fatal) {
      // etcd panics when the backend cannot commit; the member cannot go on with a store in doubt.
      LOG.error("applying entries {}..{} failed; the applier stops", batch.firstIndex(), batch.lastIndex(), fatal);
      tx.close();
      outcomes.forEach(o -> registry.fail(o.id, EtcdError.STOPPED.exception()));
      throw fatal;
    }
    pendingMeta = Map.of();
    persistedTerm = batch.lastTerm();
    alarmState.replace(alarms);
    // The membership shows the batch before its proposals are answered (etcd applies publish and conf changes
    // before triggering the waiters): a member whose publish was answered is listed with its name.
    boolean reconfigured = configuration[0] != before;
    if (reconfigured) {
      membership.replace(configuration[0]);
      listener.membershipChanged(configuration[0]);
    }
    published.forEach(membership::published);
    appliedIndex.advance(batch.lastIndex());
    for (Outcome o : outcomes) {
      if (o.error != null) {
        registry.fail(o.id, o.error);
      } else {
        registry.complete(o.id, o.response);
      }
    }
    listener.applied(tx.events(), tx.revision());
    for (LeaseChange c : leaseChanges) {
      if (c.granted) {
        listener.leaseGranted(c.leaseId, c.ttlSeconds);
      } else {
        listener.leaseRevoked(c.leaseId);
      }
    }
    syncAndRelease(reconfigured ? configuration[0] : null);
    return this;
  }

  /**
   * etcd's applyConfChange: validated against the configuration as of this entry; an invalid one changes
   * nothing and its request gets the error. A conf_change in a NORMAL entry is one the leader refused because
   * another change was still unapplied.
   */
  private Outcome applyConfChange(ApplyBatch tx, CommittedEntry e, MembershipChanges.State[] configuration) {
    long id = e.entry().getId();
    var change = e.entry().getConfChange();
    if (!e.confChange()) {
      EtcdError refusal = change.getRefusal() == io.cairn.api.internal.ConfChange.Refusal.LEARNER_NOT_READY
          ? EtcdError.LEARNER_NOT_READY : EtcdError.UNHEALTHY;
      return new Outcome(id, null, refusal.exception());
    }
    var refused = MembershipChanges.validate(configuration[0], change);
    if (refused.isPresent()) {
      LOG.info("configuration change at index {} refused: {}", e.index(), refused.get().message());
      return new Outcome(id, null, refused.get().exception());
    }
    configuration[0] = MembershipChanges.apply(configuration[0], change);
    tx.putMeta(Membership.META_MEMBERS, Membership.toProto(configuration[0]).toByteArray());
    return new Outcome(id, EmptyResponse.getDefaultInstance(), null);
  }

  /**
   * The store's durability point (see MvccStore.sync): only once the store has synced an entry may the Raft log
   * forget it (Raft §7, etcd's triggerSnapshot), so the node hears the applied index only then. Synced at once
   * when the batch changed the configuration (it takes effect when the node hears it) or enough entries wait;
   * otherwise within {@link StoreSync#interval}.
   */
  private void syncAndRelease(MembershipChanges.State newConfiguration) {
    if (newConfiguration != null || unsyncedEntries() >= storeSync.maxUnsyncedEntries()) {
      syncNow(newConfiguration);
    } else if (!timers.isTimerActive(SyncDue.INSTANCE)) {
      timers.startSingleTimer(SyncDue.INSTANCE, storeSync.interval());
    }
  }

  /** Log entries are applied in index order without gaps, so the unsynced ones are the indexes in between. */
  private long unsyncedEntries() {
    return store.appliedIndex() - store.syncedAppliedIndex();
  }

  private void syncNow(MembershipChanges.State newConfiguration) {
    timers.cancel(SyncDue.INSTANCE);
    long index = store.appliedIndex();
    if (index == store.syncedAppliedIndex()) {
      return;
    }
    try {
      BatchingStats.storeBatch(unsyncedEntries());
      store.sync();
    } catch (RuntimeException fatal) {
      // etcd panics when the backend cannot commit. The answered entries are durable in the Raft log.
      LOG.error("syncing the store at index {} failed; the applier stops", index, fatal);
      throw fatal;
    }
    // durable: the log may forget it (Raft §7, etcd's triggerSnapshot); a new configuration takes effect
    appliedSink.applied(index,
        newConfiguration != null ? Membership.configuration(newConfiguration.members()) : null);
  }

  private Outcome applyEntry(
      ApplyBatch tx, CommittedEntry e, Set<AlarmMember> alarms, List<LeaseChange> leases,
      List<MemberAttributes> published) {
    LogEntry entry = e.entry();
    try {
      Message response =
          switch (entry.getPayloadCase()) {
            case REQUEST -> applyRequest(tx, e.term(), entry.getRequest(), alarms, leases);
            case PUBLISH -> {
              tx.putMeta(Membership.attributesKey(entry.getPublish().getMemberId()), entry.getPublish().toByteArray());
              published.add(entry.getPublish());
              yield EmptyResponse.getDefaultInstance();
            }
            case CLUSTER_VERSION -> {
              tx.putMeta(META_CLUSTER_VERSION, entry.getClusterVersion().getBytes(java.nio.charset.StandardCharsets.UTF_8));
              yield EmptyResponse.getDefaultInstance();
            }
            case PAYLOAD_NOT_SET, CONF_CHANGE -> EmptyResponse.getDefaultInstance(); // a new leader's empty entry
          };
      return new Outcome(entry.getId(), response, null);
    } catch (MvccException refused) {
      return new Outcome(entry.getId(), null, EtcdException.of(refused));
    } catch (EtcdException refused) {
      return new Outcome(entry.getId(), null, refused);
    }
  }

  private Message applyRequest(
      ApplyBatch tx, long term, InternalRaftRequest r, Set<AlarmMember> alarms, List<LeaseChange> leases)
      throws MvccException {
    refuseIfAlarmed(r, alarms);
    // InternalRaftRequest is a plain union (no oneof): exactly one field is set.
    if (r.hasPut()) {
      return tx.put(r.getPut()).setHeader(header(tx, term)).build();
    }
    if (r.hasDeleteRange()) {
      return tx.deleteRange(r.getDeleteRange()).setHeader(header(tx, term)).build();
    }
    if (r.hasTxn()) {
      return tx.txn(r.getTxn()).setHeader(header(tx, term)).build();
    }
    if (r.hasCompaction()) {
      return tx.compact(r.getCompaction().getRevision()).setHeader(header(tx, term)).build();
    }
    if (r.hasLeaseGrant()) {
      // The TTL was raised to the minimum before proposing (LeaseGranter): applying it as logged keeps every
      // member's store identical even if their election timeouts (and so minimum TTLs) differ.
      long ttlSeconds = r.getLeaseGrant().getTTL();
      long id = r.getLeaseGrant().getID();
      tx.leaseGrant(id, ttlSeconds);
      leases.add(new LeaseChange(id, ttlSeconds, true));
      return LeaseGrantResponse.newBuilder().setHeader(header(tx, term)).setID(id).setTTL(ttlSeconds).build();
    }
    if (r.hasLeaseRevoke()) {
      long id = r.getLeaseRevoke().getID();
      tx.leaseRevoke(id);
      leases.add(new LeaseChange(id, 0, false));
      return LeaseRevokeResponse.newBuilder().setHeader(header(tx, term)).build();
    }
    if (r.hasAlarm()) {
      return applyAlarm(r.getAlarm(), alarms, tx).setHeader(header(tx, term)).build();
    }
    throw EtcdError.NOT_CAPABLE.exception(); // auth and the rest are not applied here yet
  }

  /**
   * etcd's applierV3Capped (NOSPACE: no puts, no lease grants; deletes, compaction and revokes still go
   * through to free space) and applierV3Corrupt (CORRUPT: no KV or lease request at all).
   */
  private static void refuseIfAlarmed(InternalRaftRequest r, Set<AlarmMember> alarms) {
    boolean corrupt = alarms.stream().anyMatch(a -> a.getAlarm() == AlarmType.CORRUPT);
    if (corrupt && (r.hasPut() || r.hasDeleteRange() || r.hasTxn() || r.hasCompaction() || r.hasLeaseGrant()
        || r.hasLeaseRevoke() || r.hasRange())) {
      throw EtcdError.CORRUPT.exception();
    }
    boolean noSpace = alarms.stream().anyMatch(a -> a.getAlarm() == AlarmType.NOSPACE);
    if (noSpace && (r.hasPut() || r.hasLeaseGrant() || (r.hasTxn() && QuotaCost.txn(r.getTxn()) > 0))) {
      throw EtcdError.NO_SPACE.exception();
    }
  }

  /** etcd applierV3backend.Alarm: activate/deactivate answer the member changed (none if no change). */
  private static AlarmResponse.Builder applyAlarm(AlarmRequest a, Set<AlarmMember> alarms, ApplyBatch tx) {
    AlarmResponse.Builder resp = AlarmResponse.newBuilder();
    AlarmMember m = AlarmMember.newBuilder().setMemberID(a.getMemberID()).setAlarm(a.getAlarm()).build();
    switch (a.getAction()) {
      case GET -> alarms.stream()
          .filter(x -> a.getAlarm() == AlarmType.NONE || x.getAlarm() == a.getAlarm())
          .forEach(resp::addAlarms);
      case ACTIVATE -> {
        if (a.getAlarm() != AlarmType.NONE && alarms.add(m)) {
          tx.alarmActivate(m);
          resp.addAlarms(m);
        }
      }
      case DEACTIVATE -> {
        if (alarms.remove(m)) {
          tx.alarmDeactivate(m);
          resp.addAlarms(m);
        }
      }
      default -> {}
    }
    return resp;
  }

  private ResponseHeader header(ApplyBatch tx, long term) {
    return ResponseHeader.newBuilder()
        .setClusterId(identity.clusterId())
        .setMemberId(identity.memberId())
        .setRevision(tx.revision())
        .setRaftTerm(term)
        .build();
  }
}
