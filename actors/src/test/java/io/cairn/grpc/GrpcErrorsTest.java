package io.cairn.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.grpc.GrpcServiceException;
import io.cairn.member.EtcdError;
import io.cairn.persistence.mvcc.MvccException;
import io.grpc.Status;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GrpcErrorsTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  @Test
  void etcdErrorsKeepTheirCodeAndMessage() {
    for (EtcdError error : EtcdError.values()) {
      Status status = GrpcErrors.toStatusException(error.exception()).getStatus();
      assertEquals(error.code(), status.getCode(), error.name());
      assertEquals(error.message(), status.getDescription(), error.name());
    }
  }

  @Test
  void wrappedAndStoreFailuresAreUnwrapped() {
    Status compacted =
        GrpcErrors.toStatusException(new CompletionException(new MvccException(MvccException.Code.COMPACTED)))
            .getStatus();
    assertEquals(Status.Code.OUT_OF_RANGE, compacted.getCode());
    assertEquals("etcdserver: mvcc: required revision has been compacted", compacted.getDescription());
  }

  @Test
  void unexpectedFailuresAreInternalWithTheirMessage() {
    Status status = GrpcErrors.toStatusException(new IllegalStateException("boom")).getStatus();
    assertEquals(Status.Code.INTERNAL, status.getCode());
    assertEquals("boom", status.getDescription());
  }

  /** A unary call cancelled by its client before the request arrived: CANCELLED, and no error logged. */
  @Test
  void aCallCancelledBeforeItsRequestIsAnsweredQuietly() {
    ch.qos.logback.classic.Logger logger =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(GrpcErrors.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender =
        new ch.qos.logback.core.read.ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try {
      Status status = GrpcErrors.toStatusException(new akka.grpc.internal.MissingParameterException()).getStatus();
      assertEquals(Status.Code.CANCELLED, status.getCode());
      assertEquals("etcdserver: request canceled", status.getDescription());
      assertTrue(appender.list.stream().noneMatch(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN)),
          "logged: " + appender.list);
    } finally {
      logger.detachAppender(appender);
    }
  }

  @Test
  void mappedExceptionsPassThrough() {
    GrpcServiceException mapped = new GrpcServiceException(Status.UNAVAILABLE.withDescription("x"));
    assertSame(mapped, GrpcErrors.toStatusException(new CompletionException(mapped)));
  }

  @Test
  void stagesFailWithTheStatusException() throws Exception {
    var failed = GrpcErrors.mapFailures(CompletableFuture.failedFuture(EtcdError.NO_LEADER.exception()));
    ExecutionException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            ExecutionException.class, () -> failed.toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
    assertTrue(e.getCause() instanceof GrpcServiceException);
    assertEquals(Status.Code.UNAVAILABLE, ((GrpcServiceException) e.getCause()).getStatus().getCode());

    var thrown = GrpcErrors.<String>call(() -> { throw EtcdError.EMPTY_KEY.exception(); });
    ExecutionException e2 =
        org.junit.jupiter.api.Assertions.assertThrows(
            ExecutionException.class, () -> thrown.toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
    assertEquals("etcdserver: key is not provided", ((GrpcServiceException) e2.getCause()).getStatus().getDescription());
  }
}
