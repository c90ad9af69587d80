package io.cairn.persistence.mvcc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.api.etcdserverpb.RangeRequest;
import io.cairn.api.etcdserverpb.RangeRequest.SortOrder;
import io.cairn.api.etcdserverpb.RangeRequest.SortTarget;
import io.cairn.api.etcdserverpb.RangeResponse;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RangeTest extends StoreTestSupport {

  /**
   * rev 2: c=3, 3: a=9, 4: b=1, 5: d=5, 6: c=4 (c version 2), 7: e deleted after 8
   */
  @BeforeEach
  void fill() throws Exception {
    put("c", "3"); // 2
    put("a", "9"); // 3
    put("b", "1"); // 4
    put("d", "5"); // 5
    put("c", "4"); // 6
    put("e", "0"); // 7
    delete("e", ""); // 8
  }

  private static RangeRequest.Builder all() {
    return RangeRequest.newBuilder().setKey(bs("a")).setRangeEnd(bs("z"));
  }

  @Test
  void singleKeyPrefixAndNulRanges() throws Exception {
    assertEquals(List.of("b"), keys(range(RangeRequest.newBuilder().setKey(bs("b")))));
    assertEquals(List.of("a", "b", "c"), keys(range(RangeRequest.newBuilder().setKey(bs("a")).setRangeEnd(bs("d")))));
    assertEquals(
        List.of("c", "d"), keys(range(RangeRequest.newBuilder().setKey(bs("c")).setRangeEnd(bs("\0")))));
    assertEquals(
        List.of("a", "b", "c", "d"),
        keys(range(RangeRequest.newBuilder().setKey(bs("\0")).setRangeEnd(bs("\0")))));
    // range_end at or before key selects nothing
    assertEquals(0, range(RangeRequest.newBuilder().setKey(bs("d")).setRangeEnd(bs("b"))).getCount());
    assertEquals(0, range(RangeRequest.newBuilder().setKey(bs("zz"))).getKvsCount());
  }

  @Test
  void limitMoreAndCount() throws Exception {
    RangeResponse r = range(all().setLimit(2));
    assertEquals(List.of("a", "b"), keys(r));
    assertTrue(r.getMore());
    assertEquals(4, r.getCount());
    r = range(all().setLimit(4));
    assertFalse(r.getMore());
    assertEquals(4, r.getKvsCount());
    r = range(all().setLimit(10));
    assertFalse(r.getMore());
    r = range(all().setLimit(Long.MAX_VALUE));
    assertEquals(4, r.getKvsCount());
    assertFalse(r.getMore());
  }

  @Test
  void countOnlyAndKeysOnly() throws Exception {
    RangeResponse r = range(all().setCountOnly(true));
    assertEquals(4, r.getCount());
    assertEquals(0, r.getKvsCount());
    r = range(all().setKeysOnly(true));
    assertEquals(4, r.getKvsCount());
    assertTrue(r.getKvsList().stream().allMatch(kv -> kv.getValue().isEmpty()));
    assertEquals(2, r.getKvs(2).getVersion());
  }

  @Test
  void sortByEachTarget() throws Exception {
    assertEquals(List.of("d", "c", "b", "a"), keys(range(all().setSortOrder(SortOrder.DESCEND))));
    assertEquals(
        List.of("a", "b", "c", "d"),
        keys(range(all().setSortOrder(SortOrder.ASCEND).setSortTarget(SortTarget.KEY))));
    // values: a=9 b=1 c=4 d=5
    assertEquals(
        List.of("b", "c", "d", "a"),
        keys(range(all().setSortOrder(SortOrder.ASCEND).setSortTarget(SortTarget.VALUE))));
    assertEquals(
        List.of("a", "d", "c", "b"),
        keys(range(all().setSortOrder(SortOrder.DESCEND).setSortTarget(SortTarget.VALUE))));
    // create: c=2 a=3 b=4 d=5
    assertEquals(
        List.of("c", "a", "b", "d"),
        keys(range(all().setSortOrder(SortOrder.ASCEND).setSortTarget(SortTarget.CREATE))));
    // mod: a=3 b=4 d=5 c=6
    assertEquals(
        List.of("c", "d", "b", "a"),
        keys(range(all().setSortOrder(SortOrder.DESCEND).setSortTarget(SortTarget.MOD))));
    // version: c=2, others 1; stable ties in key order
    assertEquals(
        List.of("c", "a", "b", "d"),
        keys(range(all().setSortOrder(SortOrder.DESCEND).setSortTarget(SortTarget.VERSION))));
    // NONE with a non-KEY target sorts ascending, as etcd
    assertEquals(List.of("a", "b", "d", "c"), keys(range(all().setSortTarget(SortTarget.MOD))));
  }

  @Test
  void sortAppliesBeforeLimit() throws Exception {
    RangeResponse r =
        range(all().setSortOrder(SortOrder.DESCEND).setSortTarget(SortTarget.MOD).setLimit(2));
    assertEquals(List.of("c", "d"), keys(r));
    assertTrue(r.getMore());
    assertEquals(4, r.getCount());
  }

  @Test
  void minMaxRevisionFiltersKeepCountTotal() throws Exception {
    RangeResponse r = range(all().setMinModRevision(4).setMaxModRevision(5));
    assertEquals(List.of("b", "d"), keys(r));
    assertEquals(4, r.getCount());
    r = range(all().setMinCreateRevision(3).setMaxCreateRevision(4));
    assertEquals(List.of("a", "b"), keys(r));
    r = range(all().setMaxCreateRevision(2).setLimit(1));
    assertEquals(List.of("c"), keys(r));
    assertFalse(r.getMore());
  }

  @Test
  void readsAtARevisionSeeExactlyThatState() throws Exception {
    assertEquals(List.of("c"), keys(range(all().setRevision(2))));
    RangeResponse r = range(all().setRevision(5));
    assertEquals(List.of("a", "b", "c", "d"), keys(r));
    assertEquals("3", str(r.getKvs(2).getValue()));
    assertEquals(1, r.getKvs(2).getVersion());
    assertEquals(List.of("a", "b", "c", "d", "e"), keys(range(all().setRevision(7))));
    assertEquals(4, range(all().setRevision(8)).getCount());
    assertEquals(0, range(all().setRevision(1)).getCount());
  }

  @Test
  void futureRevisionIsRefused() {
    assertCode(MvccException.Code.FUTURE_REVISION, () -> range(all().setRevision(9)));
  }

  @Test
  void rangeInsideABatchSeesEarlierRequestsAndHistory() throws Exception {
    try (ApplyBatch b = store.beginApply()) {
      b.put(io.cairn.api.etcdserverpb.PutRequest.newBuilder().setKey(bs("f")).setValue(bs("1")).build());
      assertEquals(5, b.range(all().build()).getCount());
      assertEquals(4, b.range(all().setRevision(8).build()).getCount());
      assertEquals(5, b.range(all().setRevision(9).build()).getCount());
      assertCode(MvccException.Code.FUTURE_REVISION, () -> b.range(all().setRevision(10).build()));
    }
  }
}
