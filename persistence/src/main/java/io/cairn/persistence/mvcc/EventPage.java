package io.cairn.persistence.mvcc;

import io.cairn.api.mvccpb.Event;
import java.util.List;

/**
 * Events read back from history for a watcher catching up: {@code events} in revision order (each event's
 * kv.mod_revision is its revision), and {@code nextRevision}, the first revision not yet covered.
 */
public record EventPage(List<Event> events, long nextRevision) {}
