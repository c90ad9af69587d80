package io.cairn.grpc;

import akka.actor.typed.ActorSystem;
import akka.stream.Materializer;
import io.cairn.api.v3lockpb.LockRequest;
import io.cairn.api.v3lockpb.LockResponse;
import io.cairn.api.v3lockpb.UnlockRequest;
import io.cairn.api.v3lockpb.UnlockResponse;
import io.cairn.grpc.concurrency.MemberConcurrencyKv;
import io.cairn.grpc.concurrency.ServerMutex;
import io.cairn.member.MemberApi;
import java.util.concurrent.CompletionStage;

/** etcd v3lock service, with the semantics of etcd's server-side concurrency.Mutex. */
public final class LockService implements io.cairn.api.v3lockpb.Lock {
  private final MemberApi member;
  private final ActorSystem<?> system;
  private final ServerMutex mutex;

  public LockService(MemberApi member, ActorSystem<?> system) {
    this.member = member;
    this.system = system;
    this.mutex =
        new ServerMutex(new MemberConcurrencyKv(member, system.executionContext()), Materializer.matFromSystem(system));
  }

  @Override
  public CompletionStage<LockResponse> lock(LockRequest in) {
    return GrpcErrors.call(() -> mutex.lock(in.getName(), in.getLease()));
  }

  @Override
  public CompletionStage<UnlockResponse> unlock(UnlockRequest in) {
    return GrpcErrors.call(() -> mutex.unlock(in.getKey()));
  }
}
