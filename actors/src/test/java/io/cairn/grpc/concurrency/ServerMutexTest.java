package io.cairn.grpc.concurrency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.stream.Materializer;
import com.google.protobuf.ByteString;
import io.cairn.grpc.KeyRanges;
import io.cairn.api.v3lockpb.LockResponse;
import io.cairn.member.EtcdError;
import io.cairn.member.EtcdException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ServerMutexTest {
  static final ActorTestKit testKit = ActorTestKit.create();
  static final Materializer mat = Materializer.matFromSystem(testKit.system());
  static final ByteString NAME = ByteString.copyFromUtf8("mylock");

  InMemoryKv kv;
  ServerMutex mutex;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void setUp() {
    kv = new InMemoryKv();
    mutex = new ServerMutex(kv, mat, 3);
  }

  static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static EtcdError failure(CompletionStage<?> stage) {
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> stage.toCompletableFuture().get(10, TimeUnit.SECONDS));
    Throwable cause = ServerMutex.unwrap(e.getCause());
    return assertInstanceOf(EtcdException.class, cause).error();
  }

  @Test
  void keysAreNameSlashHexLease() {
    ByteString prefix = RecipeKeys.prefix(NAME);
    assertEquals("mylock/", prefix.toStringUtf8());
    assertEquals("mylock/694d7b2f3c1a", RecipeKeys.ownKey(prefix, 0x694d7b2f3c1aL).toStringUtf8());
    assertEquals("mylock/-1f", RecipeKeys.ownKey(prefix, -31).toStringUtf8(), "Go's %x of a negative int64");
    assertEquals("mylock0", KeyRanges.prefixEnd(prefix).toStringUtf8());
    assertEquals(ByteString.copyFrom(new byte[] {'a', 2}), KeyRanges.prefixEnd(ByteString.copyFrom(new byte[] {'a', 1, (byte) 0xff})));
    assertEquals(ByteString.copyFrom(new byte[] {0}), KeyRanges.prefixEnd(ByteString.copyFrom(new byte[] {(byte) 0xff})));
  }

  @Test
  void uncontendedLockAnswersAtOnceWithTheTxnHeader() throws Exception {
    long lease = kv.grant();
    LockResponse resp = await(mutex.lock(NAME, lease));
    assertEquals("mylock/" + Long.toHexString(lease), resp.getKey().toStringUtf8());
    assertEquals(kv.revision(), resp.getHeader().getRevision());
    assertEquals(lease, kv.get(resp.getKey().toStringUtf8()).orElseThrow().getLease());
    assertEquals("", kv.get(resp.getKey().toStringUtf8()).orElseThrow().getValue().toStringUtf8());
  }

  @Test
  void waitersAcquireInCreateRevisionOrder() throws Exception {
    long a = kv.grant();
    long b = kv.grant();
    long c = kv.grant();
    LockResponse first = await(mutex.lock(NAME, a));
    CompletableFuture<LockResponse> second = mutex.lock(NAME, b).toCompletableFuture();
    CompletableFuture<LockResponse> third = mutex.lock(NAME, c).toCompletableFuture();
    assertFalse(second.isDone());
    assertFalse(third.isDone());

    long unlockRevision = await(mutex.unlock(first.getKey())).getHeader().getRevision();
    LockResponse secondResp = await(second);
    assertEquals("mylock/" + Long.toHexString(b), secondResp.getKey().toStringUtf8());
    assertTrue(secondResp.getHeader().getRevision() >= unlockRevision);
    assertFalse(third.isDone(), "the third waits for the second, not the first");

    await(mutex.unlock(secondResp.getKey()));
    assertEquals("mylock/" + Long.toHexString(c), await(third).getKey().toStringUtf8());
    assertEquals(0, mutex.waiting());
  }

  @Test
  void sameLeaseLocksAgainWithoutWaiting() throws Exception {
    long a = kv.grant();
    LockResponse first = await(mutex.lock(NAME, a));
    long rev = kv.revision();
    LockResponse again = await(mutex.lock(NAME, a));
    assertEquals(first.getKey(), again.getKey());
    assertEquals(rev, kv.revision(), "the key is re-used, not re-put");
  }

  @Test
  void unknownLeaseIsLeaseNotFound() {
    assertEquals(EtcdError.LEASE_NOT_FOUND, failure(mutex.lock(NAME, 0x4242)));
  }

  @Test
  void waiterWhoseLeaseIsRevokedFails() throws Exception {
    long a = kv.grant();
    long b = kv.grant();
    await(mutex.lock(NAME, a));
    CompletableFuture<LockResponse> waiting = mutex.lock(NAME, b).toCompletableFuture();
    kv.revoke(b);
    assertEquals(EtcdError.LEASE_NOT_FOUND, failure(waiting));
    assertEquals(0, mutex.waiting());
  }

  @Test
  void lockWithoutLeaseGrantsASessionLease() throws Exception {
    LockResponse resp = await(mutex.lock(NAME, 0));
    long lease = kv.get(resp.getKey().toStringUtf8()).orElseThrow().getLease();
    assertTrue(kv.leases().contains(lease));
    assertEquals("mylock/" + Long.toHexString(lease), resp.getKey().toStringUtf8());
  }

  @Test
  void waitersAreBounded() throws Exception {
    await(mutex.lock(NAME, kv.grant()));
    for (int i = 0; i < 3; i++) {
      mutex.lock(NAME, kv.grant());
    }
    assertEquals(3, mutex.waiting());
    assertEquals(EtcdError.TOO_MANY_REQUESTS, failure(mutex.lock(NAME, kv.grant())));
  }

  @Test
  void unlockOfAMissingKeyIsNoError() throws Exception {
    long rev = kv.revision();
    assertEquals(rev, await(mutex.unlock(ByteString.copyFromUtf8("mylock/1"))).getHeader().getRevision());
  }
}
