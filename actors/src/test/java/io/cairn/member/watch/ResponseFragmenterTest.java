package io.cairn.member.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.cairn.api.etcdserverpb.WatchResponse;
import io.cairn.api.mvccpb.Event;
import io.cairn.api.mvccpb.KeyValue;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResponseFragmenterTest {

  private static WatchResponse responseWith(int events, int valueBytes) {
    WatchResponse.Builder r = WatchResponse.newBuilder().setWatchId(3);
    for (int i = 0; i < events; i++) {
      r.addEvents(
          Event.newBuilder()
              .setKv(
                  KeyValue.newBuilder()
                      .setKey(ByteString.copyFromUtf8("k" + i))
                      .setValue(ByteString.copyFrom(new byte[valueBytes]))
                      .setModRevision(10)));
    }
    return r.build();
  }

  @Test
  void smallResponsesAndSingleEventsAreNotSplit() {
    WatchResponse small = responseWith(3, 10);
    assertEquals(List.of(small), ResponseFragmenter.split(small, 1 << 20));
    WatchResponse hugeSingle = responseWith(1, 5000);
    assertEquals(List.of(hugeSingle), ResponseFragmenter.split(hugeSingle, 100));
  }

  @Test
  void largeResponsesAreSplitUnderTheLimitWithFragmentOnAllButTheLast() {
    WatchResponse big = responseWith(20, 100);
    int limit = 400;
    List<WatchResponse> parts = ResponseFragmenter.split(big, limit);
    assertTrue(parts.size() > 1);
    List<Event> all = new ArrayList<>();
    for (int i = 0; i < parts.size(); i++) {
      WatchResponse p = parts.get(i);
      assertEquals(i < parts.size() - 1, p.getFragment());
      assertEquals(3, p.getWatchId());
      assertTrue(p.getSerializedSize() < limit || p.getEventsCount() == 1, "fragment over the limit");
      all.addAll(p.getEventsList());
    }
    assertEquals(big.getEventsList(), all);
    assertFalse(parts.get(parts.size() - 1).getFragment());
  }
}
