package io.cairn.member;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Scheduler;
import io.cairn.raft.LogCommand;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * etcd's EtcdServer.MoveLeader: asks the Raft node to hand leadership to the target (thesis §3.10), then checks
 * every heartbeat interval whether the target leads, up to a bound (etcd waits for the request's context; Cairn
 * bounds it by the request timeout and answers ErrTimeoutLeaderTransfer after it).
 */
final class LeaderTransfer {
  private LeaderTransfer() {}

  static CompletionStage<Void> transfer(ActorRef<LogCommand> node, LongSupplier leaderId, long targetId,
      long heartbeatMs, Duration timeout, Scheduler scheduler, Executor executor) {
    if (leaderId.getAsLong() == targetId) {
      return CompletableFuture.completedFuture(null);
    }
    node.tell(new LogCommand.TransferLeadership(targetId));
    CompletableFuture<Void> done = new CompletableFuture<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    poll(leaderId, targetId, Duration.ofMillis(Math.max(1, heartbeatMs)), deadline, scheduler, executor, done);
    return done;
  }

  private static void poll(LongSupplier leaderId, long targetId, Duration interval, long deadline,
      Scheduler scheduler, Executor executor, CompletableFuture<Void> done) {
    if (leaderId.getAsLong() == targetId) {
      done.complete(null);
    } else if (System.nanoTime() > deadline) {
      done.completeExceptionally(EtcdError.TIMEOUT_LEADER_TRANSFER.exception());
    } else {
      scheduler.scheduleOnce(interval,
          () -> poll(leaderId, targetId, interval, deadline, scheduler, executor, done),
          executor instanceof scala.concurrent.ExecutionContext ec ? ec : scala.concurrent.ExecutionContext.global());
    }
  }
}
