package io.cairn.member;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.cairn.api.etcdserverpb.InternalRaftRequest;
import io.cairn.api.etcdserverpb.PutRequest;
import io.cairn.api.etcdserverpb.PutResponse;
import io.cairn.api.internal.LogEntry;
import io.cairn.persistence.mvcc.MvccStore;
import io.cairn.raft.Committed;
import io.cairn.raft.CommittedEntry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The applier writes batches unsynced and answers before the store's fsync; the rule that keeps that safe:
 * the Raft node hears an applied index (which lets it compact the log up to there) only once the store has
 * synced it, so every entry above the store's durable applied index is still in the log after a power loss.
 */
@Timeout(30)
class ApplierDurabilityTest {
  private static final ActorTestKit kit = ActorTestKit.create();
  private static final long WAIT_SEC = 10;

  @TempDir Path dir;
  private MvccStore store;
  private ProposalRegistry registry;
  /** Each applied index the node hears, with the store's synced applied index at that moment. */
  private final LinkedBlockingQueue<long[]> heard = new LinkedBlockingQueue<>();
  private ActorRef<Object> applier;

  @BeforeEach
  void start() throws IOException {
    store = MvccStore.open(dir.resolve("store"));
    registry = new ProposalRegistry(1000, Duration.ofSeconds(5));
    applier = spawnApplier(Applier.StoreSync.ETCD_DEFAULTS);
  }

  /** An applier over the store; every applied index it tells is recorded with the store's synced index then. */
  private ActorRef<Object> spawnApplier(Applier.StoreSync storeSync) {
    return kit.spawn(ApplierFixture.applier(store, registry, new AppliedIndex(store.appliedIndex()),
        new AlarmState(store.alarms()), new ApplierFixture.QuietListener(), ApplierFixture.soleMembership(),
        index -> heard.add(new long[] {index, store.syncedAppliedIndex()}), storeSync));
  }

  @AfterEach
  void stop() {
    kit.stop(applier);
    store.close();
  }

  @AfterAll
  static void shutdown() {
    kit.shutdownTestKit();
  }

  private static LogEntry put(long id) {
    return LogEntry.newBuilder().setId(id).setRequest(InternalRaftRequest.newBuilder().setPut(
        PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("k" + id)).setValue(ByteString.copyFromUtf8("v"))))
        .build();
  }

  @Test
  void theNodeHearsOnlySyncedAppliedIndexes() throws Exception {
    List<CompletableFuture<Message>> answers = new ArrayList<>();
    long index = 0;
    for (int batch = 0; batch < 20; batch++) {
      List<CommittedEntry> entries = new ArrayList<>();
      for (int i = 0; i <= batch % 4; i++) {
        index++;
        answers.add(registry.register(index));
        entries.add(new CommittedEntry(index, 2, put(index)));
      }
      applier.tell(new Committed(entries));
    }
    long last = 0;
    while (last < index) {
      long[] h = heard.poll(WAIT_SEC, TimeUnit.SECONDS);
      assertTrue(h != null, "the node heard up to " + last + " of " + index);
      assertTrue(h[0] <= h[1], "told applied index " + h[0] + " while the store had synced only " + h[1]);
      assertTrue(h[0] > last, "applied indexes only grow");
      last = h[0];
    }
    for (CompletableFuture<Message> a : answers) {
      assertTrue(a.get(WAIT_SEC, TimeUnit.SECONDS) instanceof PutResponse);
    }
    assertEquals(index, store.syncedAppliedIndex());
  }

  /**
   * etcd's backend batching: batches are answered at once but synced together, here when the fifth entry waits
   * (the interval is set beyond the test's time so only the entry bound can trigger the sync).
   */
  @Test
  void batchesAreAnsweredAtOnceAndSyncedTogether() throws Exception {
    kit.stop(applier);
    applier = spawnApplier(new Applier.StoreSync(Duration.ofHours(1), 5));
    long syncedBefore = store.syncedAppliedIndex();
    for (long index = 1; index <= 3; index++) {
      CompletableFuture<Message> answer = registry.register(index);
      applier.tell(new Committed(List.of(new CommittedEntry(index, 2, put(index)))));
      assertTrue(answer.get(WAIT_SEC, TimeUnit.SECONDS) instanceof PutResponse, "answered before any sync");
    }
    assertEquals(syncedBefore, store.syncedAppliedIndex(), "three entries wait for the sync");
    assertTrue(heard.isEmpty(), "the node hears nothing before the sync: " + heard);

    applier.tell(new Committed(List.of(new CommittedEntry(4, 2, put(4)), new CommittedEntry(5, 2, put(5)))));
    long[] h = heard.poll(WAIT_SEC, TimeUnit.SECONDS);
    assertTrue(h != null, "the fifth entry triggers the sync");
    assertEquals(5, h[0]);
    assertEquals(5, h[1], "heard only once synced");
  }
}
