package io.cairn.bench;

import com.google.protobuf.ByteString;
import io.cairn.api.etcdserverpb.PutRequest;
import io.cairn.api.etcdserverpb.RequestOp;
import io.cairn.api.etcdserverpb.TxnRequest;
import java.util.Map;
import java.util.Random;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** etcd benchmark's {@code txn-put}: a Txn with no compares and {@code --txn-ops} puts on sequential keys. */
@Command(name = "txn-put", mixinStandardHelpOptions = true, description = "Benchmark txn-put")
final class TxnPutCommand extends LoadCommand {
  @Mixin PutOptions kv;

  @Option(names = "--txn-ops", defaultValue = "1", description = "Number of puts per txn. Default: ${DEFAULT-VALUE}")
  int txnOps;

  @Override
  String op() {
    return "txn-put";
  }

  @Override
  void validate() {
    super.validate();
    kv.validate();
    if (txnOps < 1) {
      throw new IllegalArgumentException("--txn-ops must be positive");
    }
  }

  @Override
  void settings(Map<String, String> s) {
    kv.settings(s);
    s.put("txn_ops", Integer.toString(txnOps));
  }

  @Override
  LoadDriver.Op prepare(Connections conns) {
    ByteString value = ByteString.copyFrom(Keys.randomBytes(kv.valSize, new Random()));
    return (client, seq, done) -> {
      TxnRequest.Builder txn = TxnRequest.newBuilder();
      for (int i = 0; i < txnOps; i++) {
        // etcd's txn-put walks the key space in order, so one txn never names a key twice.
        long n = (seq * txnOps + i) % kv.keySpaceSize;
        txn.addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder()
            .setKey(ByteString.copyFrom(Keys.varintKey(n, kv.keySize))).setValue(value)));
      }
      LoadDriver.unary(conns.forClient(client), EtcdMethods.TXN, txn.build(), done);
    };
  }
}
