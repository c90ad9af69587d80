package io.cairn.launcher.grpcproxy;

import com.google.protobuf.ByteString;
import io.cairn.api.etcdserverpb.Compare;
import io.cairn.api.etcdserverpb.DeleteRangeRequest;
import io.cairn.api.etcdserverpb.DeleteRangeResponse;
import io.cairn.api.etcdserverpb.LeaseTimeToLiveResponse;
import io.cairn.api.etcdserverpb.PutRequest;
import io.cairn.api.etcdserverpb.PutResponse;
import io.cairn.api.etcdserverpb.RangeRequest;
import io.cairn.api.etcdserverpb.RangeResponse;
import io.cairn.api.etcdserverpb.RequestOp;
import io.cairn.api.etcdserverpb.ResponseOp;
import io.cairn.api.etcdserverpb.TxnRequest;
import io.cairn.api.etcdserverpb.TxnResponse;
import io.cairn.api.etcdserverpb.WatchCreateRequest;
import io.cairn.api.etcdserverpb.WatchRequest;
import io.cairn.api.etcdserverpb.WatchResponse;
import io.cairn.api.mvccpb.Event;
import io.cairn.api.mvccpb.KeyValue;
import io.cairn.api.v3electionpb.LeaderKey;
import io.grpc.Status;
import akka.grpc.GrpcServiceException;

/**
 * {@code --namespace}: etcd's clientv3/namespace as its grpc-proxy applies it (KV, Watch, Lease, and the Lock and
 * Election servers it runs over the namespaced client). Keys get the prefix on the way to the members and lose it on
 * the way back; a range end "\0" (every key from key on) becomes the end of the prefix's own range. With an empty
 * prefix every method returns its argument.
 */
final class Namespace {
  /** etcd's rpctypes.ErrGRPCEmptyKey, which clientv3/namespace answers itself for an empty key. */
  static final String EMPTY_KEY_MESSAGE = "etcdserver: key is not provided";

  private final ByteString prefix;

  Namespace(String prefix) {
    this.prefix = ByteString.copyFromUtf8(prefix);
  }

  boolean isEmpty() {
    return prefix.isEmpty();
  }

  ByteString key(ByteString key) {
    return isEmpty() ? key : prefix.concat(key);
  }

  /** namespace/util.go prefixInterval's end: "\0" is the prefix's end, another non-empty end is prefixed. */
  ByteString rangeEnd(ByteString end) {
    if (isEmpty() || end.isEmpty()) {
      return end;
    }
    if (end.size() == 1 && end.byteAt(0) == 0) {
      byte[] next = prefix.toByteArray();
      for (int i = next.length - 1; i >= 0; i--) {
        if (++next[i] != 0) {
          return ByteString.copyFrom(next);
        }
      }
      return ByteString.copyFrom(new byte[] {0}); // 0xff..ff: the whole keyspace's end
    }
    return prefix.concat(end);
  }

  /** The key without the prefix (etcd slices it off; a key outside the namespace is left as it is). */
  ByteString strip(ByteString key) {
    return !isEmpty() && key.startsWith(prefix) ? key.substring(prefix.size()) : key;
  }

  // --- KV

  /** namespace/kv.go Do: an empty key (outside a txn) is refused before it reaches a member. */
  void requireKey(ByteString key) {
    if (!isEmpty() && key.isEmpty()) {
      throw new GrpcServiceException(Status.INVALID_ARGUMENT.withDescription(EMPTY_KEY_MESSAGE));
    }
  }

  RangeRequest in(RangeRequest r) {
    return isEmpty() ? r : r.toBuilder().setKey(key(r.getKey())).setRangeEnd(rangeEnd(r.getRangeEnd())).build();
  }

  PutRequest in(PutRequest r) {
    return isEmpty() ? r : r.toBuilder().setKey(key(r.getKey())).build();
  }

  DeleteRangeRequest in(DeleteRangeRequest r) {
    return isEmpty() ? r : r.toBuilder().setKey(key(r.getKey())).setRangeEnd(rangeEnd(r.getRangeEnd())).build();
  }

  TxnRequest in(TxnRequest r) {
    if (isEmpty()) {
      return r;
    }
    TxnRequest.Builder b = r.toBuilder().clearCompare().clearSuccess().clearFailure();
    r.getCompareList().forEach(c -> b.addCompare(in(c)));
    r.getSuccessList().forEach(op -> b.addSuccess(in(op)));
    r.getFailureList().forEach(op -> b.addFailure(in(op)));
    return b.build();
  }

