package io.cairn.grpc;

import akka.actor.typed.ActorSystem;
import io.cairn.member.MemberApi;

/** etcd v3lock service, with the semantics of etcd's server-side concurrency.Mutex. */
public final class LockService implements io.cairn.api.v3lockpb.Lock {
  private final MemberApi member;
  private final ActorSystem<?> system;

  public LockService(MemberApi member, ActorSystem<?> system) {
    this.member = member;
    this.system = system;
  }

  @Override
  public java.util.concurrent.CompletionStage<io.cairn.api.v3lockpb.LockResponse> lock(io.cairn.api.v3lockpb.LockRequest in) {
    throw new UnsupportedOperationException("TODO");
  }

  @Override
  public java.util.concurrent.CompletionStage<io.cairn.api.v3lockpb.UnlockResponse> unlock(io.cairn.api.v3lockpb.UnlockRequest in) {
    throw new UnsupportedOperationException("TODO");
  }
}
