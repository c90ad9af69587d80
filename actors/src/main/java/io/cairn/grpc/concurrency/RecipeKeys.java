package io.cairn.grpc.concurrency;

import com.google.protobuf.ByteString;
import io.cairn.grpc.KeyRanges;
import io.cairn.api.etcdserverpb.Compare;
import io.cairn.api.etcdserverpb.DeleteRangeRequest;
import io.cairn.api.etcdserverpb.PutRequest;
import io.cairn.api.etcdserverpb.RangeRequest;
import io.cairn.api.etcdserverpb.RequestOp;

/** Keys and requests of etcd's clientv3/concurrency recipes (mutex.go, election.go, key.go, clientv3/op.go). */
final class RecipeKeys {
  private RecipeKeys() {}

  private static final ByteString SLASH = ByteString.copyFromUtf8("/");

  /** NewMutex / NewElection: pfx + "/". */
  static ByteString prefix(ByteString name) {
    return name.concat(SLASH);
  }

  /** fmt.Sprintf("%s%x", pfx, lease): Go's %x of an int64, so a negative lease prints as "-" + hex. */
  static ByteString ownKey(ByteString prefix, long leaseId) {
    String hex = leaseId < 0 ? "-" + Long.toHexString(-leaseId) : Long.toHexString(leaseId);
    return prefix.concat(ByteString.copyFromUtf8(hex));
  }

  static RangeRequest get(ByteString key) {
    return RangeRequest.newBuilder().setKey(key).build();
  }

  /** clientv3.WithFirstCreate: the prefix's key with the smallest create revision (the owner / leader). */
  static RangeRequest firstCreate(ByteString prefix) {
    return RangeRequest.newBuilder()
        .setKey(prefix)
        .setRangeEnd(KeyRanges.prefixEnd(prefix))
        .setSortTarget(RangeRequest.SortTarget.CREATE)
        .setSortOrder(RangeRequest.SortOrder.ASCEND)
        .setLimit(1)
        .build();
  }

  /** waitDeletes: WithLastCreate + WithMaxCreateRev: the newest key created at or before maxCreateRevision. */
  static RangeRequest lastCreateUpTo(ByteString prefix, long maxCreateRevision) {
    return RangeRequest.newBuilder()
        .setKey(prefix)
        .setRangeEnd(KeyRanges.prefixEnd(prefix))
        .setSortTarget(RangeRequest.SortTarget.CREATE)
        .setSortOrder(RangeRequest.SortOrder.DESCEND)
        .setMaxCreateRevision(maxCreateRevision)
        .setLimit(1)
        .build();
  }

  static Compare createRevisionEquals(ByteString key, long createRevision) {
    return Compare.newBuilder()
        .setKey(key)
        .setTarget(Compare.CompareTarget.CREATE)
        .setResult(Compare.CompareResult.EQUAL)
        .setCreateRevision(createRevision)
        .build();
  }

  static RequestOp putOp(ByteString key, ByteString value, long leaseId) {
    return RequestOp.newBuilder()
        .setRequestPut(PutRequest.newBuilder().setKey(key).setValue(value).setLease(leaseId))
        .build();
  }

  static RequestOp rangeOp(RangeRequest range) {
    return RequestOp.newBuilder().setRequestRange(range).build();
  }

  static RequestOp deleteOp(ByteString key) {
    return RequestOp.newBuilder().setRequestDeleteRange(DeleteRangeRequest.newBuilder().setKey(key)).build();
  }
}
