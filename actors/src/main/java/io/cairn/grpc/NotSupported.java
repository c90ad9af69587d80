package io.cairn.grpc;

import akka.grpc.GrpcServiceException;
import io.grpc.Status;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** UNIMPLEMENTED answers for etcd features Cairn does not have yet. */
final class NotSupported {
  static final String RECONFIGURATION = "cairn: runtime reconfiguration is not supported yet";
  static final String AUTH = "cairn: auth is not supported yet";

  private NotSupported() {}

  static <T> CompletionStage<T> answer(String message) {
    return CompletableFuture.failedFuture(
        new GrpcServiceException(Status.UNIMPLEMENTED.withDescription(message)));
  }
}
