package io.cairn.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/** Flag parsing as etcd's benchmark takes it: global flags before or after the subcommand. */
class BenchArgumentsTest {

  private static Object parse(String... args) {
    ParseResult r = BenchMain.commandLine().parseArgs(args);
    return r.subcommand().commandSpec().userObject();
  }

  @Test
  void putTakesGlobalFlagsOnEitherSideOfTheSubcommand() {
    PutCommand put = (PutCommand) parse("--endpoints", "127.0.0.1:1,http://127.0.0.1:2", "--conns", "10",
        "put", "--clients=100", "--target-leader", "--total", "5000", "--rate", "200", "--key-size", "16",
        "--val-size", "256", "--key-space-size", "100000", "--sequential-keys");
    assertEquals(List.of("127.0.0.1:1", "http://127.0.0.1:2"), put.root.endpoints);
    assertEquals(10, put.root.conns);
    assertEquals(100, put.root.clients);
    assertTrue(put.root.targetLeader);
    assertEquals(5000, put.total);
    assertEquals(200.0, put.rate);
    assertEquals(16, put.kv.keySize);
    assertEquals(256, put.kv.valSize);
    assertEquals(100000, put.kv.keySpaceSize);
    assertTrue(put.sequentialKeys);
  }

  @Test
  void defaultsAreEtcdBenchmarks() {
    PutCommand put = (PutCommand) parse("put");
    assertEquals(List.of("127.0.0.1:2379"), put.root.endpoints);
    assertEquals(1, put.root.conns);
    assertEquals(1, put.root.clients);
    assertFalse(put.root.targetLeader);
    assertEquals(10000, put.total);
    assertEquals(8, put.kv.keySize);
    assertEquals(8, put.kv.valSize);
    assertEquals(1, put.kv.keySpaceSize);
    assertFalse(put.sequentialKeys);
    WatchLatencyCommand watch = (WatchLatencyCommand) parse("watch-latency");
    assertEquals(10, watch.streams);
    assertEquals(10, watch.watchersPerStream);
    assertEquals(100.0, watch.rate);
  }

  @Test
  void rangeTakesKeyEndAndConsistency() {
    RangeCommand range = (RangeCommand) parse("range", "a", "z", "--consistency", "s");
    assertEquals("a", range.key);
    assertEquals("z", range.end);
    assertTrue(range.request().getSerializable());
    assertEquals("z", range.request().getRangeEnd().toStringUtf8());
    RangeCommand linear = (RangeCommand) parse("range", "k");
    assertFalse(linear.request().getSerializable());
    assertTrue(linear.request().getRangeEnd().isEmpty());
  }

  @Test
  void badValuesAreOneLineErrorsAndNonZeroExits() {
    StringWriter err = new StringWriter();
    CommandLine cl = BenchMain.commandLine();
    cl.setErr(new PrintWriter(err));
    int code = cl.execute("range", "k", "--consistency", "x", "--endpoints", "127.0.0.1:1");
    assertNotEquals(0, code);
    assertTrue(err.toString().contains("unknown consistency flag 'x'"), err.toString());
    assertNotEquals(0, BenchMain.commandLine().setErr(new PrintWriter(new StringWriter())).execute("put", "--total", "x"));
    assertThrows(IllegalArgumentException.class, () -> Connections.HostPort.parse("https://h:1"));
    assertThrows(IllegalArgumentException.class, () -> Connections.HostPort.parse("nohostport"));
    assertEquals(new Connections.HostPort("127.0.0.1", 2379), Connections.HostPort.parse("http://127.0.0.1:2379"));
  }

  @Test
  void txnPutAndLeaseKeepaliveParse() {
    TxnPutCommand txn = (TxnPutCommand) parse("txn-put", "--txn-ops", "3", "--key-space-size", "10");
    assertEquals(3, txn.txnOps);
    assertEquals(10, txn.kv.keySpaceSize);
    assertEquals(8, txn.kv.keySize);
    assertInstanceOf(LeaseKeepaliveCommand.class, parse("lease-keepalive", "--total", "7"));
  }
}
