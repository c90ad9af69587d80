package io.cairn.grpc;

import akka.actor.ActorSystem;
import akka.actor.ClassicActorSystemProvider;
import akka.grpc.ProtobufSerializer;
import akka.grpc.Trailers;
import akka.grpc.javadsl.GrpcExceptionHandler;
import akka.grpc.javadsl.GrpcMarshalling;
import akka.http.javadsl.model.HttpEntity;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.util.ByteString;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The hot unary calls (KV's Range, Put, DeleteRange, Txn), served straight from a request whose one gRPC frame
 * arrived whole. Akka gRPC 2.1's generated Java handlers read every unary request through a stream they
 * materialize per call ({@code GrpcMarshalling.unmarshal}: a new stream actor, and a hand-off to it and back,
 * for one message that is already in memory). Here the frame is decoded in place with the negotiated codec
 * ({@code decodeSingleFrame}) and answered with Akka gRPC's own marshalling and exception handling, so the wire
 * format and the error trailers are those of the generated handler. Anything else (a streamed entity, no frame
 * or more than one, an oversized message, other methods) goes to the generated handlers unchanged, where
 * {@link FrameSizeGuard} bounds it.
 */
final class StrictUnaryCalls {
  private record Method<I, O>(ProtobufSerializer<I> in, Function<I, CompletionStage<O>> call, ProtobufSerializer<O> out) {}

  private final Map<String, Method<?, ?>> methodsByPath = new HashMap<>();
  private final long maxMessageBytes;
  private final akka.japi.Function<ActorSystem, akka.japi.Function<Throwable, Trailers>> errors;
  private final ClassicActorSystemProvider system;

  StrictUnaryCalls(
      long maxMessageBytes,
      akka.japi.Function<ActorSystem, akka.japi.Function<Throwable, Trailers>> errors,
      ClassicActorSystemProvider system) {
    this.maxMessageBytes = maxMessageBytes;
    this.errors = errors;
    this.system = system;
  }

  /** Registers {@code /<service>/<method>}. */
  <I, O> StrictUnaryCalls add(
      String service, String method, ProtobufSerializer<I> in, Function<I, CompletionStage<O>> call,
      ProtobufSerializer<O> out) {
    methodsByPath.put("/" + service + "/" + method, new Method<>(in, call, out));
    return this;
  }

  /** The answer, or empty when the request is not one this class serves (the generated handlers take it). */
  Optional<CompletionStage<HttpResponse>> handle(HttpRequest request) {
    if (!(request.entity() instanceof HttpEntity.Strict strict)) {
      return Optional.empty();
    }
    Method<?, ?> method = methodsByPath.get(request.getUri().path());
    if (method == null || !isOneFrameWithinLimit(strict.getData())) {
      return Optional.empty();
    }
    return GrpcMarshalling.negotiated(request, (reader, writer) -> answer(method, strict.getData(), reader, writer));
  }

  private <I, O> CompletionStage<HttpResponse> answer(
      Method<I, O> method,
      ByteString frame,
      akka.grpc.GrpcProtocol.GrpcProtocolReader reader,
      akka.grpc.GrpcProtocol.GrpcProtocolWriter writer) {
    CompletionStage<O> result;
    try {
      I message = method.in().deserialize(reader.decodeSingleFrame().apply(frame));
      result = method.call().apply(message);
    } catch (RuntimeException e) {
      result = CompletableFuture.failedFuture(e);
    }
    return result
        .thenApply(response -> GrpcMarshalling.marshal(response, method.out(), writer, system, errors))
        .exceptionally(failure -> GrpcExceptionHandler.standard(failure, errors, writer, system));
  }

  /** Exactly one frame: a 5-byte header (flag, 32-bit length) and that many bytes, no more than the limit. */
  private boolean isOneFrameWithinLimit(ByteString data) {
    if (data.size() < FrameSizeGuard.HEADER_BYTES) {
      return false;
    }
    long length = FrameSizeGuard.messageLength(data);
    return length <= maxMessageBytes && data.size() == FrameSizeGuard.HEADER_BYTES + length;
  }
}
