package io.cairn.persistence.mvcc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.api.etcdserverpb.DeleteRangeRequest;
import io.cairn.api.etcdserverpb.DeleteRangeResponse;
import io.cairn.api.mvccpb.Event;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeleteTest extends StoreTestSupport {

  @Test
  void deleteRangeReturnsPrevKvsAndOneRevision() throws Exception {
    put("a", "1");
    put("b", "2");
    put("c", "3"); // 4
    try (ApplyBatch b = store.beginApply()) {
      DeleteRangeResponse r =
          b.deleteRange(
                  DeleteRangeRequest.newBuilder()
                      .setKey(bs("a"))
                      .setRangeEnd(bs("c"))
                      .setPrevKv(true)
                      .build())
              .build();
      assertEquals(2, r.getDeleted());
      assertEquals(List.of("a", "b"), r.getPrevKvsList().stream().map(kv -> str(kv.getKey())).toList());
      assertEquals("2", str(r.getPrevKvs(1).getValue()));
      assertEquals(5, b.revision());
      List<Event> ev = b.events();
      assertEquals(2, ev.size());
      assertTrue(ev.stream().allMatch(e -> e.getType() == Event.EventType.DELETE));
      assertTrue(ev.stream().allMatch(e -> e.getKv().getModRevision() == 5));
      b.commit(1, false);
    }
    assertEquals(List.of("c"), keys(range(io.cairn.api.etcdserverpb.RangeRequest.newBuilder().setKey(bs("\0")).setRangeEnd(bs("\0")))));
  }

  @Test
  void deletingNothingDoesNotBumpTheRevision() throws Exception {
    put("a", "1");
    DeleteRangeResponse r = delete("x", "");
    assertEquals(0, r.getDeleted());
    assertEquals(2, store.currentRevision());
    delete("a", "");
    assertEquals(3, store.currentRevision());
    assertEquals(0, delete("a", "").getDeleted());
    assertEquals(3, store.currentRevision());
  }

  @Test
  void prevKvsOmittedWithoutFlag() throws Exception {
    put("a", "1");
    DeleteRangeResponse r =
        apply(b -> b.deleteRange(DeleteRangeRequest.newBuilder().setKey(bs("a")).build()).build());
    assertEquals(1, r.getDeleted());
    assertEquals(0, r.getPrevKvsCount());
  }
}
