package io.cairn.member;

import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import io.cairn.api.internal.LogEntry;
import io.cairn.api.internal.MemberAttributes;
import io.cairn.persistence.mvcc.MvccStore;
import io.cairn.raft.Committed;
import io.cairn.raft.CommittedEntry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The membership shows an applied publish by the time its proposal is answered (etcd's publish, then ready). */
@Timeout(30)
class ApplierMembershipTest {
  private static final ActorTestKit kit = ActorTestKit.create();
  private static final long WAIT_SEC = 10;

  @TempDir Path dir;
  private MvccStore store;
  private final ProposalRegistry registry = new ProposalRegistry(100, Duration.ofSeconds(5));
  private final Membership membership = new Membership(new ClusterInfo(
      ApplierFixture.IDENTITY.clusterId(), ApplierFixture.IDENTITY.memberId(), "m2",
      List.of(new ClusterInfo.Member(ApplierFixture.IDENTITY.memberId(), "", List.of("http://127.0.0.1:2380"),
          List.of(), false))));
  private ActorRef<Object> applier;

  @BeforeEach
  void start() throws IOException {
    store = MvccStore.open(dir.resolve("store"));
    applier = kit.spawn(ApplierFixture.applier(store, registry, new AppliedIndex(store.appliedIndex()),
        new AlarmState(store.alarms()), new ApplierFixture.QuietListener(), membership, index -> {}));
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

  @Test
  void aPublishedMemberIsListedWithItsNameWhenThePublishIsAnswered() throws Exception {
    long self = ApplierFixture.IDENTITY.memberId();
    // Not async: runs on the applier's thread the moment the proposal is answered.
    CompletableFuture<ClusterInfo.Member> seenOnAnswer =
        registry.register(1).thenApply(response -> membership.current().members().get(0));
    applier.tell(new Committed(List.of(new CommittedEntry(1, 2, LogEntry.newBuilder().setId(1).setPublish(
        MemberAttributes.newBuilder().setMemberId(self).setName("m2").addClientUrls("http://127.0.0.1:2379"))
        .build()))));
    ClusterInfo.Member seen = seenOnAnswer.get(WAIT_SEC, TimeUnit.SECONDS);
    assertEquals("m2", seen.name());
    assertEquals(List.of("http://127.0.0.1:2379"), seen.clientUrls());
  }
}
