package io.cairn.grpc;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.DispatcherSelector;
import akka.grpc.javadsl.ServiceHandler;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.japi.function.Function;
import io.cairn.api.etcdserverpb.AuthHandlerFactory;
import io.cairn.api.etcdserverpb.ClusterHandlerFactory;
import io.cairn.api.etcdserverpb.KV;
import io.cairn.api.etcdserverpb.KVHandlerFactory;
import io.cairn.api.etcdserverpb.LeaseHandlerFactory;
import io.cairn.api.etcdserverpb.MaintenanceHandlerFactory;
import io.cairn.api.etcdserverpb.WatchHandlerFactory;
import io.cairn.api.v3electionpb.ElectionHandlerFactory;
import io.cairn.api.v3lockpb.LockHandlerFactory;
import io.cairn.grpc.h2.H2cFrontDoor;
import io.cairn.launcher.CairnConfig;
import io.cairn.member.MemberApi;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Serves every etcd service (KV, Watch, Lease, Cluster, Maintenance, Auth, Lock, Election) on each
 * --listen-client-urls address: h2c for http:// (behind {@link H2cFrontDoor}), TLS for https://. The HTTP/2 server needs
 * akka.http.server.preview.enable-http2 = on. Non-gRPC GET /health, /version and /metrics are answered as etcd does,
 * /v2/members with --enable-v2 ({@link V2MembersEndpoint}).
 */
public final class GrpcServer {
  private GrpcServer() {}

  public static CompletionStage<List<ServerBinding>> bind(CairnConfig config, MemberApi member, ActorSystem<?> system) {
    Function<HttpRequest, CompletionStage<HttpResponse>> handler = handler(member, system, config.enableV2());
    return bindAll(config.listenClientUrls(), url -> bind(url, config, handler, system));
  }

  /** Binds every URL; completes with the bindings in the URLs' order once all are bound. */
  static CompletionStage<List<ServerBinding>> bindAll(
      List<URI> urls, java.util.function.Function<URI, CompletionStage<ServerBinding>> bind) {
    List<CompletableFuture<ServerBinding>> bindings = new ArrayList<>();
    for (URI url : urls) {
      bindings.add(bind.apply(url).toCompletableFuture());
    }
    return CompletableFuture.allOf(bindings.toArray(new CompletableFuture<?>[0]))
        .thenApply(ignored -> bindings.stream().map(CompletableFuture::join).toList());
  }

  /**
   * All services behind one handler; every factory gets GrpcErrors' handler so etcd's statuses go out. With
   * --enable-v2 the v2 members API is served too (etcd's v2http client handler).
   */
  static Function<HttpRequest, CompletionStage<HttpResponse>> handler(
      MemberApi member, ActorSystem<?> system, boolean enableV2) {
    V2MembersEndpoint v2Members = enableV2 ? new V2MembersEndpoint(member, system) : null;
    Executor blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
    var errors = GrpcErrors.exceptionHandler();
    long maxMessageBytes = RequestChecks.maxReceiveMessageBytes(member.limits());
    KvService kv = new KvService(member, blocking);
    StrictUnaryCalls strictCalls = new StrictUnaryCalls(maxMessageBytes, errors, system)
        .add(KV.name, "Range", KV.Serializers.RangeRequestSerializer, kv::range, KV.Serializers.RangeResponseSerializer)
        .add(KV.name, "Put", KV.Serializers.PutRequestSerializer, kv::put, KV.Serializers.PutResponseSerializer)
        .add(KV.name, "DeleteRange", KV.Serializers.DeleteRangeRequestSerializer, kv::deleteRange,
            KV.Serializers.DeleteRangeResponseSerializer)
        .add(KV.name, "Txn", KV.Serializers.TxnRequestSerializer, kv::txn, KV.Serializers.TxnResponseSerializer);
    @SuppressWarnings("unchecked")
    Function<HttpRequest, CompletionStage<HttpResponse>> grpc =
        ServiceHandler.concatOrNotFound(
            KVHandlerFactory.create(kv, errors, system),
            WatchHandlerFactory.create(new WatchService(member, system), errors, system),
            LeaseHandlerFactory.create(new LeaseService(member, system), errors, system),
            ClusterHandlerFactory.create(new ClusterService(member), errors, system),
            MaintenanceHandlerFactory.create(new MaintenanceService(member, blocking), errors, system),
            AuthHandlerFactory.create(new AuthService(member), errors, system),
            LockHandlerFactory.create(new LockService(member, system), errors, system),
            ElectionHandlerFactory.create(new ElectionService(member, system), errors, system));
    return received -> {
      if (HttpEndpoints.isGrpc(received)) {
        HttpRequest request = HttpEndpoints.withoutResponseCompression(received);
        Optional<CompletionStage<HttpResponse>> strict = strictCalls.handle(request);
        if (strict.isPresent()) {
          return strict.get();
        }
        // Per-message bound instead of a per-request one: Watch and LeaseKeepAlive requests live for hours.
        return grpc.apply(
            request.withEntity(
                HttpEntities.createChunked(
                    request.entity().getContentType(),
                    request.entity().withoutSizeLimit().getDataBytes().via(FrameSizeGuard.flow(maxMessageBytes)))));
      }
      if (v2Members != null && V2MembersEndpoint.matches(received.getUri().path())) {
        return v2Members.answer(received);
      }
      // etcd's HTTP mux takes every non-gRPC request and answers a path it does not serve with Go's http.NotFound
      // (e.g. /v2/members without --enable-v2): such requests never reach the gRPC handlers
      return HttpEndpoints.answer(received, member)
          .orElseGet(() -> CompletableFuture.completedFuture(HttpEndpoints.notFound()));
    };
  }

  /**
   * h2c goes through {@link H2cFrontDoor}: etcd 3.4 clients send ":authority: http://host:port" there, which Akka HTTP
   * rejects. Over TLS they send a plain host:port (the TLS server name), so https binds Akka HTTP directly.
   */
  private static CompletionStage<ServerBinding> bind(
      URI url, CairnConfig config, Function<HttpRequest, CompletionStage<HttpResponse>> handler, ActorSystem<?> system) {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase();
    if (url.getHost() == null || url.getPort() < 0) {
      throw new IllegalArgumentException("listen client URL needs a host and a port: " + url);
    }
    return switch (scheme) {
      case "http" -> H2cFrontDoor.bind(url.getHost(), url.getPort(), handler, system);
      case "https" ->
          Http.get(system)
              .newServerAt(url.getHost(), url.getPort())
              .enableHttps(TlsContexts.server(config.clientTls()))
              .bind(handler);
      default -> throw new IllegalArgumentException("unsupported listen client URL scheme: " + url);
    };
  }
}
