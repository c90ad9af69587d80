package io.cairn.bench;

import com.google.protobuf.Message;
import io.cairn.api.etcdserverpb.LeaseGrantRequest;
import io.cairn.api.etcdserverpb.LeaseGrantResponse;
import io.cairn.api.etcdserverpb.LeaseKeepAliveRequest;
import io.cairn.api.etcdserverpb.LeaseKeepAliveResponse;
import io.cairn.api.etcdserverpb.PutRequest;
import io.cairn.api.etcdserverpb.PutResponse;
import io.cairn.api.etcdserverpb.RangeRequest;
import io.cairn.api.etcdserverpb.RangeResponse;
import io.cairn.api.etcdserverpb.StatusRequest;
import io.cairn.api.etcdserverpb.StatusResponse;
import io.cairn.api.etcdserverpb.TxnRequest;
import io.cairn.api.etcdserverpb.TxnResponse;
import io.cairn.api.etcdserverpb.WatchRequest;
import io.cairn.api.etcdserverpb.WatchResponse;
import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.protobuf.ProtoUtils;

/**
 * The etcd v3 methods the benchmark calls, described straight from the protobuf message types (the api
 * module generates Akka gRPC stubs only; grpc-java needs no generated stub, just a MethodDescriptor).
 * Full method names are etcd's ({@code etcdserverpb.KV/Put}), so any etcd v3 endpoint answers.
 */
final class EtcdMethods {
  private EtcdMethods() {}

  static final MethodDescriptor<PutRequest, PutResponse> PUT =
      unary("etcdserverpb.KV", "Put", PutRequest.getDefaultInstance(), PutResponse.getDefaultInstance());
  static final MethodDescriptor<RangeRequest, RangeResponse> RANGE =
      unary("etcdserverpb.KV", "Range", RangeRequest.getDefaultInstance(), RangeResponse.getDefaultInstance());
  static final MethodDescriptor<TxnRequest, TxnResponse> TXN =
      unary("etcdserverpb.KV", "Txn", TxnRequest.getDefaultInstance(), TxnResponse.getDefaultInstance());
  static final MethodDescriptor<LeaseGrantRequest, LeaseGrantResponse> LEASE_GRANT =
      unary("etcdserverpb.Lease", "LeaseGrant", LeaseGrantRequest.getDefaultInstance(),
          LeaseGrantResponse.getDefaultInstance());
  static final MethodDescriptor<StatusRequest, StatusResponse> STATUS =
      unary("etcdserverpb.Maintenance", "Status", StatusRequest.getDefaultInstance(),
          StatusResponse.getDefaultInstance());
  static final MethodDescriptor<WatchRequest, WatchResponse> WATCH =
      bidi("etcdserverpb.Watch", "Watch", WatchRequest.getDefaultInstance(), WatchResponse.getDefaultInstance());
  static final MethodDescriptor<LeaseKeepAliveRequest, LeaseKeepAliveResponse> LEASE_KEEP_ALIVE =
      bidi("etcdserverpb.Lease", "LeaseKeepAlive", LeaseKeepAliveRequest.getDefaultInstance(),
          LeaseKeepAliveResponse.getDefaultInstance());

  private static <Q extends Message, R extends Message> MethodDescriptor<Q, R> unary(
      String service, String method, Q request, R response) {
    return build(MethodType.UNARY, service, method, request, response);
  }

  private static <Q extends Message, R extends Message> MethodDescriptor<Q, R> bidi(
      String service, String method, Q request, R response) {
    return build(MethodType.BIDI_STREAMING, service, method, request, response);
  }

  private static <Q extends Message, R extends Message> MethodDescriptor<Q, R> build(
      MethodType type, String service, String method, Q request, R response) {
    return MethodDescriptor.<Q, R>newBuilder()
        .setType(type)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(service, method))
        .setRequestMarshaller(ProtoUtils.marshaller(request))
        .setResponseMarshaller(ProtoUtils.marshaller(response))
        .build();
  }
}
