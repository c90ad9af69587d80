package io.cairn.member.watch;

import com.google.protobuf.CodedOutputStream;
import io.cairn.api.etcdserverpb.WatchResponse;
import io.cairn.api.mvccpb.Event;
import java.util.ArrayList;
import java.util.List;

/**
 * etcd's sendFragments (etcdserver/api/v3rpc/watch.go) for watchers created with fragment=true: a response
 * of at least maxRequestBytes with two or more events is split into responses with fragment=true on all but
 * the last; each fragment takes events while it stays under the limit (always at least one event).
 */
final class ResponseFragmenter {
  private ResponseFragmenter() {}

  static List<WatchResponse> split(WatchResponse response, long maxRequestBytes) {
    if (response.getSerializedSize() < maxRequestBytes || response.getEventsCount() < 2) {
      return List.of(response);
    }
    WatchResponse base = response.toBuilder().clearEvents().setFragment(true).build();
    int baseBytes = base.getSerializedSize();
    List<Event> events = response.getEventsList();
    List<WatchResponse> fragments = new ArrayList<>();
    int idx = 0;
    while (idx < events.size()) {
      WatchResponse.Builder fragment = base.toBuilder();
      long bytes = baseBytes;
      while (idx < events.size()) {
        Event e = events.get(idx);
        long eventBytes = CodedOutputStream.computeMessageSize(WatchResponse.EVENTS_FIELD_NUMBER, e);
        if (fragment.getEventsCount() >= 1 && bytes + eventBytes >= maxRequestBytes) {
          break; // etcd: appended, measured, then dropped again when a second event reaches the limit
        }
        fragment.addEvents(e);
        bytes += eventBytes;
        idx++;
      }
      if (idx == events.size()) {
        fragment.setFragment(false);
      }
      fragments.add(fragment.build());
    }
    return fragments;
  }
}
