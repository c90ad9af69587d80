package io.cairn.launcher.grpcproxy;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import akka.Done;
import akka.NotUsed;
import akka.grpc.GrpcServiceException;
import akka.grpc.javadsl.Metadata;
import akka.japi.Pair;
import akka.stream.BoundedSourceQueue;
import akka.stream.Materializer;
import akka.stream.javadsl.Keep;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.SinkQueueWithCancel;
import akka.stream.javadsl.Source;
import io.grpc.Status;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * A client's bidirectional call through a proxy service under test: requests offered when the test says (at most
 * 1000 queued), responses read only when the test asks, and the call's end. Reads wait at most 10 seconds.
 */
class ClientStream<Q, R> {
  final BoundedSourceQueue<Q> requests;
  final SinkQueueWithCancel<R> responses;
  final CompletionStage<Done> done;

  ClientStream(BiFunction<Source<Q, NotUsed>, Metadata, Source<R, NotUsed>> call, Metadata md, Materializer mat) {
    Pair<BoundedSourceQueue<Q>, Source<Q, NotUsed>> in = Source.<Q>queue(1000).preMaterialize(mat);
    requests = in.first();
    Pair<CompletionStage<Done>, SinkQueueWithCancel<R>> out = call.apply(in.second(), md)
        .watchTermination(Keep.right())
        .toMat(Sink.queue(), Keep.both())
        .run(mat);
    done = out.first();
    responses = out.second();
  }

  /** The next response; fails after 10 seconds or if the call ended. */
  R next() throws Exception {
    return responses.pull().toCompletableFuture().get(10, TimeUnit.SECONDS).orElseThrow();
  }

  /** The client cancels its call, as a client that goes away, and waits for its end. */
  void cancel() throws Exception {
    responses.cancel();
    done.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** The status the call failed with; fails if it completed instead. */
  Status failure() throws Exception {
    try {
      done.toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return assertInstanceOf(GrpcServiceException.class, e.getCause()).status();
    }
    throw new AssertionError("the stream completed instead of failing");
  }
}
