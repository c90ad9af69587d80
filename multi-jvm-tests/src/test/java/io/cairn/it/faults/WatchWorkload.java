package io.cairn.it.faults;

import static io.cairn.it.faults.RegisterWorkload.bs;
import static io.cairn.it.faults.RegisterWorkload.str;

import io.cairn.it.Await;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Watches: one watcher per member, on every key, opened from revision R (the revision when the run starts). It
 * records every event it receives. When its stream fails (member killed, paused, cut off), it reconnects to the
 * same member from its last received revision + 1 (jetcd's own resumption is not used: it resumes from the
 * latest header revision it saw, which may lie beyond events it has not delivered yet).
 *
 * <p>Checked once everything is healed and restarted, up to the leader's revision F then: each member's events
 * are in revision order, none twice, no revision in R..F missing, and the list is identical on every member and
 * to a fresh watch from R (the committed history, read back from the store).
 */
final class WatchWorkload implements Workload {

    private static final ByteSequence ALL = ByteSequence.from(new byte[] {0});

    /** One received event: revision, key, PUT/DELETE, value. */
    record Event(long revision, String key, String type, String value) {
        @Override
        public String toString() {
            return revision + " " + type + " " + key + (type.equals("PUT") ? "=" + value : "");
        }
    }

    private final ScheduledExecutorService reconnects = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "watch-reconnect");
        t.setDaemon(true);
        return t;
    });
    private final List<MemberWatcher> watchers = new ArrayList<>();
    private final AtomicLong reconnectCount = new AtomicLong();
    private long startRevision;
    private List<Event> reference = List.of();

    @Override
    public String name() { return "watches"; }

    @Override
    public void start(FaultCluster cluster) {
        try (Client c = cluster.client(0)) {
            startRevision = c.getKVClient().get(bs("watch-start")).get(30, TimeUnit.SECONDS).getHeader().getRevision() + 1;
        } catch (Exception e) {
            throw new AssertionError("cannot read the start revision", e);
        }
        for (int i : cluster.all()) {
            MemberWatcher w = new MemberWatcher(cluster.client(i));
            watchers.add(w);
            w.open(startRevision);
        }
    }

    private final class MemberWatcher {
        final Client client;
        final List<Event> events = new ArrayList<>();
        volatile long lastRevision;
        Watch.Watcher watcher;
        volatile boolean stopped;

        MemberWatcher(Client client) {
            this.client = client;
        }

        synchronized void open(long from) {
            if (stopped) return;
            Watch.Watcher[] self = new Watch.Watcher[1];
            self[0] = client.getWatchClient().watch(ALL, WatchOption.newBuilder().withRange(ALL).withRevision(from).build(),
                    Watch.listener(this::onNext, e -> onError(self[0])));
            watcher = self[0];
        }

        synchronized void onNext(WatchResponse r) {
            for (WatchEvent e : r.getEvents()) {
                var kv = e.getKeyValue();
                Event ev = new Event(kv.getModRevision(), str(kv.getKey()),
                        e.getEventType() == WatchEvent.EventType.PUT ? "PUT" : "DELETE",
                        e.getEventType() == WatchEvent.EventType.PUT ? str(kv.getValue()) : "");
                events.add(ev);
                lastRevision = Math.max(lastRevision, ev.revision());
            }
        }

        synchronized void onError(Watch.Watcher failed) {
            if (failed != null) failed.close(); // no jetcd resumption: we resume ourselves
            if (stopped) return;
            reconnectCount.incrementAndGet();
            long from = lastRevision == 0 ? startRevision : lastRevision + 1;
            reconnects.schedule(() -> open(from), 200, TimeUnit.MILLISECONDS);
        }

        synchronized List<Event> snapshot() {
            return List.copyOf(events);
        }

        synchronized void close() {
            stopped = true;
            if (watcher != null) watcher.close();
            client.close();
        }
    }

    @Override
    public void stop() {
        // watchers keep running through the final restart: they must catch up after it
    }

    @Override
    public List<String> check(FaultCluster cluster) {
        List<String> anomalies = new ArrayList<>();
        long finalRevision;
        try (Client c = cluster.client(cluster.leader(Duration.ofSeconds(30)))) {
            finalRevision = c.getKVClient().get(bs("watch-end")).get(30, TimeUnit.SECONDS).getHeader().getRevision();
            reference = collect(c, finalRevision);
        } catch (Exception e) {
            anomalies.add("watches: cannot read the committed history: " + e);
            closeAll();
            return anomalies;
        }
        if (reference == null) {
            anomalies.add("watches: a fresh watch from " + startRevision + " did not reach revision " + finalRevision);
            closeAll();
            return anomalies;
        }
        for (int i = 0; i < watchers.size(); i++) {
            MemberWatcher w = watchers.get(i);
            Await.until(Duration.ofSeconds(60), Duration.ofMillis(100),
                    () -> w.lastRevision >= finalRevision ? null : "at " + w.lastRevision);
            List<Event> got = upTo(w.snapshot(), finalRevision);
            String problem = compare(got, reference);
            if (problem != null) anomalies.add("watches: " + cluster.name(i) + ": " + problem);
        }
        String gap = gaps(reference, startRevision, finalRevision);
        if (gap != null) anomalies.add("watches: committed history: " + gap);
        closeAll();
        return anomalies;
    }

    /** A fresh watch from the start revision until finalRevision (null if it does not get there in 60 s). */
    private List<Event> collect(Client c, long finalRevision) throws InterruptedException {
        List<Event> out = new ArrayList<>();
        AtomicLong last = new AtomicLong();
        Watch.Watcher w = c.getWatchClient().watch(ALL, WatchOption.newBuilder().withRange(ALL).withRevision(startRevision).build(),
                r -> {
                    synchronized (out) {
                        for (WatchEvent e : r.getEvents()) {
                            var kv = e.getKeyValue();
                            out.add(new Event(kv.getModRevision(), str(kv.getKey()),
                                    e.getEventType() == WatchEvent.EventType.PUT ? "PUT" : "DELETE",
                                    e.getEventType() == WatchEvent.EventType.PUT ? str(kv.getValue()) : ""));
                            last.set(Math.max(last.get(), kv.getModRevision()));
                        }
                    }
                });
        try {
            if (Await.until(Duration.ofSeconds(60), Duration.ofMillis(100),
                    () -> last.get() >= finalRevision ? null : "at " + last.get()) != null) {
                return null;
            }
            synchronized (out) {
                return upTo(out, finalRevision);
            }
        } finally {
            w.close();
        }
    }

    private static List<Event> upTo(List<Event> events, long revision) {
        return events.stream().filter(e -> e.revision() <= revision).toList();
    }

    /** Null if got equals want, else the first difference (duplicates and order show up as differences). */
    static String compare(List<Event> got, List<Event> want) {
        for (int k = 1; k < got.size(); k++) {
            if (got.get(k).revision() < got.get(k - 1).revision()) {
                return "out of revision order at #" + k + ": " + got.get(k - 1) + " then " + got.get(k);
            }
            if (got.get(k).equals(got.get(k - 1))) return "event received twice: " + got.get(k);
        }
        int n = Math.min(got.size(), want.size());
        for (int k = 0; k < n; k++) {
            if (!got.get(k).equals(want.get(k))) {
                return "event #" + k + " is " + got.get(k) + ", committed: " + want.get(k);
            }
        }
        if (got.size() != want.size()) {
            return got.size() + " events received, " + want.size() + " committed; "
                    + (got.size() < want.size() ? "first missing: " + want.get(got.size()) : "first extra: " + got.get(want.size()));
        }
        return null;
    }

    private static String gaps(List<Event> events, long from, long to) {
        long expected = from;
        for (Event e : events) {
            if (e.revision() > expected) return "no event at revisions " + expected + ".." + (e.revision() - 1);
            expected = e.revision() + 1;
        }
        return expected <= to ? "no event at revisions " + expected + ".." + to : null;
    }

    private void closeAll() {
        for (MemberWatcher w : watchers) w.close();
        reconnects.shutdownNow();
    }

    /** Watch requests made: one per member, plus one per reconnection. */
    @Override
    public long ops() {
        return watchers.size() + reconnectCount.get();
    }

    @Override
    public String details() {
        return " (" + events() + " events received on " + watchers.size() + " members, " + reconnectCount.get() + " reconnects)";
    }

    /** Events received, all members together. */
    long events() {
        long n = 0;
        for (MemberWatcher w : watchers) n += w.snapshot().size();
        return n;
    }

    /** Reconnections made (a watcher whose stream failed, resumed from its last revision + 1). */
    long reconnects() { return reconnectCount.get(); }

    @Override
    public void dump(Path dir) {
        try {
            for (int i = 0; i < watchers.size(); i++) {
                Files.write(dir.resolve("watch-m" + (i + 1) + ".txt"),
                        watchers.get(i).snapshot().stream().map(Event::toString).toList());
            }
            Files.write(dir.resolve("watch-committed.txt"), reference.stream().map(Event::toString).toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