  Compare in(Compare c) {
    return c.toBuilder().setKey(key(c.getKey())).setRangeEnd(rangeEnd(c.getRangeEnd())).build();
  }

  RequestOp in(RequestOp op) {
    return switch (op.getRequestCase()) {
      case REQUEST_RANGE -> op.toBuilder().setRequestRange(in(op.getRequestRange())).build();
      case REQUEST_PUT -> op.toBuilder().setRequestPut(in(op.getRequestPut())).build();
      case REQUEST_DELETE_RANGE -> op.toBuilder().setRequestDeleteRange(in(op.getRequestDeleteRange())).build();
      case REQUEST_TXN -> op.toBuilder().setRequestTxn(in(op.getRequestTxn())).build();
      case REQUEST_NOT_SET -> op;
    };
  }

  KeyValue out(KeyValue kv) {
    return isEmpty() ? kv : kv.toBuilder().setKey(strip(kv.getKey())).build();
  }

  RangeResponse out(RangeResponse r) {
    if (isEmpty()) {
      return r;
    }
    RangeResponse.Builder b = r.toBuilder().clearKvs();
    r.getKvsList().forEach(kv -> b.addKvs(out(kv)));
    return b.build();
  }

  PutResponse out(PutResponse r) {
    return isEmpty() || !r.hasPrevKv() ? r : r.toBuilder().setPrevKv(out(r.getPrevKv())).build();
  }

  DeleteRangeResponse out(DeleteRangeResponse r) {
    if (isEmpty()) {
      return r;
    }
    DeleteRangeResponse.Builder b = r.toBuilder().clearPrevKvs();
    r.getPrevKvsList().forEach(kv -> b.addPrevKvs(out(kv)));
    return b.build();
  }

  TxnResponse out(TxnResponse r) {
    if (isEmpty()) {
      return r;
    }
    TxnResponse.Builder b = r.toBuilder().clearResponses();
    r.getResponsesList().forEach(op -> b.addResponses(out(op)));
    return b.build();
  }

  ResponseOp out(ResponseOp op) {
    return switch (op.getResponseCase()) {
      case RESPONSE_RANGE -> op.toBuilder().setResponseRange(out(op.getResponseRange())).build();
      case RESPONSE_PUT -> op.toBuilder().setResponsePut(out(op.getResponsePut())).build();
      case RESPONSE_DELETE_RANGE -> op.toBuilder().setResponseDeleteRange(out(op.getResponseDeleteRange())).build();
      case RESPONSE_TXN -> op.toBuilder().setResponseTxn(out(op.getResponseTxn())).build();
      case RESPONSE_NOT_SET -> op;
    };
  }

  // --- Watch (namespace/watch.go: the watched interval gets the prefix; events' kv and prev_kv lose it)

  WatchRequest in(WatchRequest r) {
    if (isEmpty() || !r.hasCreateRequest()) {
      return r;
    }
    WatchCreateRequest c = r.getCreateRequest();
    return r.toBuilder()
        .setCreateRequest(c.toBuilder().setKey(key(c.getKey())).setRangeEnd(rangeEnd(c.getRangeEnd())))
        .build();
  }

  WatchResponse out(WatchResponse r) {
    if (isEmpty() || r.getEventsCount() == 0) {
      return r;
    }
    WatchResponse.Builder b = r.toBuilder().clearEvents();
    for (Event e : r.getEventsList()) {
      Event.Builder eb = e.toBuilder().setKv(out(e.getKv()));
      if (e.hasPrevKv()) {
        eb.setPrevKv(out(e.getPrevKv()));
      }
      b.addEvents(eb);
    }
    return b.build();
  }

  // --- Lease (namespace/lease.go TimeToLive: only the namespace's keys, unprefixed)

  LeaseTimeToLiveResponse out(LeaseTimeToLiveResponse r) {
    if (isEmpty() || r.getKeysCount() == 0) {
      return r;
    }
    LeaseTimeToLiveResponse.Builder b = r.toBuilder().clearKeys();
    r.getKeysList().stream().filter(k -> k.startsWith(prefix)).forEach(k -> b.addKeys(strip(k)));
    return b.build();
  }

  // --- Election (its keys live under the namespace too; LeaderKey carries both the name and the key)

  LeaderKey in(LeaderKey k) {
    return isEmpty() ? k : k.toBuilder().setName(key(k.getName())).setKey(key(k.getKey())).build();
  }

  LeaderKey out(LeaderKey k) {
    return isEmpty() ? k : k.toBuilder().setName(strip(k.getName())).setKey(strip(k.getKey())).build();
  }
}
