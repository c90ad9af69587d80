package io.cairn.member;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Message;
import io.cairn.api.etcdserverpb.PutResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ProposalRegistryTest {

  @Test
  void refusesBeyondTheBoundWithTooManyRequests() {
    try (ProposalRegistry r = new ProposalRegistry(2, Duration.ofSeconds(30))) {
      r.register(1);
      r.register(2);
      EtcdException e = assertThrows(EtcdException.class, () -> r.register(3));
      assertEquals(EtcdError.TOO_MANY_REQUESTS, e.error());
      r.complete(1, PutResponse.getDefaultInstance());
      r.register(3); // room again once one is answered
      assertEquals(2, r.inFlight());
    }
  }

  @Test
  void expiresWithTimeoutAndAnswersAtMostOnce() throws Exception {
    try (ProposalRegistry r = new ProposalRegistry(10, Duration.ofMillis(50))) {
      CompletableFuture<Message> f = r.register(7);
      ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
      assertEquals(EtcdError.TIMEOUT, ((EtcdException) e.getCause()).error());
      r.complete(7, PutResponse.getDefaultInstance()); // applied late: nobody is answered twice
      assertTrue(f.isCompletedExceptionally());
      assertEquals(0, r.inFlight());
    }
  }

  @Test
  void theSweepExpiresOnlyWaitersStillUnansweredAndCountsThem() throws Exception {
    try (ProposalRegistry r = new ProposalRegistry(10, Duration.ofMillis(100))) {
      CompletableFuture<Message> answered = r.register(1);
      CompletableFuture<Message> late = r.register(2);
      CompletableFuture<Message> alsoLate = r.register(3);
      PutResponse resp = PutResponse.getDefaultInstance();
      r.complete(1, resp);
      for (CompletableFuture<Message> f : List.of(late, alsoLate)) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
        assertEquals(EtcdError.TIMEOUT, ((EtcdException) e.getCause()).error());
      }
      assertSame(resp, answered.get());
      assertEquals(0, r.inFlight());
      assertEquals(2, r.timedOut());
    }
  }

  @Test
  void completesTheWaiterWithTheAppliedResponse() throws Exception {
    try (ProposalRegistry r = new ProposalRegistry(10, Duration.ofSeconds(30))) {
      CompletableFuture<Message> f = r.register(9);
      PutResponse resp = PutResponse.newBuilder().build();
      r.complete(9, resp);
      assertSame(resp, f.get(1, TimeUnit.SECONDS));
    }
  }

  @Test
  void closeFailsWaitersWithStopped() {
    ProposalRegistry r = new ProposalRegistry(10, Duration.ofSeconds(30));
    CompletableFuture<Message> f = r.register(1);
    r.close();
    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(1, TimeUnit.SECONDS));
    assertEquals(EtcdError.STOPPED, ((EtcdException) e.getCause()).error());
  }

  @Test
  void requestIdsAreUniqueAndCarryTheMemberBits() {
    RequestIdGenerator g = new RequestIdGenerator(0x8e9e05c52164694dL, 1_700_000_000_000L);
    long a = g.next();
    long b = g.next();
    assertTrue(a != b);
    assertEquals(0x694dL, a >>> 48);
    assertTrue(g.nextLeaseId() > 0);
  }
}
