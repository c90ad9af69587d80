package io.cairn.grpc;

import akka.actor.typed.ActorSystem;
import io.cairn.member.MemberApi;

/** etcd v3election service, with the semantics of etcd's server-side concurrency.Election. */
public final class ElectionService implements io.cairn.api.v3electionpb.Election {
  private final MemberApi member;
  private final ActorSystem<?> system;

  public ElectionService(MemberApi member, ActorSystem<?> system) {
    this.member = member;
    this.system = system;
  }

  @Override
  public java.util.concurrent.CompletionStage<io.cairn.api.v3electionpb.CampaignResponse> campaign(io.cairn.api.v3electionpb.CampaignRequest in) {
    throw new UnsupportedOperationException("TODO");
  }

  @Override
  public java.util.concurrent.CompletionStage<io.cairn.api.v3electionpb.ProclaimResponse> proclaim(io.cairn.api.v3electionpb.ProclaimRequest in) {
    throw new UnsupportedOperationException("TODO");
  }

  @Override
  public java.util.concurrent.CompletionStage<io.cairn.api.v3electionpb.LeaderResponse> leader(io.cairn.api.v3electionpb.LeaderRequest in) {
    throw new UnsupportedOperationException("TODO");
  }

  @Override
  public akka.stream.javadsl.Source<io.cairn.api.v3electionpb.LeaderResponse, akka.NotUsed> observe(io.cairn.api.v3electionpb.LeaderRequest in) {
    throw new UnsupportedOperationException("TODO");
  }

  @Override
  public java.util.concurrent.CompletionStage<io.cairn.api.v3electionpb.ResignResponse> resign(io.cairn.api.v3electionpb.ResignRequest in) {
    throw new UnsupportedOperationException("TODO");
  }
}
