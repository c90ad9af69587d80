package io.cairn.persistence.mvcc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.api.etcdserverpb.RequestOp;
import io.cairn.api.etcdserverpb.TxnRequest;
import io.cairn.api.mvccpb.Event;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EventsTest extends StoreTestSupport {

  /** 2: a, 3: txn {b, c, d}, 4: a deleted, 5: e */
  @BeforeEach
  void fill() throws Exception {
    put("a", "1");
    txn(
        TxnRequest.newBuilder()
            .addSuccess(TxnTest.putOp("b", "1"))
            .addSuccess(TxnTest.putOp("c", "1"))
            .addSuccess(TxnTest.putOp("d", "1"))
            .build());
    delete("a", "");
    put("e", "1");
  }

  private static List<String> describe(EventPage p) {
    return p.events().stream()
        .map(e -> e.getType() + " " + str(e.getKv().getKey()) + "@" + e.getKv().getModRevision())
        .toList();
  }

  @Test
  void allEventsWithDeletes() throws Exception {
    EventPage p = store.events(2, bs("\0"), bs("\0"), 100);
    assertEquals(
        List.of("PUT a@2", "PUT b@3", "PUT c@3", "PUT d@3", "DELETE a@4", "PUT e@5"), describe(p));
    assertEquals(6, p.nextRevision());
    Event del = p.events().get(4);
    assertFalse(del.hasPrevKv());
    assertTrue(del.getKv().getValue().isEmpty());
    assertEquals(1, p.events().get(2).getKv().getVersion());
  }

  @Test
  void pagesHoldWholeRevisions() throws Exception {
    EventPage p = store.events(2, bs("\0"), bs("\0"), 2);
    assertEquals(List.of("PUT a@2"), describe(p));
    assertEquals(3, p.nextRevision());
    // a revision larger than the page is returned whole
    p = store.events(3, bs("\0"), bs("\0"), 2);
    assertEquals(3, p.events().size());
    assertEquals(4, p.nextRevision());
    p = store.events(4, bs("\0"), bs("\0"), 2);
    assertEquals(List.of("DELETE a@4", "PUT e@5"), describe(p));
    assertEquals(6, p.nextRevision());
  }

  @Test
  void keyAndRangeFilters() throws Exception {
    assertEquals(List.of("PUT a@2", "DELETE a@4"), describe(store.events(1, bs("a"), bs(""), 10)));
    assertEquals(
        List.of("PUT c@3", "PUT d@3", "PUT e@5"), describe(store.events(2, bs("c"), bs("\0"), 10)));
    assertEquals(List.of("PUT b@3", "PUT c@3"), describe(store.events(2, bs("b"), bs("d"), 10)));
  }

  @Test
  void futureStartIsAnEmptyPage() throws Exception {
    EventPage p = store.events(6, bs("\0"), bs("\0"), 10);
    assertTrue(p.events().isEmpty());
    assertEquals(6, p.nextRevision());
    p = store.events(9, bs("\0"), bs("\0"), 10);
    assertEquals(9, p.nextRevision());
  }

  @Test
  void previousValueForWatchers() throws Exception {
    assertEquals("1", str(store.get(bs("a"), 3).orElseThrow().getValue()));
    assertTrue(store.get(bs("a"), 4).isEmpty());
  }

  @Test
  void batchEventsMatchHistory() throws Exception {
    List<Event> batchEvents =
        apply(
            b -> {
              b.txn(
                  TxnRequest.newBuilder()
                      .addSuccess(TxnTest.putOp("x", "1"))
                      .addSuccess(
                          RequestOp.newBuilder()
                              .setRequestDeleteRange(
                                  io.cairn.api.etcdserverpb.DeleteRangeRequest.newBuilder()
                                      .setKey(bs("b"))))
                      .build());
              return b.events();
            });
    assertEquals(batchEvents, store.events(6, bs("\0"), bs("\0"), 10).events());
  }
}
