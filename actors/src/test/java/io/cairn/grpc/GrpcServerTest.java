package io.cairn.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.grpc.GrpcClientSettings;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpHeader;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import com.google.protobuf.ByteString;
import com.typesafe.config.ConfigFactory;
import io.cairn.api.etcdserverpb.AuthClient;
import io.cairn.api.etcdserverpb.AuthEnableRequest;
import io.cairn.api.etcdserverpb.AuthStatusRequest;
import io.cairn.api.etcdserverpb.ClusterClient;
import io.cairn.api.etcdserverpb.KVClient;
import io.cairn.api.etcdserverpb.MaintenanceClient;
import io.cairn.api.etcdserverpb.MemberListRequest;
import io.cairn.api.etcdserverpb.MemberListResponse;
import io.cairn.api.etcdserverpb.MemberRemoveRequest;
import io.cairn.api.etcdserverpb.MoveLeaderRequest;
import io.cairn.api.etcdserverpb.PutRequest;
import io.cairn.api.etcdserverpb.PutResponse;
import io.cairn.api.etcdserverpb.RangeRequest;
import io.cairn.api.etcdserverpb.TxnRequest;
import io.cairn.launcher.CairnConfig;
import io.cairn.launcher.config.ConfigLoader;
import io.cairn.member.ServerLimits;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Binds the real server on an ephemeral port in front of a fake member and calls it as a client would. */
@Timeout(60)
class GrpcServerTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final long MAX_REQUEST_BYTES = 1024;

  private static ActorSystem<Void> system;
  private static FakeMember member;
  private static int port;
  private static GrpcClientSettings settings;

  @BeforeAll
  static void bind() throws Exception {
    system =
        ActorSystem.create(
            Behaviors.empty(),
            "grpc-server-test",
            ConfigFactory.parseString("akka.http.server.preview.enable-http2 = on").withFallback(ConfigFactory.load()));
    member = new FakeMember(new ServerLimits(MAX_REQUEST_BYTES, 128, 1L << 30));
    List<ServerBinding> bindings = await(GrpcServer.bind(config(URI.create("http://127.0.0.1:0")), member, system));
    port = bindings.get(0).localAddress().getPort();
    // The akka-http client backend: the netty one of Akka gRPC 2.1.6 fails on grpc-java 1.68 ("null authority").
    settings = GrpcClientSettings.connectToServiceAt("127.0.0.1", port, system).withTls(false).withBackend("akka-http");
  }

  @AfterAll
  static void stop() {
    if (system != null) {
      system.terminate();
    }
  }

  /** Through etcd's flags, so the test does not depend on CairnConfig's shape. */
  static CairnConfig config(URI listenUrl) throws Exception {
    return ConfigLoader.load(
        new String[] {
          "--listen-client-urls", listenUrl.toString(),
          "--advertise-client-urls", "http://127.0.0.1:2379",
          "--max-request-bytes", Long.toString(MAX_REQUEST_BYTES)
        },
        Map.of());
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  private static Status failureOf(CompletionStage<?> stage) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> await(stage));
    assertTrue(e.getCause() instanceof StatusRuntimeException, () -> "not a status: " + e.getCause());
    return ((StatusRuntimeException) e.getCause()).getStatus();
  }

  private static void assertStatus(Status.Code code, String message, CompletionStage<?> call) {
    Status status = failureOf(call);
    assertEquals(code, status.getCode());
    assertEquals(message, status.getDescription());
  }

  @Test
  void emptyKeyIsRefusedAsEtcdDoes() {
    KVClient kv = KVClient.create(settings, system);
    try {
      assertStatus(
          Status.Code.INVALID_ARGUMENT, "etcdserver: key is not provided", kv.range(RangeRequest.getDefaultInstance()));
      assertStatus(
          Status.Code.INVALID_ARGUMENT,
          "etcdserver: key not found",
          kv.txn(TxnRequest.newBuilder().addSuccess(io.cairn.api.etcdserverpb.RequestOp.getDefaultInstance()).build()));
    } finally {
      kv.close();
    }
  }

  @Test
  void putIsProposedAndAnsweredWithTheAppliedResponse() throws Exception {
    KVClient kv = KVClient.create(settings, system);
    try {
      PutRequest put = PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("k")).setValue(ByteString.copyFromUtf8("v")).build();
      PutResponse response = await(kv.put(put));
      assertEquals(2, response.getHeader().getRevision());
      assertEquals(FakeMember.MEMBER_ID, response.getHeader().getMemberId());
      assertTrue(member.proposals.stream().anyMatch(p -> p.getPut().equals(put)));
    } finally {
      kv.close();
    }
  }

  @Test
  void oversizedRequestsAreRefused() {
    KVClient kv = KVClient.create(settings, system);
    try {
      PutRequest tooLarge =
          PutRequest.newBuilder()
              .setKey(ByteString.copyFromUtf8("k"))
              .setValue(ByteString.copyFrom(new byte[(int) MAX_REQUEST_BYTES]))
              .build();
      // (Over --max-request-bytes alone is the member's REQUEST_TOO_LARGE: MemberNodeTest.)
      // Over max-request-bytes + 512 KiB the message itself is refused, as grpc-go's MaxRecvMsgSize does.
      PutRequest overGrpcLimit = tooLarge.toBuilder().setValue(ByteString.copyFrom(new byte[600 * 1024])).build();
      Status status = failureOf(kv.put(overGrpcLimit));
      assertEquals(Status.Code.RESOURCE_EXHAUSTED, status.getCode());
      assertTrue(status.getDescription().startsWith("grpc: received message larger than max"), status.getDescription());
    } finally {
      kv.close();
    }
  }

  @Test
  void memberFailuresKeepEtcdsStatus() {
    KVClient kv = KVClient.create(settings, system);
    try {
      assertStatus(
          Status.Code.UNAVAILABLE,
          "etcdserver: no leader",
          kv.deleteRange(io.cairn.api.etcdserverpb.DeleteRangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("k")).build()));
    } finally {
      kv.close();
    }
  }

  @Test
  void clusterAndAuthAnswerAsASingleMemberWithoutAuth() throws Exception {
    ClusterClient cluster = ClusterClient.create(settings, system);
    AuthClient auth = AuthClient.create(settings, system);
    MaintenanceClient maintenance = MaintenanceClient.create(settings, system);
    try {
      MemberListResponse members = await(cluster.memberList(MemberListRequest.getDefaultInstance()));
      assertEquals(1, members.getMembersCount());
      assertEquals(FakeMember.MEMBER_ID, members.getMembers(0).getID());
      assertEquals(List.of("http://localhost:2380"), members.getMembers(0).getPeerURLsList());
      assertEquals(0, members.getHeader().getRevision());
      // The stub member has no Reconfiguration; the real one is exercised by the cluster process tests.
      assertStatus(
          Status.Code.UNAVAILABLE,
          "etcdserver: not capable",
          cluster.memberRemove(MemberRemoveRequest.newBuilder().setID(42).build()));

      assertFalse(await(auth.authStatus(AuthStatusRequest.getDefaultInstance())).getEnabled());
      assertStatus(
          Status.Code.FAILED_PRECONDITION,
          "etcdserver: root user does not exist",
          auth.authEnable(AuthEnableRequest.getDefaultInstance()));

      await(maintenance.moveLeader(MoveLeaderRequest.newBuilder().setTargetID(FakeMember.MEMBER_ID).build()));
      assertStatus(
          Status.Code.FAILED_PRECONDITION,
          "etcdserver: bad leader transferee",
          maintenance.moveLeader(MoveLeaderRequest.newBuilder().setTargetID(0x1234).build()));
    } finally {
      cluster.close();
      auth.close();
      maintenance.close();
    }
  }

  @Test
  void plainHttpVersionAndHealthAnswerLikeEtcd() throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
    HttpResponse<String> version =
        http.send(
            java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/version")).timeout(TIMEOUT).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, version.statusCode());
    assertEquals("{\"etcdserver\":\"3.4.23\",\"etcdcluster\":\"3.4.0\"}", version.body());
    // The fake member has no store: the health check cannot read alarms, so it answers unhealthy.
    HttpResponse<String> health =
        http.send(
            java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).timeout(TIMEOUT).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(503, health.statusCode());
    assertEquals("{\"health\":\"false\"}", health.body());
  }

  @Test
  void responsesGoOutUncompressedEvenToClientsThatAcceptGzip() throws Exception {
    // grpc-java (jetcd) always sends grpc-accept-encoding: gzip; etcd answers uncompressed, and so must Cairn.
    byte[] put = PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("gz")).setValue(ByteString.copyFromUtf8("v")).build().toByteArray();
    akka.util.ByteString frame = akka.util.ByteString.fromArray(new byte[] {0, 0, 0, 0, (byte) put.length})
        .concat(akka.util.ByteString.fromArray(put));
    akka.http.javadsl.model.HttpRequest request = akka.http.javadsl.model.HttpRequest.POST("/etcdserverpb.KV/Put")
        .addHeader(HttpHeader.parse("grpc-accept-encoding", "gzip"))
        .addHeader(HttpHeader.parse("te", "trailers"))
        .withEntity(ContentTypes.parse("application/grpc"), frame);
    akka.http.javadsl.model.HttpResponse response = await(
        Source.single(request)
            .via(Http.get(system).connectionTo("127.0.0.1").toPort(port).http2WithPriorKnowledge())
            .runWith(Sink.head(), system));
    akka.util.ByteString body = await(response.entity().toStrict(TIMEOUT.toMillis(), system)).getData();
    assertFalse(response.getHeader("grpc-encoding").filter(h -> !h.value().equals("identity")).isPresent(),
        "grpc-encoding " + response.getHeader("grpc-encoding"));
    assertEquals(0, body.apply(0), "compressed-flag of the response frame");
    PutResponse decoded = PutResponse.parseFrom(body.drop(5).toArray());
    assertEquals(FakeMember.MEMBER_ID, decoded.getHeader().getMemberId());
  }
}
