package io.cairn.launcher.grpcproxy;

import akka.grpc.javadsl.Metadata;
import akka.NotUsed;
import akka.stream.javadsl.Source;
import io.cairn.api.etcdserverpb.*;
import java.util.concurrent.CompletionStage;

/** Maintenance calls forwarded unchanged, as etcd's maintenanceProxy does (to the connection the client picked). */
final class MaintenanceProxy implements MaintenancePowerApi {
  private final MaintenanceClient client;

  MaintenanceProxy(MaintenanceClient client) {
    this.client = client;
  }

  @Override
  public CompletionStage<AlarmResponse> alarm(AlarmRequest in, Metadata metadata) {
    return CallMetadata.forward(client.alarm(), metadata).invoke(in);
  }

  @Override
  public CompletionStage<StatusResponse> status(StatusRequest in, Metadata metadata) {
    return CallMetadata.forward(client.status(), metadata).invoke(in);
  }

  @Override
  public CompletionStage<DefragmentResponse> defragment(DefragmentRequest in, Metadata metadata) {
    return CallMetadata.forward(client.defragment(), metadata).invoke(in);
  }

  @Override
  public CompletionStage<HashResponse> hash(HashRequest in, Metadata metadata) {
    return CallMetadata.forward(client.hash(), metadata).invoke(in);
  }

  @Override
  public CompletionStage<HashKVResponse> hashKV(HashKVRequest in, Metadata metadata) {
    return CallMetadata.forward(client.hashKV(), metadata).invoke(in);
  }

  @Override
  public Source<SnapshotResponse, NotUsed> snapshot(SnapshotRequest in, Metadata metadata) {
    return CallMetadata.forward(client.snapshot(), metadata).invoke(in);
  }

  @Override
  public CompletionStage<MoveLeaderResponse> moveLeader(MoveLeaderRequest in, Metadata metadata) {
    return CallMetadata.forward(client.moveLeader(), metadata).invoke(in);
  }
}
