package io.cairn.raft.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Behaviors;
import io.cairn.api.internal.LogEntry;
import io.cairn.api.raft.RaftMessage;
import io.cairn.api.raft.SnapshotMeta;
import io.cairn.raft.Committed;
import io.cairn.raft.CommittedEntry;
import io.cairn.raft.LogCommand;
import io.cairn.raft.log.InMemoryRaftLogStore;
import io.cairn.raft.snapshot.SnapshotReceiver;
import io.cairn.raft.snapshot.StoreSnapshotSender;
import io.cairn.raft.transport.InMemoryNetwork;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Raft §7 end to end on in-memory members: log compaction after snapshotCount applied entries, and a
 * follower behind the leader's compacted log catching up through a chunked snapshot, then through the log.
 * Each member's "store" is the list of applied proposal ids; its applier reports Applied(index) to the
 * node and installs snapshots on its own actor, as the real member must.
 */
class RaftSnapshotTest {

  private static final ActorTestKit KIT = ActorTestKit.create();
  private static final int CHUNK_BYTES = 256;
  private static final long SNAPSHOT_COUNT = 20;
  private static final long CATCH_UP_ENTRIES = 5;

  @TempDir Path dir;
  private final ExecutorService blocking = Executors.newSingleThreadExecutor();
  private final InMemoryNetwork network = new InMemoryNetwork();
  private final Map<Long, InMemoryRaftLogStore> logs = new LinkedHashMap<>();
  private final Map<Long, FakeStore> stores = new LinkedHashMap<>();
  private final Map<Long, ActorRef<Object>> nodes = new LinkedHashMap<>();
  private final Map<Long, RaftNodeStatus> statuses = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<Long, java.util.concurrent.atomic.AtomicInteger> snapshotsStarted =
      new java.util.concurrent.ConcurrentHashMap<>();
  private static int seq;

  @AfterEach
  void stop() {
    nodes.values().forEach(KIT::stop);
    blocking.shutdownNow();
  }

  @AfterAll
  static void shutdown() {
    KIT.shutdownTestKit();
  }

  /** The applied state of one member: proposal ids in order, and the applied index. */
  static final class FakeStore {
    private final List<Long> ids = new ArrayList<>();
    private long appliedIndex;

    synchronized void apply(Committed batch) {
      for (CommittedEntry e : batch.entries()) {
        if (e.index() > appliedIndex) {
          if (e.entry().getId() != 0) {
            ids.add(e.entry().getId());
          }
          appliedIndex = e.index();
        }
      }
    }

    synchronized long write(OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeLong(appliedIndex);
      data.writeInt(ids.size());
      for (long id : ids) {
        data.writeLong(id);
        data.write(new byte[24]); // bulk, so the snapshot takes several chunks
      }
      data.flush();
      return appliedIndex;
    }

