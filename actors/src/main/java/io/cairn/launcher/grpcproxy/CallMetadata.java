package io.cairn.launcher.grpcproxy;

import akka.grpc.javadsl.Metadata;
import akka.grpc.javadsl.SingleResponseRequestBuilder;
import akka.grpc.javadsl.StreamResponseRequestBuilder;
import java.util.List;
import java.util.Optional;

/**
 * The client metadata a member acts on, passed along with each forwarded call: etcd's auth token ("token", which
 * etcd's proxy forwards with withClientAuthToken) and clientv3's WithRequireLeader marker ("hasleader").
 */
final class CallMetadata {
  static final List<String> FORWARDED_KEYS = List.of("token", "hasleader");

  private CallMetadata() {}

  /** The forwarded values (absent ones included), in FORWARDED_KEYS order: calls equal here act alike on a member. */
  static List<Optional<String>> forwardedValues(Metadata md) {
    return FORWARDED_KEYS.stream().map(md::getText).toList();
  }

  static <I, O> SingleResponseRequestBuilder<I, O> forward(SingleResponseRequestBuilder<I, O> call, Metadata md) {
    return withHeaders(call, md, SingleResponseRequestBuilder::addHeader);
  }

  static <I, O> StreamResponseRequestBuilder<I, O> forward(StreamResponseRequestBuilder<I, O> call, Metadata md) {
    return withHeaders(call, md, StreamResponseRequestBuilder::addHeader);
  }

  /** Akka gRPC's unary and streaming request builders share addHeader but no type that declares it. */
  private interface AddHeader<B> {
    B add(B builder, String key, String value);
  }

  private static <B> B withHeaders(B call, Metadata md, AddHeader<B> addHeader) {
    B out = call;
    for (String key : FORWARDED_KEYS) {
      var value = md.getText(key);
      if (value.isPresent()) {
        out = addHeader.add(out, key, value.get());
      }
    }
    return out;
  }
}
