package io.cairn.grpc;

import com.google.protobuf.ByteString;
import io.cairn.api.etcdserverpb.DeleteRangeRequest;
import io.cairn.api.etcdserverpb.RequestOp;
import io.cairn.member.EtcdError;
import io.cairn.persistence.mvcc.KeyRange;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * etcd 3.4's checkIntervals (v3rpc/key.go): within one txn branch no key may be put twice, nor put and
 * deleted (a delete range covering a put key counts); the then/else branches of a nested txn may put the same
 * key, as only one of them runs. etcd builds its intervals with adt.StringAffineInterval, which takes a
 * range_end of "\0" literally: [key, "\0") covers no key that can be put (every key is above "\0" but the
 * empty key, which a put may not have), so such a delete is left out here, as in etcd.
 */
final class TxnIntervals {
  private record Result(Set<ByteString> puts, List<KeyRange> deletes) {
    boolean deletes(ByteString key) {
      for (KeyRange range : deletes) {
        if (range.contains(key)) {
          return true;
        }
      }
      return false;
    }
  }

  private TxnIntervals() {}

  /** Throws DUPLICATE_KEY when the ops overlap as etcd forbids. */
  static void check(List<RequestOp> ops) {
    collect(ops);
  }

  private static Result collect(List<RequestOp> ops) {
    Result result = new Result(new HashSet<>(), new ArrayList<>());
    // This level's deletes first, to check the puts of nested txns against them.
    for (RequestOp op : ops) {
      if (op.getRequestCase() == RequestOp.RequestCase.REQUEST_DELETE_RANGE) {
        DeleteRangeRequest delete = op.getRequestDeleteRange();
        KeyRange range = KeyRange.of(delete.getKey(), delete.getRangeEnd());
        if (range.kind() != KeyRange.Kind.FROM) {
          result.deletes.add(range);
        }
      }
    }
    for (RequestOp op : ops) {
      if (op.getRequestCase() != RequestOp.RequestCase.REQUEST_TXN) {
        continue;
      }
      Result then = collect(op.getRequestTxn().getSuccessList());
      Result otherwise = collect(op.getRequestTxn().getFailureList());
      for (ByteString key : then.puts) {
        if (result.puts.contains(key) || result.deletes(key)) {
          throw EtcdError.DUPLICATE_KEY.exception();
        }
        result.puts.add(key);
      }
      for (ByteString key : otherwise.puts) {
        // A key put by both branches is fine: then and else are mutually exclusive.
        if ((result.puts.contains(key) && !then.puts.contains(key)) || result.deletes(key)) {
          throw EtcdError.DUPLICATE_KEY.exception();
        }
        result.puts.add(key);
      }
      result.deletes.addAll(then.deletes);
      result.deletes.addAll(otherwise.deletes);
    }
    for (RequestOp op : ops) {
      if (op.getRequestCase() != RequestOp.RequestCase.REQUEST_PUT) {
        continue;
      }
      ByteString key = op.getRequestPut().getKey();
      if (result.puts.contains(key) || result.deletes(key)) {
        throw EtcdError.DUPLICATE_KEY.exception();
      }
      result.puts.add(key);
    }
    return result;
  }
}
