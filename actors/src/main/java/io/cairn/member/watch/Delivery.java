package io.cairn.member.watch;

import io.cairn.api.mvccpb.Event;
import java.util.List;

/**
 * What the hub hands a stream: one watcher's events of one published batch (empty: a progress notification),
 * or, with no watcher, the stream-wide answer to a progress request. {@code seq} orders deliveries within
 * their stream.
 */
record Delivery(Watcher watcher, List<Event> events, long headerRevision, long seq) {}
