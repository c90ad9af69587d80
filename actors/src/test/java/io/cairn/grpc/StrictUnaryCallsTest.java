package io.cairn.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.http.javadsl.model.ContentType;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpEntity;
import akka.http.javadsl.model.HttpEntity.ChunkStreamPart;
import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.HttpMethods;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import com.typesafe.config.ConfigFactory;
import io.cairn.api.etcdserverpb.KV;
import io.cairn.api.etcdserverpb.PutRequest;
import io.cairn.api.etcdserverpb.PutResponse;
import io.cairn.api.etcdserverpb.ResponseHeader;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Which requests the strict fast path serves (one whole frame within the limit, on a registered method) and what
 * it answers; everything else must be left to the generated handlers. The wire behaviour through a real server
 * (statuses, oversized messages) is GrpcServerTest's.
 */
@Timeout(30)
class StrictUnaryCallsTest {
  private static final long MAX_MESSAGE_BYTES = 64;
  private static final ContentType GRPC = ContentTypes.parse("application/grpc");
  private static ActorSystem<Void> system;
  private static StrictUnaryCalls calls;

  @BeforeAll
  static void start() {
    system = ActorSystem.create(Behaviors.empty(), "strict-unary-calls-test", ConfigFactory.load());
    calls = new StrictUnaryCalls(MAX_MESSAGE_BYTES, GrpcErrors.exceptionHandler(), system)
        .add(KV.name, "Put", KV.Serializers.PutRequestSerializer, StrictUnaryCallsTest::put,
            KV.Serializers.PutResponseSerializer);
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  /** Answers with the value's length as the revision, or fails as an etcd error for an empty key. */
  private static CompletionStage<PutResponse> put(PutRequest request) {
    if (request.getKey().isEmpty()) {
      return CompletableFuture.failedFuture(
          new io.cairn.member.EtcdException(io.cairn.member.EtcdError.EMPTY_KEY));
    }
    return CompletableFuture.completedFuture(PutResponse.newBuilder()
        .setHeader(ResponseHeader.newBuilder().setRevision(request.getValue().size())).build());
  }

  private static ByteString frame(PutRequest message) {
    byte[] body = message.toByteArray();
    return ByteString.fromArray(new byte[] {0, 0, 0, 0, (byte) body.length}).concat(ByteString.fromArray(body));
  }

  private static PutRequest putOf(String key, int valueBytes) {
    return PutRequest.newBuilder()
        .setKey(com.google.protobuf.ByteString.copyFromUtf8(key))
        .setValue(com.google.protobuf.ByteString.copyFrom(new byte[valueBytes]))
        .build();
  }

  private static HttpRequest request(String path, ByteString body) {
    return HttpRequest.create(path).withMethod(HttpMethods.POST).withEntity(HttpEntities.create(GRPC, body));
  }

  /** The response's data chunks (gRPC frames), as a client reads them. */
  private static List<ByteString> read(HttpResponse response) throws Exception {
    return response.entity().getDataBytes().runWith(Sink.seq(), system).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** A gRPC trailer: a header of a trailers-only response, or a header of the last chunk. */
  private static String trailer(HttpResponse response, String name) throws Exception {
    Optional<String> header = response.getHeader(name).map(HttpHeader::value);
    if (header.isPresent() || !(response.entity() instanceof HttpEntity.Chunked chunked)) {
      return header.orElse(null);
    }
    List<ChunkStreamPart> parts =
        chunked.getChunks().runWith(Sink.seq(), system).toCompletableFuture().get(10, TimeUnit.SECONDS);
    for (ChunkStreamPart part : parts) {
      if (part.isLastChunk()) {
        for (HttpHeader trailer : part.getTrailerHeaders()) {
          if (trailer.is(name)) {
            return trailer.value();
          }
        }
      }
    }
    return null;
  }

  @Test
  void aWholeFrameIsAnsweredInPlace() throws Exception {
    Optional<CompletionStage<HttpResponse>> answer = calls.handle(request("/etcdserverpb.KV/Put", frame(putOf("k", 7))));
    assertTrue(answer.isPresent());
    HttpResponse response = answer.get().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(200, response.status().intValue());
    ByteString body = read(response).get(0);
    PutResponse decoded = PutResponse.parseFrom(body.drop(5).toArray());
    assertEquals(7, decoded.getHeader().getRevision());
  }

  @Test
  void aFailureIsAnsweredWithItsStatusAsTheGeneratedHandlersDo() throws Exception {
    HttpResponse response =
        calls.handle(request("/etcdserverpb.KV/Put", frame(putOf("", 1)))).orElseThrow()
            .toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals("3", trailer(response, "grpc-status")); // INVALID_ARGUMENT
    assertEquals("etcdserver: key is not provided", trailer(response, "grpc-message"));
  }

  @Test
  void otherRequestsAreLeftToTheGeneratedHandlers() {
    ByteString whole = frame(putOf("k", 1));
    assertTrue(calls.handle(request("/etcdserverpb.KV/Range", whole)).isEmpty(), "a method not registered");
    assertTrue(calls.handle(request("/etcdserverpb.KV/Put", whole.concat(whole))).isEmpty(), "two frames");
    assertTrue(calls.handle(request("/etcdserverpb.KV/Put", whole.take(whole.size() - 1))).isEmpty(), "a cut frame");
    assertTrue(calls.handle(request("/etcdserverpb.KV/Put", ByteString.emptyByteString())).isEmpty(), "no frame");
    assertTrue(calls.handle(request("/etcdserverpb.KV/Put", frame(putOf("k", (int) MAX_MESSAGE_BYTES)))).isEmpty(),
        "over the message limit");
    HttpRequest streamed = HttpRequest.create("/etcdserverpb.KV/Put").withMethod(HttpMethods.POST)
        .withEntity(HttpEntities.createChunked(GRPC, Source.single(whole)));
    assertTrue(calls.handle(streamed).isEmpty(), "a streamed entity");
  }
}
