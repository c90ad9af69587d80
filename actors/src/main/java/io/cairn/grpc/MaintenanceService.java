package io.cairn.grpc;

import akka.NotUsed;
import akka.stream.javadsl.Source;
import io.cairn.api.etcdserverpb.AlarmMember;
import io.cairn.api.etcdserverpb.AlarmRequest;
import io.cairn.api.etcdserverpb.AlarmResponse;
import io.cairn.api.etcdserverpb.AlarmType;
import io.cairn.api.etcdserverpb.DefragmentRequest;
import io.cairn.api.etcdserverpb.DefragmentResponse;
import io.cairn.api.etcdserverpb.HashKVRequest;
import io.cairn.api.etcdserverpb.HashKVResponse;
import io.cairn.api.etcdserverpb.HashRequest;
import io.cairn.api.etcdserverpb.HashResponse;
import io.cairn.api.etcdserverpb.InternalRaftRequest;
import io.cairn.api.etcdserverpb.Maintenance;
import io.cairn.api.etcdserverpb.MoveLeaderRequest;
import io.cairn.api.etcdserverpb.MoveLeaderResponse;
import io.cairn.api.etcdserverpb.SnapshotRequest;
import io.cairn.api.etcdserverpb.SnapshotResponse;
import io.cairn.api.etcdserverpb.StatusRequest;
import io.cairn.api.etcdserverpb.StatusResponse;
import io.cairn.member.ClusterInfo;
import io.cairn.member.EtcdError;
import io.cairn.member.EtcdException;
import io.cairn.member.MemberApi;
import io.cairn.member.RaftStatus;
import io.cairn.persistence.mvcc.HashKvResult;
import io.cairn.persistence.mvcc.MvccException;
import io.cairn.persistence.mvcc.MvccStore;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/** etcd's Maintenance service (v3rpc/maintenance.go), answered from the member and its store. */
public final class MaintenanceService implements Maintenance {
  /** What Status reports as the server version: tools gate features on 3.4. */
  public static final String ETCD_VERSION = "3.4.23";

  private final MemberApi member;
  private final Executor blockingExecutor;

  /** @param blockingExecutor a bounded executor for blocking store work (snapshot, defragment, hashes) */
  public MaintenanceService(MemberApi member, Executor blockingExecutor) {
    this.member = member;
    this.blockingExecutor = blockingExecutor;
  }

  /** GET is answered from the store after a ReadIndex; ACTIVATE/DEACTIVATE go through the log as in etcd. */
  @Override
  public CompletionStage<AlarmResponse> alarm(AlarmRequest in) {
    return GrpcErrors.call(
        () -> {
          if (in.getAction() == AlarmRequest.AlarmAction.GET) {
            return member
                .linearizableRead()
                .thenApplyAsync(
                    ignored ->
                        AlarmResponse.newBuilder()
                            .setHeader(member.header())
                            .addAllAlarms(alarmsOfType(member.store().alarms(), in.getAlarm()))
                            .build(),
                    blockingExecutor);
          }
          return Proposals.propose(member, InternalRaftRequest.newBuilder().setAlarm(in).build(), AlarmResponse.class);
        });
  }

  /** etcd's alarmStore.Get: NONE means every alarm. */
  private static List<AlarmMember> alarmsOfType(List<AlarmMember> alarms, AlarmType type) {
    return type == AlarmType.NONE ? alarms : alarms.stream().filter(a -> a.getAlarm() == type).toList();
  }

  @Override
  public CompletionStage<StatusResponse> status(StatusRequest in) {
    return GrpcErrors.call(
        () ->
            CompletableFuture.supplyAsync(
                () -> {
                  MvccStore store = member.store();
                  RaftStatus raft = member.raftStatus();
                  StatusResponse.Builder response =
                      StatusResponse.newBuilder()
                          .setHeader(member.header())
                          .setVersion(ETCD_VERSION)
                          .setLeader(raft.leaderId())
                          .setRaftIndex(raft.commitIndex())
                          .setRaftAppliedIndex(raft.appliedIndex())
                          .setRaftTerm(raft.term())
                          .setDbSize(store.dbSizeBytes())
                          .setDbSizeInUse(store.dbSizeInUseBytes())
                          .setIsLearner(raft.learner());
                  if (raft.leaderId() == 0) {
                    response.addErrors(EtcdError.NO_LEADER.message());
                  }
                  for (AlarmMember alarm : store.alarms()) {
                    response.addErrors(alarmText(alarm));
                  }
                  return response.build();
                },
                blockingExecutor));
  }

