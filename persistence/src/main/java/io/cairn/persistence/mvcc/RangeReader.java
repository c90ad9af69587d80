package io.cairn.persistence.mvcc;

import io.cairn.api.etcdserverpb.RangeRequest;
import io.cairn.api.etcdserverpb.RangeRequest.SortOrder;
import io.cairn.api.etcdserverpb.RangeRequest.SortTarget;
import io.cairn.api.etcdserverpb.RangeResponse;
import io.cairn.api.mvccpb.KeyValue;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * etcd 3.4's Range in two steps: {@link #plan} resolves the request against the key index (needs the
 * index lock or the apply thread), {@link #finish} reads the values and applies etcd's server-side
 * post-processing (filters, sort, limit, keys_only; {@code applierV3backend.Range}).
 */
final class RangeReader {
  private RangeReader() {}

  /**
   * The revisions to read, in key order. {@code count} is the number of keys alive in the range at the
   * read revision, regardless of limit and filters (etcd's {@code RangeResult.Count}); {@code
   * viewRevision} is what etcd puts in the response header.
   */
  record Plan(long viewRevision, long count, List<Revision> revisions) {}

  static Plan plan(IndexView view, RangeRequest r) throws MvccException {
    long cur = view.currentRevision();
    long rev = checkRevision(view, r.getRevision());
    long fetch = fetchLimit(r);
    List<Revision> revs = new ArrayList<>();
    long[] count = {0};
    view.forEachLive(
        KeyRange.of(r.getKey(), r.getRangeEnd()),
        rev,
        (key, state) -> {
          count[0]++;
          if (revs.size() < fetch) {
            revs.add(state.modified());
          }
          return true;
        });
    return new Plan(cur, count[0], revs);
  }

  /** etcd's {@code rangeKeys} revision rule: 0 is current; FUTURE above current; COMPACTED below compacted. */
  static long checkRevision(IndexView view, long requested) throws MvccException {
    long cur = view.currentRevision();
    if (requested > cur) {
      throw new MvccException(MvccException.Code.FUTURE_REVISION);
    }
    long rev = requested <= 0 ? cur : requested;
    if (rev < view.compactRevision()) {
      throw new MvccException(MvccException.Code.COMPACTED);
    }
    return rev;
  }

  /**
   * How many values to read. As etcd: count_only reads none; sorting or a min/max filter reads all
   * (sort and truncation happen afterwards); otherwise limit+1 so that {@code more} can be told.
   */
  private static long fetchLimit(RangeRequest r) {
    if (r.getCountOnly()) {
      return 0;
    }
    if (r.getSortOrder() != SortOrder.NONE
        || r.getMinModRevision() != 0
        || r.getMaxModRevision() != 0
        || r.getMinCreateRevision() != 0
        || r.getMaxCreateRevision() != 0) {
      return Long.MAX_VALUE;
    }
    return r.getLimit() > 0 && r.getLimit() < Long.MAX_VALUE ? r.getLimit() + 1 : Long.MAX_VALUE;
  }

  static RangeResponse.Builder finish(Plan plan, RangeRequest r, ValueReader values) {
    List<KeyValue> kvs = new ArrayList<>(plan.revisions().size());
    for (Revision rev : plan.revisions()) {
      KeyValue kv = values.read(rev);
      if (keep(kv, r)) {
        kvs.add(kv);
      }
    }
    sort(kvs, r);
    RangeResponse.Builder resp = RangeResponse.newBuilder().setCount(plan.count());
    if (r.getLimit() > 0 && kvs.size() > r.getLimit()) {
      kvs = kvs.subList(0, (int) r.getLimit());
      resp.setMore(true);
    }
    for (KeyValue kv : kvs) {
      resp.addKvs(r.getKeysOnly() ? kv.toBuilder().clearValue().build() : kv);
    }
    return resp;
  }

  /** The min/max mod/create revision filters; 0 means unset. */
  private static boolean keep(KeyValue kv, RangeRequest r) {
    return !(r.getMaxModRevision() != 0 && kv.getModRevision() > r.getMaxModRevision())
        && !(r.getMinModRevision() != 0 && kv.getModRevision() < r.getMinModRevision())
        && !(r.getMaxCreateRevision() != 0 && kv.getCreateRevision() > r.getMaxCreateRevision())
        && !(r.getMinCreateRevision() != 0 && kv.getCreateRevision() < r.getMinCreateRevision());
  }

  /**
   * etcd sorts ascending when the order is NONE but the target is not KEY; KEY with NONE keeps the
   * index's natural key order. The sort is stable, so ties stay in key order.
   */
  private static void sort(List<KeyValue> kvs, RangeRequest r) {
    SortOrder order = r.getSortOrder();
    SortTarget target = r.getSortTarget();
    if (target != SortTarget.KEY && order == SortOrder.NONE) {
      order = SortOrder.ASCEND;
    }
    if (order == SortOrder.NONE || (target == SortTarget.KEY && order == SortOrder.ASCEND)) {
      return; // already in ascending key order
    }
    Comparator<KeyValue> cmp =
        switch (target) {
          case VERSION -> Comparator.comparingLong(KeyValue::getVersion);
          case CREATE -> Comparator.comparingLong(KeyValue::getCreateRevision);
          case MOD -> Comparator.comparingLong(KeyValue::getModRevision);
          case VALUE -> Comparator.comparing(KeyValue::getValue, KeyOrder.UNSIGNED);
          default -> Comparator.comparing(KeyValue::getKey, KeyOrder.UNSIGNED);
        };
    if (order == SortOrder.DESCEND) {
      cmp = cmp.reversed();
    }
    kvs.sort(cmp);
  }
}
