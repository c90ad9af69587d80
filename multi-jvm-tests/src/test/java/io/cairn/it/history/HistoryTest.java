package io.cairn.it.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.it.history.KeyResult.Verdict;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryTest {

    @Test
    void recordsOutcomesAndTreatsPendingCallsAsIndeterminate() {
        History h = new History(10);
        h.invokeWrite(0, "k", "a").okWrite();
        h.invokeRead(1, "k").okRead("a");
        h.invokeCas(2, "k", "a", "b").okCas(true);
        h.invokeWrite(3, "k", "c").fail();
        History.Call pending = h.invokeWrite(4, "k", "d");
        List<Operation> ops = h.operations();
        assertEquals(5, ops.size());
        assertEquals(Operation.Status.FAIL, ops.get(3).status());
        assertEquals(Operation.Status.INDETERMINATE, ops.get(4).status());
        assertEquals(Operation.INFINITY_NANOS, ops.get(4).completeNanos());
        assertTrue(ops.get(2).casSucceeded());
        assertEquals(Verdict.OK, new LinearizabilityChecker().check(h).verdict());

        pending.okWrite();
        assertEquals(Operation.Status.OK, h.operations().get(4).status());
        assertThrows(IllegalStateException.class, pending::indeterminate);
        assertThrows(IllegalStateException.class, () -> h.invokeRead(0, "k").okWrite());
    }

    @Test
    void refusesBeyondItsBound() {
        History h = new History(2);
        h.invokeRead(0, "k").okRead(null);
        h.invokeRead(0, "k").okRead(null);
        assertTrue(h.isFull());
        assertThrows(History.HistoryFullException.class, () -> h.invokeRead(0, "k"));
        assertEquals(2, h.size());
        assertEquals(2, h.operations().size());
    }

    @Test
    void jsonLinesRoundTrip(@TempDir Path dir) throws Exception {
        Ops o = new Ops();
        o.write(0, "k\"\\\n", "va\tl\u0001ue", 1, 2);
        o.read(1, "k", null, 3, 4);
        o.cas(2, "k", null, "x", true, 5, 6);
        o.indeterminateCas(3, "k", "x", "y", 7);
        o.replaceLast(o.write(4, "k", "z", 8, 9).failed());
        Path file = dir.resolve("sub/history.jsonl");
        HistoryJson.write(o.list(), file);
        assertEquals(5, Files.readAllLines(file).size());
        assertEquals(o.list(), HistoryJson.read(file));
    }

    @Test
    void dumpWritesTheRecordedOperations(@TempDir Path dir) throws Exception {
        History h = new History(10);
        h.invokeWrite(0, "k", "a").okWrite();
        h.invokeRead(0, "k");
        Path file = h.dump(dir.resolve("h.jsonl"));
        assertEquals(h.operations(), HistoryJson.read(file));
    }

    /**
     * Real threads on a real linearizable register (an AtomicReference per key; each operation is one atomic
     * action between its invoke and its completion): the recorded history must check OK. No sleeps: each thread
     * does a fixed number of operations.
     */
    @Test
    void concurrentRecordingOfARealRegisterIsLinearizable() throws Exception {
        int threads = 4;
        int perThread = 150;
        History h = new History(threads * perThread);
        List<AtomicReference<String>> registers = List.of(new AtomicReference<>(), new AtomicReference<>());
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            final int client = t;
            workers.add(new Thread(() -> {
                java.util.Random random = new java.util.Random(client);
                for (int i = 0; i < perThread; i++) {
                    int k = random.nextInt(registers.size());
                    AtomicReference<String> reg = registers.get(k);
                    String key = "k" + k;
                    String value = client + "-" + i;
                    switch (random.nextInt(3)) {
                        case 0 -> {
                            History.Call c = h.invokeRead(client, key);
                            c.okRead(reg.get());
                        }
                        case 1 -> {
                            History.Call c = h.invokeWrite(client, key, value);
                            reg.set(value);
                            c.okWrite();
                        }
                        default -> {
                            String expected = reg.get();
                            History.Call c = h.invokeCas(client, key, expected, value);
                            c.okCas(reg.compareAndSet(expected, value));
                        }
                    }
                }
            }));
        }
        for (Thread w : workers) w.start();
        for (Thread w : workers) w.join();
        assertTrue(h.isFull());
        CheckResult r = new LinearizabilityChecker().check(h);
        assertEquals(Verdict.OK, r.verdict(), r::explain);
    }
}
