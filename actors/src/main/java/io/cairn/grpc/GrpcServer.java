package io.cairn.grpc;

import akka.actor.typed.ActorSystem;
import akka.http.javadsl.ServerBinding;
import io.cairn.launcher.CairnConfig;
import io.cairn.member.MemberApi;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Serves every etcd service (KV, Watch, Lease, Cluster, Maintenance, Auth, Lock, Election) on each
 * --listen-client-urls address: h2c for http://, TLS for https://.
 */
public final class GrpcServer {
  private GrpcServer() {}

  public static CompletionStage<List<ServerBinding>> bind(CairnConfig config, MemberApi member, ActorSystem<?> system) {
    throw new UnsupportedOperationException("TODO");
  }
}
