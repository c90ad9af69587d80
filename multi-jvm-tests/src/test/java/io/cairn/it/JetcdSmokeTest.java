package io.cairn.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** io.etcd:jetcd-core 0.7.7 against each server: KV, txn, watch, lease grant/keep-alive. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JetcdSmokeTest {

    ServerProcess server;

    static List<ServerProcess.Kind> servers() {
        return Differential.servers();
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    /**
     * jetcd 0.7.7's own "ip:///" name resolver fails (NOT_FOUND) with grpc-java 1.68.1 (pinned by the
     * parent grpc-bom), so connect through grpc's built-in dns resolver instead.
     */
    static Client client(ServerProcess server) {
        return Client.builder().target("dns:///" + server.endpoint()).build();
    }

    static ByteSequence bs(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void smoke(ServerProcess.Kind kind) throws Exception {
        int[] ports = ServerProcess.freePorts(2);
        server = ServerProcess.fresh(kind, ServerProcess.moduleTarget().resolve("it/JetcdSmokeTest/" + kind.label()),
                ports[0], ports[1]).start();
        try (Client client = JetcdSmokeTest.client(server)) {
            var kv = client.getKVClient();
            // watch first (from revision 1, so it sees everything regardless of when it is established)
            LinkedBlockingQueue<WatchEvent> events = new LinkedBlockingQueue<>();
            Watch.Watcher watcher = client.getWatchClient().watch(bs("j/"),
                    WatchOption.newBuilder().isPrefix(true).withRevision(1).withPrevKV(true).build(),
                    r -> events.addAll(r.getEvents()));
            try {
                var put1 = kv.put(bs("j/a"), bs("1")).get(10, TimeUnit.SECONDS);
                assertEquals(2, put1.getHeader().getRevision());
                var put2 = kv.put(bs("j/a"), bs("2"), PutOption.newBuilder().withPrevKV().build()).get(10, TimeUnit.SECONDS);
                assertTrue(put2.hasPrevKv());
                assertEquals("1", put2.getPrevKv().getValue().toString(StandardCharsets.UTF_8));
                kv.put(bs("j/b"), bs("3")).get(10, TimeUnit.SECONDS);
                var get = kv.get(bs("j/"), GetOption.newBuilder().isPrefix(true).build()).get(10, TimeUnit.SECONDS);
                assertEquals(2, get.getCount());
                assertEquals("j/a", get.getKvs().get(0).getKey().toString(StandardCharsets.UTF_8));
                assertEquals(2, get.getKvs().get(0).getVersion());
                assertEquals(2, get.getKvs().get(0).getCreateRevision());
                assertEquals(3, get.getKvs().get(0).getModRevision());
                var old = kv.get(bs("j/a"), GetOption.newBuilder().withRevision(2).build()).get(10, TimeUnit.SECONDS);
                assertEquals("1", old.getKvs().get(0).getValue().toString(StandardCharsets.UTF_8));

                TxnResponse ok = kv.txn().If(new Cmp(bs("j/a"), Cmp.Op.EQUAL, CmpTarget.value(bs("2"))))
                        .Then(Op.put(bs("j/c"), bs("t"), PutOption.DEFAULT))
                        .Else(Op.put(bs("j/c"), bs("f"), PutOption.DEFAULT)).commit().get(10, TimeUnit.SECONDS);
                assertTrue(ok.isSucceeded());
                TxnResponse no = kv.txn().If(new Cmp(bs("j/a"), Cmp.Op.EQUAL, CmpTarget.version(99)))
                        .Then(Op.put(bs("j/c"), bs("t2"), PutOption.DEFAULT))
                        .Else(Op.get(bs("j/c"), GetOption.DEFAULT)).commit().get(10, TimeUnit.SECONDS);
                assertFalse(no.isSucceeded());
                assertEquals("t", no.getGetResponses().get(0).getKvs().get(0).getValue().toString(StandardCharsets.UTF_8));

                var del = kv.delete(bs("j/"), DeleteOption.newBuilder().isPrefix(true).withPrevKV(true).build())
                        .get(10, TimeUnit.SECONDS);
                assertEquals(3, del.getDeleted());
                assertEquals(3, del.getPrevKvs().size());

                // watch saw: put a, put a, put b, put c, del a, del b, del c (7 events)
                List<WatchEvent> seen = new CopyOnWriteArrayList<>();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                while (seen.size() < 7 && System.nanoTime() < deadline) {
                    WatchEvent e = events.poll(200, TimeUnit.MILLISECONDS);
                    if (e != null) seen.add(e);
                }
                assertEquals(7, seen.size(), "watch events: " + seen);
                assertEquals(WatchEvent.EventType.PUT, seen.get(0).getEventType());
                assertEquals("2", seen.get(1).getKeyValue().getValue().toString(StandardCharsets.UTF_8));
                assertEquals("1", seen.get(1).getPrevKV().getValue().toString(StandardCharsets.UTF_8));
                assertEquals(WatchEvent.EventType.DELETE, seen.get(4).getEventType());
                assertEquals("2", seen.get(4).getPrevKV().getValue().toString(StandardCharsets.UTF_8));
            } finally {
                watcher.close();
            }

            // lease: grant, attach, keep-alive, time-to-live, revoke
            var lease = client.getLeaseClient();
            long id = lease.grant(30).get(10, TimeUnit.SECONDS).getID();
            kv.put(bs("j/leased"), bs("x"), PutOption.newBuilder().withLeaseId(id).build()).get(10, TimeUnit.SECONDS);
            LeaseKeepAliveResponse ka = lease.keepAliveOnce(id).get(10, TimeUnit.SECONDS);
            assertEquals(30, ka.getTTL());
            CountDownLatch streamed = new CountDownLatch(1);
            try (var observer = lease.keepAlive(id, new io.grpc.stub.StreamObserver<>() {
                public void onNext(LeaseKeepAliveResponse r) { if (r.getTTL() == 30) streamed.countDown(); }
                public void onError(Throwable t) { }
                public void onCompleted() { }
            })) {
                assertTrue(streamed.await(15, TimeUnit.SECONDS), "streamed keep-alive response");
            }
            var ttl = lease.timeToLive(id, io.etcd.jetcd.options.LeaseOption.newBuilder().withAttachedKeys().build())
                    .get(10, TimeUnit.SECONDS);
            assertEquals(30, ttl.getGrantedTTL());
            assertTrue(ttl.getTTL() > 20 && ttl.getTTL() <= 30, "ttl " + ttl.getTTL());
            assertEquals(List.of(bs("j/leased")), ttl.getKeys());
            lease.revoke(id).get(10, TimeUnit.SECONDS);
            assertEquals(0, kv.get(bs("j/leased")).get(10, TimeUnit.SECONDS).getCount());
        }
    }
}
