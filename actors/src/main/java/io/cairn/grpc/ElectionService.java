package io.cairn.grpc;

import akka.NotUsed;
import akka.actor.typed.ActorSystem;
import akka.grpc.GrpcServiceException;
import akka.stream.Materializer;
import akka.stream.javadsl.Source;
import io.cairn.api.v3electionpb.CampaignRequest;
import io.cairn.api.v3electionpb.CampaignResponse;
import io.cairn.api.v3electionpb.LeaderRequest;
import io.cairn.api.v3electionpb.LeaderResponse;
import io.cairn.api.v3electionpb.ProclaimRequest;
import io.cairn.api.v3electionpb.ProclaimResponse;
import io.cairn.api.v3electionpb.ResignRequest;
import io.cairn.api.v3electionpb.ResignResponse;
import io.cairn.grpc.concurrency.MemberConcurrencyKv;
import io.cairn.grpc.concurrency.ServerElection;
import io.cairn.member.MemberApi;
import io.grpc.Status;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** etcd v3election service, with the semantics of etcd's server-side concurrency.Election. */
public final class ElectionService implements io.cairn.api.v3electionpb.Election {
  /**
   * etcd v3election ErrMissingLeaderKey, a plain Go error, hence UNKNOWN with its text. Not an EtcdError
   * (the enum is not ours to extend); see the report.
   */
  static GrpcServiceException missingLeaderKey() {
    return new GrpcServiceException(Status.UNKNOWN.withDescription("\"leader\" field must be provided"));
  }

  private final MemberApi member;
  private final ActorSystem<?> system;
  private final ServerElection election;

  public ElectionService(MemberApi member, ActorSystem<?> system) {
    this.member = member;
    this.system = system;
    this.election =
        new ServerElection(
            new MemberConcurrencyKv(member, system.executionContext()), Materializer.matFromSystem(system));
  }

  @Override
  public CompletionStage<CampaignResponse> campaign(CampaignRequest in) {
    return GrpcErrors.call(() -> election.campaign(in.getName(), in.getLease(), in.getValue()));
  }

  @Override
  public CompletionStage<ProclaimResponse> proclaim(ProclaimRequest in) {
    if (!in.hasLeader()) {
      return CompletableFuture.failedFuture(missingLeaderKey());
    }
    return GrpcErrors.call(() -> election.proclaim(in.getLeader(), in.getValue()));
  }

  @Override
  public CompletionStage<LeaderResponse> leader(LeaderRequest in) {
    return GrpcErrors.call(() -> election.leader(in.getName()));
  }

  @Override
  public Source<LeaderResponse, NotUsed> observe(LeaderRequest in) {
    return GrpcErrors.mapFailures(election.observe(in.getName()));
  }

  @Override
  public CompletionStage<ResignResponse> resign(ResignRequest in) {
    if (!in.hasLeader()) {
      return CompletableFuture.failedFuture(missingLeaderKey());
    }
    return GrpcErrors.call(() -> election.resign(in.getLeader()));
  }
}
