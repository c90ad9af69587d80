package io.cairn.launcher.grpcproxy;

import akka.actor.typed.ActorSystem;
import akka.grpc.javadsl.ServiceHandler;
import akka.http.javadsl.Http;
import akka.http.javadsl.HttpsConnectionContext;
import akka.http.javadsl.ServerBinding;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.japi.function.Function;
import io.cairn.api.etcdserverpb.AuthPowerApiHandlerFactory;
import io.cairn.api.etcdserverpb.ClusterPowerApiHandlerFactory;
import io.cairn.api.etcdserverpb.KVPowerApiHandlerFactory;
import io.cairn.api.etcdserverpb.LeasePowerApiHandlerFactory;
import io.cairn.api.etcdserverpb.MaintenancePowerApiHandlerFactory;
import io.cairn.api.etcdserverpb.WatchPowerApiHandlerFactory;
import io.cairn.api.v3electionpb.ElectionPowerApiHandlerFactory;
import io.cairn.api.v3lockpb.LockPowerApiHandlerFactory;
import io.cairn.grpc.GrpcErrors;
import io.cairn.grpc.HttpEndpoints;
import io.cairn.grpc.h2.H2cFrontDoor;
import java.util.concurrent.CompletionStage;

/**
 * The proxy's listeners: every etcd service plus /health and /metrics on the listen address (h2c as the member's
 * http:// client URLs, behind the same {@link H2cFrontDoor}, or TLS with --cert-file/--key-file), and /health and
 * /metrics alone on --metrics-addr. Member errors reach the client with their status and message (GrpcErrors).
 */
final class ProxyServer {
  private ProxyServer() {}

  @SuppressWarnings("unchecked")
  static Function<HttpRequest, CompletionStage<HttpResponse>> handler(MemberClients members, Namespace ns,
      ClusterProxy cluster, ProxyHttpEndpoints http, ActorSystem<?> system) {
    var errors = GrpcErrors.exceptionHandler();
    var kv = new KvProxy(members.kv, ns, new RangeCache(RangeCache.DEFAULT_MAX_ENTRIES));
    Function<HttpRequest, CompletionStage<HttpResponse>> grpc = ServiceHandler.concatOrNotFound(
        KVPowerApiHandlerFactory.create(kv, errors, system),
        WatchPowerApiHandlerFactory.create(new WatchProxy(members.watch, ns, system), errors, system),
        LeasePowerApiHandlerFactory.create(new LeaseProxy(members.lease, ns, system), errors, system),
        ClusterPowerApiHandlerFactory.create(cluster, errors, system),
        MaintenancePowerApiHandlerFactory.create(new MaintenanceProxy(members.maintenance), errors, system),
        AuthPowerApiHandlerFactory.create(new AuthProxy(members.auth), errors, system),
        LockPowerApiHandlerFactory.create(new LockProxy(members.lock, ns), errors, system),
        ElectionPowerApiHandlerFactory.create(new ElectionProxy(members.election, ns), errors, system));
    return request -> HttpEndpoints.isGrpc(request)
        ? grpc.apply(HttpEndpoints.withoutResponseCompression(request)) : http.answer(request);
  }

  /** {@code tls}: null for h2c. */
  static CompletionStage<ServerBinding> bind(MemberEndpoints.Endpoint at, HttpsConnectionContext tls,
      Function<HttpRequest, CompletionStage<HttpResponse>> handler, ActorSystem<?> system) {
    return tls == null ? H2cFrontDoor.bind(at.host(), at.port(), handler, system)
        : Http.get(system).newServerAt(at.host(), at.port()).enableHttps(tls).bind(handler);
  }

  /** --metrics-addr: HTTP/1.1 (or https) with /health and /metrics only. */
  static CompletionStage<ServerBinding> bindMetrics(MemberEndpoints.Endpoint at, HttpsConnectionContext tls,
      ProxyHttpEndpoints http, ActorSystem<?> system) {
    var server = Http.get(system).newServerAt(at.host(), at.port());
    return (tls == null ? server : server.enableHttps(tls)).bind(http::answer);
  }
}
