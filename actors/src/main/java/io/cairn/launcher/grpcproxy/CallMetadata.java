package io.cairn.launcher.grpcproxy;

import akka.grpc.javadsl.Metadata;
import akka.grpc.javadsl.SingleResponseRequestBuilder;
import akka.grpc.javadsl.StreamResponseRequestBuilder;
import java.util.List;

/**
 * The client metadata a member acts on, passed along with each forwarded call: etcd's auth token ("token", which
 * etcd's proxy forwards with withClientAuthToken) and clientv3's WithRequireLeader marker ("hasleader").
 */
final class CallMetadata {
  static final List<String> FORWARDED_KEYS = List.of("token", "hasleader");

  private CallMetadata() {}

  static <I, O> SingleResponseRequestBuilder<I, O> forward(SingleResponseRequestBuilder<I, O> call, Metadata md) {
    SingleResponseRequestBuilder<I, O> out = call;
    for (String key : FORWARDED_KEYS) {
      var value = md.getText(key);
      if (value.isPresent()) {
        out = out.addHeader(key, value.get());
      }
    }
    return out;
  }

  static <I, O> StreamResponseRequestBuilder<I, O> forward(StreamResponseRequestBuilder<I, O> call, Metadata md) {
    StreamResponseRequestBuilder<I, O> out = call;
    for (String key : FORWARDED_KEYS) {
      var value = md.getText(key);
      if (value.isPresent()) {
        out = out.addHeader(key, value.get());
      }
    }
    return out;
  }
}