  /**
   * etcd puts each alarm's gogo-protobuf compact text into Status.errors, e.g.
   * "memberID:10276657743932975437 alarm:NOSPACE " (zero fields left out, a space after each field).
   */
  static String alarmText(AlarmMember alarm) {
    StringBuilder text = new StringBuilder();
    if (alarm.getMemberID() != 0) {
      text.append("memberID:").append(Long.toUnsignedString(alarm.getMemberID())).append(' ');
    }
    if (alarm.getAlarm() != AlarmType.NONE) {
      text.append("alarm:").append(alarm.getAlarm().name()).append(' ');
    }
    return text.toString();
  }

  /** etcd's online defrag blocks its backend; the store defragments while the member goes on serving. */
  @Override
  public CompletionStage<DefragmentResponse> defragment(DefragmentRequest in) {
    return GrpcErrors.call(
        () ->
            CompletableFuture.supplyAsync(
                () -> {
                  member.store().defragment();
                  return DefragmentResponse.newBuilder().setHeader(member.header()).build();
                },
                blockingExecutor));
  }

  @Override
  public CompletionStage<HashResponse> hash(HashRequest in) {
    return GrpcErrors.call(
        () ->
            CompletableFuture.supplyAsync(
                () -> {
                  MvccStore store = member.store();
                  long revision = store.currentRevision();
                  return HashResponse.newBuilder()
                      .setHeader(member.header(revision))
                      .setHash((int) store.hash())
                      .build();
                },
                blockingExecutor));
  }

  /** etcd answers with the hashed revision in the header (the current one when the request says 0). */
  @Override
  public CompletionStage<HashKVResponse> hashKV(HashKVRequest in) {
    return GrpcErrors.call(
        () ->
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    HashKvResult result = member.store().hashKVResult(in.getRevision());
                    // etcd (v3rpc/maintenance.go HashKV): the header carries the store's current revision,
                    // and compact_revision is -1 until the first compaction (mvcc compactMainRev).
                    long compactRevision = result.compactRevision() > 0 ? result.compactRevision() : -1;
                    return HashKVResponse.newBuilder()
                        .setHeader(member.header(member.store().currentRevision()))
                        .setHash((int) result.hash())
                        .setCompactRevision(compactRevision)
                        .build();
                  } catch (MvccException e) {
                    throw EtcdException.of(e);
                  }
                },
                blockingExecutor));
  }

  @Override
  public Source<SnapshotResponse, NotUsed> snapshot(SnapshotRequest in) {
    return GrpcErrors.mapFailures(SnapshotStream.of(member.store(), blockingExecutor));
  }

  /**
   * etcd 3.4.23: NOT_LEADER unless this member leads; BAD_LEADER_TRANSFEREE for an unknown or learner target;
   * a transfer to the leader itself succeeds at once with an empty response (no header, as etcd). Transfers
   * to another member need Raft and are answered UNIMPLEMENTED until then.
   */
  @Override
  public CompletionStage<MoveLeaderResponse> moveLeader(MoveLeaderRequest in) {
    return GrpcErrors.call(
        () -> {
          ClusterInfo cluster = member.cluster();
          long leaderId = member.raftStatus().leaderId();
          if (leaderId != cluster.memberId()) {
            throw EtcdError.NOT_LEADER.exception();
          }
          boolean votingMember =
              cluster.members().stream().anyMatch(m -> m.id() == in.getTargetID() && !m.learner());
          if (!votingMember) {
            throw EtcdError.BAD_LEADER_TRANSFEREE.exception();
          }
          if (in.getTargetID() == leaderId) {
            return CompletableFuture.completedFuture(MoveLeaderResponse.getDefaultInstance());
          }
          return member.moveLeader(in.getTargetID())
              .thenApply(v -> MoveLeaderResponse.newBuilder().setHeader(member.header()).build());
        });
  }
}
