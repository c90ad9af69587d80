package io.cairn.grpc;

import akka.NotUsed;
import akka.actor.ActorSystem;
import akka.grpc.GrpcServiceException;
import akka.grpc.Trailers;
import akka.grpc.internal.MissingParameterException;
import akka.japi.pf.PFBuilder;
import akka.stream.javadsl.Source;
import io.cairn.member.EtcdException;
import io.cairn.persistence.mvcc.MvccException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns failures into the gRPC status etcd 3.4 would send (etcdserver/api/v3rpc/util.go togRPCError): an
 * {@link EtcdException} becomes its exact code and message; anything unexpected becomes INTERNAL with its
 * message and is logged once, here. Every service (KV, Watch, Lease, Lock, Election...) uses these helpers.
 */
public final class GrpcErrors {
  private static final Logger log = LoggerFactory.getLogger(GrpcErrors.class);
  /** etcd's rpctypes.ErrGRPCCanceled, what etcd answers a call its client cancelled (context.Canceled). */
  static final String CANCELLED_MESSAGE = "etcdserver: request canceled";

  private GrpcErrors() {}

  /** The status exception a failure stands for; already-mapped exceptions pass through unchanged. */
  public static GrpcServiceException toStatusException(Throwable failure) {
    Throwable cause = unwrap(failure);
    if (cause instanceof GrpcServiceException mapped) {
      return mapped;
    }
    if (cause instanceof EtcdException etcd) {
      return new GrpcServiceException(
          Status.fromCode(etcd.error().code()).withDescription(etcd.error().message()));
    }
    if (cause instanceof MvccException mvcc) {
      return toStatusException(EtcdException.of(mvcc));
    }
    if (cause instanceof StatusRuntimeException status) {
      return new GrpcServiceException(status.getStatus());
    }
    if (cause instanceof MissingParameterException) {
      // Akka gRPC's unary request stream ended without a message: the client cancelled (RST_STREAM) before
      // its request arrived, typically after its own deadline. Not a server fault: etcd (grpc-go) answers a
      // cancelled call with CANCELLED, and the client is gone anyway, so no error log either.
      log.debug("unary call cancelled before its request arrived");
      return new GrpcServiceException(Status.CANCELLED.withDescription(CANCELLED_MESSAGE));
    }
    if (cause instanceof UnsupportedOperationException) {
      // As Akka gRPC's default mapper: a not-yet-implemented operation is UNIMPLEMENTED, not a server fault.
      return new GrpcServiceException(Status.UNIMPLEMENTED.withDescription(cause.getMessage()));
    }
    log.error("Unexpected failure answered as INTERNAL", cause);
    return new GrpcServiceException(Status.INTERNAL.withDescription(String.valueOf(cause.getMessage())));
  }

  /** The same stage, failing with a {@link GrpcServiceException} instead of whatever it failed with. */
  public static <T> CompletionStage<T> mapFailures(CompletionStage<T> stage) {
    CompletableFuture<T> mapped = new CompletableFuture<>();
    stage.whenComplete(
        (value, failure) -> {
          if (failure == null) {
            mapped.complete(value);
          } else {
            mapped.completeExceptionally(toStatusException(failure));
          }
        });
    return mapped;
  }

  /** Runs a handler body, so that a synchronous throw (a failed request check) fails the stage alike. */
  public static <T> CompletionStage<T> call(Supplier<? extends CompletionStage<T>> body) {
    try {
      return mapFailures(body.get());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(toStatusException(e));
    }
  }

  /** A stream that fails with a {@link GrpcServiceException} instead of whatever it failed with. */
  public static <T> Source<T, NotUsed> mapFailures(Source<T, NotUsed> source) {
    return source.mapError(
        new PFBuilder<Throwable, Throwable>().match(Throwable.class, GrpcErrors::toStatusException).build());
  }

  /** The eHandler every generated handler factory is created with: the status is decided here. */
  public static akka.japi.Function<ActorSystem, akka.japi.Function<Throwable, Trailers>> exceptionHandler() {
    return system -> failure -> new Trailers(toStatusException(failure).getStatus());
  }

  private static Throwable unwrap(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }
}
