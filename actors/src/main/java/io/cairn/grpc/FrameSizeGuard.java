package io.cairn.grpc;

import akka.NotUsed;
import akka.grpc.GrpcServiceException;
import akka.stream.javadsl.Flow;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import io.grpc.Status;

/**
 * Bounds each inbound gRPC message as etcd's grpc.MaxRecvMsgSize does (Akka gRPC has no such limit and would
 * buffer a frame of any announced length): reads the 5-byte frame headers (flag, 32-bit length) as bytes pass
 * and fails the request with grpc-go's RESOURCE_EXHAUSTED message for a larger message. The bytes of an
 * oversized request are dropped and the failure comes once the client has finished sending: failing at once
 * left the client (still uploading, its flow-control window exhausted) waiting for an answer.
 */
final class FrameSizeGuard {
  /** A gRPC frame's header: a compression flag and the message's 32-bit big-endian length. */
  static final int HEADER_BYTES = 5;

  private FrameSizeGuard() {}

  /** The message length a frame header announces ({@code header}: at least its 5 bytes). */
  static long messageLength(ByteString header) {
    return ((header.apply(1) & 0xFFL) << 24) | ((header.apply(2) & 0xFFL) << 16) | ((header.apply(3) & 0xFFL) << 8)
        | (header.apply(4) & 0xFFL);
  }

  /** A new guard for each request: it keeps the state of that request's framing. */
  static Flow<ByteString, ByteString, NotUsed> flow(long maxMessageBytes) {
    State state = new State(maxMessageBytes);
    return Flow.<ByteString>create()
        .concat(Source.single(END))
        .map(state::pass)
        .filter(bytes -> !bytes.isEmpty());
  }

  /** Marks the end of the request bytes (compared by identity), where a refusal is thrown. */
  private static final ByteString END = ByteString.fromArrayUnsafe(new byte[] {0});

  private static final class State {
    private final long maxMessageBytes;
    private final byte[] header = new byte[HEADER_BYTES];
    private int headerFilled;
    private long bodyRemaining;

    State(long maxMessageBytes) {
      this.maxMessageBytes = maxMessageBytes;
    }

    GrpcServiceException refusal;

    ByteString pass(ByteString bytes) {
      if (bytes == END) {
        if (refusal != null) {
          throw refusal;
        }
        return ByteString.emptyByteString();
      }
      if (refusal == null) {
        scan(bytes);
      }
      return refusal == null ? bytes : ByteString.emptyByteString();
    }

    private void scan(ByteString bytes) {
      int i = 0;
      int n = bytes.size();
      while (i < n) {
        if (bodyRemaining > 0) {
          int skip = (int) Math.min(bodyRemaining, n - i);
          bodyRemaining -= skip;
          i += skip;
          continue;
        }
        header[headerFilled++] = bytes.apply(i++);
        if (headerFilled == HEADER_BYTES) {
          headerFilled = 0;
          long length = messageLength(ByteString.fromArrayUnsafe(header));
          if (length > maxMessageBytes) {
            refusal = new GrpcServiceException(
                Status.RESOURCE_EXHAUSTED.withDescription(
                    String.format("grpc: received message larger than max (%d vs. %d)", length, maxMessageBytes)));
            return;
          }
          bodyRemaining = length;
        }
      }
    }
  }
}
