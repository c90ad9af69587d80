package io.cairn.persistence.mvcc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** An unsynced commit is visible at once but durable only after sync(); syncedAppliedIndex says which. */
class SyncTest extends StoreTestSupport {

  private void putAt(long index, String key) throws MvccException {
    ApplyBatch b = store.beginApply();
    b.put(io.cairn.api.etcdserverpb.PutRequest.newBuilder().setKey(bs(key)).setValue(bs("v")).build());
    b.commit(index, false);
  }

  @Test
  void syncMakesUnsyncedCommitsDurable() throws Exception {
    assertEquals(0, store.syncedAppliedIndex());
    putAt(5, "a");
    putAt(6, "b");
    assertEquals(6, store.appliedIndex());
    assertEquals(2, store.range(io.cairn.api.etcdserverpb.RangeRequest.newBuilder()
        .setKey(bs("a")).setRangeEnd(bs("c")).build()).getCount());
    assertEquals(0, store.syncedAppliedIndex());
    store.sync();
    assertEquals(6, store.syncedAppliedIndex());
    ApplyBatch b = store.beginApply();
    b.commit(7, true);
    assertEquals(7, store.syncedAppliedIndex());
    reopen();
    assertEquals(7, store.appliedIndex());
    assertEquals(7, store.syncedAppliedIndex());
  }
}
