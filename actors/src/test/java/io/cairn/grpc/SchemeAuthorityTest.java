package io.cairn.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.http.javadsl.ServerBinding;
import com.typesafe.config.ConfigFactory;
import io.cairn.api.etcdserverpb.MemberListRequest;
import io.cairn.api.etcdserverpb.MemberListResponse;
import io.cairn.member.ServerLimits;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.ProtoUtils;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * etcd 3.4 clients (etcdctl endpoint status/health --cluster) send ":authority: http://host:port"; the h2c listener
 * must answer them instead of dropping the connection as bare Akka HTTP 10.2.10 does.
 */
@Timeout(60)
class SchemeAuthorityTest {
  private static final MethodDescriptor<MemberListRequest, MemberListResponse> MEMBER_LIST =
      MethodDescriptor.<MemberListRequest, MemberListResponse>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName("etcdserverpb.Cluster/MemberList")
          .setRequestMarshaller(ProtoUtils.marshaller(MemberListRequest.getDefaultInstance()))
          .setResponseMarshaller(ProtoUtils.marshaller(MemberListResponse.getDefaultInstance()))
          .build();

  private static ActorSystem<Void> system;
  private static int port;

  @BeforeAll
  static void bind() throws Exception {
    system =
        ActorSystem.create(
            Behaviors.empty(),
            "scheme-authority-test",
            ConfigFactory.parseString("akka.http.server.preview.enable-http2 = on").withFallback(ConfigFactory.load()));
    FakeMember member = new FakeMember(new ServerLimits(1024, 128, 1L << 30));
    List<ServerBinding> bindings =
        GrpcServer.bind(GrpcServerTest.config(URI.create("http://127.0.0.1:0")), member, system)
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    port = bindings.get(0).localAddress().getPort();
  }

  @AfterAll
  static void stop() {
    if (system != null) {
      system.terminate();
    }
  }

  @Test
  void schemePrefixedAuthorityGetsANormalAnswer() throws Exception {
    for (String authority : List.of("http://127.0.0.1:" + port, "127.0.0.1:" + port)) {
      ManagedChannel channel =
          NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().overrideAuthority(authority).build();
      try {
        // Several calls on one connection: the client's HPACK dynamic table is in use from the second one on.
        for (int i = 0; i < 3; i++) {
          MemberListResponse members = call(channel).get(10, TimeUnit.SECONDS);
          assertEquals(FakeMember.MEMBER_ID, members.getMembers(0).getID(), authority);
        }
      } finally {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      }
    }
  }

  /** A unary call by hand: grpc-stub is not on the classpath. */
  private static CompletableFuture<MemberListResponse> call(ManagedChannel channel) {
    CompletableFuture<MemberListResponse> result = new CompletableFuture<>();
    ClientCall<MemberListRequest, MemberListResponse> call = channel.newCall(MEMBER_LIST, CallOptions.DEFAULT);
    call.start(
        new ClientCall.Listener<>() {
          private MemberListResponse response;

          @Override
          public void onMessage(MemberListResponse message) {
            response = message;
          }

          @Override
          public void onClose(Status status, Metadata trailers) {
            if (status.isOk() && response != null) {
              result.complete(response);
            } else {
              result.completeExceptionally(status.asRuntimeException(trailers));
            }
          }
        },
        new Metadata());
    call.request(1);
    call.sendMessage(MemberListRequest.getDefaultInstance());
    call.halfClose();
    return result;
  }
}
