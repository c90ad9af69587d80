package io.cairn.persistence.mvcc;

import com.google.protobuf.ByteString;
import io.cairn.api.etcdserverpb.DeleteRangeRequest;
import io.cairn.api.etcdserverpb.DeleteRangeResponse;
import io.cairn.api.etcdserverpb.PutRequest;
import io.cairn.api.etcdserverpb.PutResponse;
import io.cairn.api.etcdserverpb.RangeRequest;
import io.cairn.api.etcdserverpb.RangeResponse;
import io.cairn.api.etcdserverpb.RequestOp;
import io.cairn.api.etcdserverpb.ResponseHeader;
import io.cairn.api.etcdserverpb.ResponseOp;
import io.cairn.api.etcdserverpb.TxnRequest;
import io.cairn.api.etcdserverpb.TxnResponse;
import io.cairn.api.mvccpb.KeyValue;
import java.util.ArrayList;
import java.util.List;

/**
 * The writing half of etcd's {@code applierV3backend}: Put, DeleteRange and Txn applied to an {@link
 * Overlay}. Callers wrap each request in {@link Overlay#beginTxn()} so that all its writes share one main
 * revision.
 */
final class Applier {
  private final Overlay o;

  Applier(Overlay overlay) {
    this.o = overlay;
  }

  RangeResponse.Builder range(RangeRequest r) throws MvccException {
    return RangeReader.finish(RangeReader.plan(o, r), r, o::read);
  }

  /** A Put outside a txn: etcd checks the lease before it opens the write txn. */
  PutResponse.Builder standalonePut(PutRequest p) throws MvccException {
    TxnEvaluator.checkProvided(p);
    if (p.getLease() != 0 && !o.leaseExists(p.getLease())) {
      throw new MvccException(MvccException.Code.LEASE_NOT_FOUND);
    }
    return put(p);
  }

  PutResponse.Builder put(PutRequest p) throws MvccException {
    KeyValue prev = null;
    if (p.getIgnoreValue() || p.getIgnoreLease() || p.getPrevKv()) {
      prev = o.latestValue(p.getKey());
    }
    if ((p.getIgnoreValue() || p.getIgnoreLease()) && prev == null) {
      throw new MvccException(MvccException.Code.KEY_NOT_FOUND);
    }
    ByteString value = p.getIgnoreValue() ? prev.getValue() : p.getValue();
    long lease = p.getIgnoreLease() ? prev.getLease() : p.getLease();
    PutResponse.Builder resp = PutResponse.newBuilder();
    if (p.getPrevKv() && prev != null) {
      resp.setPrevKv(prev);
    }
    o.putKey(p.getKey(), value, lease);
    return resp;
  }

  /** Deletes the live keys of the range; no change (and no revision) when there are none. */
  DeleteRangeResponse.Builder deleteRange(DeleteRangeRequest dr) {
    List<ByteString> keys = new ArrayList<>();
    List<KeyValue> prev = new ArrayList<>();
    o.forEachLive(
        KeyRange.of(dr.getKey(), dr.getRangeEnd()),
        o.currentRevision(),
        (key, state) -> {
          keys.add(key);
          if (dr.getPrevKv()) {
            prev.add(o.read(state.modified()));
          }
          return true;
        });
    for (ByteString k : keys) {
      o.deleteKey(k);
    }
    return DeleteRangeResponse.newBuilder().setDeleted(keys.size()).addAllPrevKvs(prev);
  }

  /**
   * etcd's {@code Txn}: request checks, compares into a path, path checks, then the ops of the path in
   * order; reads inside see the txn's earlier writes.
   */
  TxnResponse.Builder txn(TxnRequest rt) throws MvccException {
    TxnEvaluator.checkProvided(rt);
    TxnEvaluator.Plan plan = TxnEvaluator.plan(o, rt);
    TxnEvaluator.checkPath(o, plan);
    return applyTxn(plan);
  }

  private TxnResponse.Builder applyTxn(TxnEvaluator.Plan plan) throws MvccException {
    TxnResponse.Builder resp = TxnResponse.newBuilder().setSucceeded(plan.succeeded());
    for (int i = 0; i < plan.ops().size(); i++) {
      RequestOp op = plan.ops().get(i);
      ResponseOp.Builder out = ResponseOp.newBuilder();
      switch (op.getRequestCase()) {
        case REQUEST_RANGE -> {
          RangeResponse.Builder r = range(op.getRequestRange());
          out.setResponseRange(r.setHeader(header(o.currentRevision())));
        }
        case REQUEST_PUT -> {
          PutResponse.Builder r = put(op.getRequestPut());
          out.setResponsePut(r.setHeader(header(o.currentRevision())));
        }
        case REQUEST_DELETE_RANGE -> {
          DeleteRangeResponse.Builder r = deleteRange(op.getRequestDeleteRange());
          out.setResponseDeleteRange(r.setHeader(header(o.currentRevision())));
        }
        case REQUEST_TXN -> {
          // etcd leaves a nested txn's header empty: only the outermost one gets the revision.
          TxnResponse.Builder r = applyTxn(plan.nested().get(i));
          out.setResponseTxn(r.setHeader(ResponseHeader.getDefaultInstance()));
        }
        default -> {
          // An empty RequestOp: etcd answers with an empty ResponseOp.
        }
      }
      resp.addResponses(out);
    }
    return resp;
  }

  /** Inner responses carry the revision in their header, as etcd's applier sets them. */
  private static ResponseHeader header(long revision) {
    return ResponseHeader.newBuilder().setRevision(revision).build();
  }
}