    synchronized void install(Path file) throws IOException {
      try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
        long index = in.readLong();
        int n = in.readInt();
        List<Long> read = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          read.add(in.readLong());
          in.skipNBytes(24);
        }
        ids.clear();
        ids.addAll(read);
        appliedIndex = index;
      }
    }

    synchronized List<Long> ids() {
      return List.copyOf(ids);
    }
  }

  record Install(Path file, CompletableFuture<Void> done) {}

  private void start(int size) {
    int cluster = ++seq;
    Set<Long> voters = new HashSet<>();
    for (long id = 1; id <= size; id++) {
      voters.add(id);
    }
    for (long id = 1; id <= size; id++) {
      long memberId = id;
      RaftSettings settings = new RaftSettings(id, voters, Set.of(), 77, 100, 1000, 8, 1 << 20, 8L << 20, 64,
          1 << 20, 1000, 1000, 0, id).withSnapshotCount(SNAPSHOT_COUNT, CATCH_UP_ENTRIES);
      InMemoryRaftLogStore log = new InMemoryRaftLogStore();
      FakeStore store = new FakeStore();
      AtomicReference<ActorRef<Object>> nodeRef = new AtomicReference<>();
      // The apply thread: batches and installs in one mailbox, Applied reported after each batch.
      ActorRef<Object> applier = KIT.spawn(Behaviors.receiveMessage(msg -> {
        if (msg instanceof Committed batch) {
          store.apply(batch);
          ActorRef<Object> raft = nodeRef.get();
          if (raft != null) { // a one-voter node may commit before the test holds its ref; Applied is cumulative
            raft.tell(new LogCommand.Applied(batch.lastIndex()));
          }
        } else if (msg instanceof Install install) {
          try {
            store.install(install.file());
            install.done().complete(null);
          } catch (IOException e) {
            install.done().completeExceptionally(e);
          }
        }
        return Behaviors.same();
      }), "snap-applier-" + cluster + "-" + id);
      Path snapDir = dir.resolve("member-" + id).resolve("snap");
      StoreSnapshotSender storeSender = new StoreSnapshotSender(store::write, snapDir, blocking,
          new StoreSnapshotSender.Settings(CHUNK_BYTES, 4, 3, 20, 100));
      java.util.concurrent.atomic.AtomicInteger started = new java.util.concurrent.atomic.AtomicInteger();
      snapshotsStarted.put(id, started);
      SnapshotSender sender = new SnapshotSender() { // counts the node's requests (on its actor: barrier-visible)
        @Override
        public void sendSnapshot(SnapshotLink link) {
          started.incrementAndGet();
          storeSender.sendSnapshot(link);
        }

        @Override
        public void onResponse(long followerId, io.cairn.api.raft.InstallSnapshotResponse response) {
          storeSender.onResponse(followerId, response);
        }

        @Override
        public void onTick() {
          storeSender.onTick();
        }

        @Override
        public void abortAll() {
          storeSender.abortAll();
        }
      };
      SnapshotReceiver receiver = new SnapshotReceiver(snapDir, CHUNK_BYTES);
      RaftSnapshots snapshots = new RaftSnapshots(sender, receiver, (file, meta) -> {
        CompletableFuture<Void> done = new CompletableFuture<>();
        applier.tell(new Install(file, done));
        return done;
      });
      ActorRef<Object> node = KIT.spawn(RaftNode.create(settings, log, network.transport(id), applier.narrow(),
          status -> statuses.put(memberId, status), snapshots, new RaftTestCluster.FixedRandom((int) (2 * id)),
          false), "snap-raft-" + cluster + "-" + id);
      nodeRef.set(node);
      logs.put(id, log);
      stores.put(id, store);
      nodes.put(id, node);
    }
    nodes.keySet().forEach(this::inspect);
  }

  private RaftNode.NodeState inspect(long id) {
    TestProbe<RaftNode.NodeState> probe = KIT.createTestProbe();
    nodes.get(id).tell(new RaftNode.Inspect(probe.getRef()));
    return probe.receiveMessage(RaftTestCluster.AWAIT);
  }

  private void propose(long id, long from, long to) {
    for (long entry = from; entry <= to; entry++) {
      nodes.get(id).tell(new LogCommand.Propose(LogEntry.newBuilder().setId(entry).build()));
    }
  }

  private void electOne() {
    nodes.get(1L).tell(RaftNode.Campaign.INSTANCE);
    TestProbe<Object> probe = KIT.createTestProbe();
    probe.awaitAssert(RaftTestCluster.AWAIT, () -> {
      for (long id : nodes.keySet()) {
        RaftNodeStatus s = statuses.get(id);
        assertTrue(s != null && s.leaderId() == 1, id + " does not follow 1: " + s);
      }
      return null;
    });
  }

  /**
   * Ticks the leader one heartbeat per attempt until condition holds: bounded by AWAIT, with barriers
   * rather than sleeps (the appliers run on their own actors, so the condition is retried).
   */
  private void tickLeaderUntil(long leader, java.util.function.BooleanSupplier condition, String what) {
    TestProbe<Object> probe = KIT.createTestProbe();
    probe.awaitAssert(RaftTestCluster.AWAIT, () -> {
      if (!condition.getAsBoolean()) {
        nodes.get(leader).tell(RaftNode.Tick.INSTANCE);
        nodes.keySet().forEach(this::inspect); // barrier: everything sent so far was handled
      }
      assertTrue(condition.getAsBoolean(), () -> what + "; leader " + inspect(leader) + ", applied ids "
          + stores.values().stream().map(st -> st.ids().size()).toList() + ", logs "
          + logs.values().stream().map(l -> l.snapshotMeta().getIndex() + ".." + l.lastIndex()).toList());
      return null;
    });
  }

  private void tickLeader(long leader, int ticks) {
    for (int i = 0; i < ticks; i++) {
      nodes.get(leader).tell(RaftNode.Tick.INSTANCE);
      nodes.keySet().forEach(this::inspect); // barrier: each tick handled before the next
    }
  }

  @Test
  void compactsAfterSnapshotCountAppliedEntriesKeepingCatchUpEntries() {
    start(1);
    electOne();
    // 1 no-op + 19 proposals = applied 20 == snapshotCount: compaction at 20 - 5.
    propose(1, 1, 19);
    tickLeaderUntil(1, () -> stores.get(1L).ids().size() == 19, "applied");
    tickLeaderUntil(1, () -> logs.get(1L).snapshotMeta().getIndex() > 0, "compacted");
    SnapshotMeta meta = logs.get(1L).snapshotMeta();
    assertEquals(20 - CATCH_UP_ENTRIES, meta.getIndex());
    assertEquals(inspect(1).term(), meta.getTerm());
    assertEquals(List.of(1L), meta.getConfState().getVotersList());
    // Below the next snapshotCount applied entries nothing more is compacted.
    propose(1, 20, 38);
    tickLeaderUntil(1, () -> stores.get(1L).ids().size() == 38, "applied");
    assertEquals(20 - CATCH_UP_ENTRIES, logs.get(1L).snapshotMeta().getIndex());
    propose(1, 39, 39);
    tickLeaderUntil(1, () -> logs.get(1L).snapshotMeta().getIndex() == 40 - CATCH_UP_ENTRIES,
        "compacted again at 40 - catchUp");
    assertEquals(CATCH_UP_ENTRIES, logs.get(1L).lastIndex() - logs.get(1L).snapshotMeta().getIndex());
  }

  @Test
  void isolatedFollowerCatchesUpThroughASnapshotThenTheLog() throws Exception {
    start(3);
    electOne();
    propose(1, 1, 5);
    tickLeaderUntil(1, () -> stores.get(3L).ids().size() == 5, "replicated before the isolation");

    network.isolate(3);
    propose(1, 6, 80);
    tickLeaderUntil(1, () -> stores.get(1L).ids().size() == 80 && logs.get(1L).snapshotMeta().getIndex()
        > logs.get(3L).lastIndex(), "leader compacted past the follower's log");
    assertEquals(5, stores.get(3L).ids().size());
    // No snapshot for a follower silent for an election timeout (etcd's maybeSendAppend gates on RecentActive).
    // Once 20 ticks (2 × the 10-tick election timeout) passed, it gets no new transfer, however long it stays
    // away.
    tickLeader(1, 20);
    int transfersStarted = snapshotsStarted.get(1L).get();
    tickLeader(1, 100); // longer than a transfer lives without progress (3 ticks × 20 resends)
    assertEquals(transfersStarted, snapshotsStarted.get(1L).get(), "snapshots started for a silent follower");

    network.rejoin(3);
    // The store shows the snapshot's ids as soon as the applier installed it; the node resets its log after
    // that, on its own actor: both are awaited, else the log check races the install's completion.
    tickLeaderUntil(1, () -> stores.get(3L).ids().size() == 80 && logs.get(3L).snapshotMeta().getIndex() > 0,
        "follower caught up, its log reset to the snapshot");
    List<Long> expected = LongStream.rangeClosed(1, 80).boxed().toList();
    assertEquals(expected, stores.get(3L).ids());
    List<RaftMessage> chunks = network.delivered(m -> m.getTo() == 3 && m.hasSnapshot());
    assertTrue(chunks.size() >= 2, "sent in several chunks: " + chunks.size());
    assertTrue(chunks.stream().allMatch(m -> m.getSnapshot().getData().size() <= CHUNK_BYTES));
    assertTrue(network.delivered(m -> m.getFrom() == 3 && m.hasSnapshotResponse()
        && m.getSnapshotResponse().getDone()).size() >= 1);

    // Then through the log: new entries reach it by AppendEntries.
    int chunksBefore = network.delivered(m -> m.getTo() == 3 && m.hasSnapshot()).size();
    propose(1, 81, 85);
    tickLeaderUntil(1, () -> stores.get(3L).ids().size() == 85, "replicated after the snapshot");
    assertEquals(LongStream.rangeClosed(1, 85).boxed().toList(), stores.get(3L).ids());
    assertEquals(chunksBefore, network.delivered(m -> m.getTo() == 3 && m.hasSnapshot()).size());
    try (var left = Files.list(dir.resolve("member-1").resolve("snap"))) {
      assertEquals(0, left.count(), "the leader's temporary snapshot is gone");
    }
    try (var left = Files.list(dir.resolve("member-3").resolve("snap"))) {
      assertEquals(0, left.count(), "the follower's received snapshot is gone");
    }
  }
}
