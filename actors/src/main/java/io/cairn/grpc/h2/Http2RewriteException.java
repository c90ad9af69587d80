package io.cairn.grpc.h2;

/** The client broke HTTP/2 framing or HPACK; the connection is dropped, as the server would do with a GOAWAY. */
public final class Http2RewriteException extends RuntimeException {
  Http2RewriteException(String message) {
    super(message);
  }

  Http2RewriteException(String message, Throwable cause) {
    super(message, cause);
  }
}
