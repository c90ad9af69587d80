package io.cairn.bench;

import com.google.protobuf.ByteString;
import io.cairn.api.etcdserverpb.PutRequest;
import io.cairn.api.etcdserverpb.PutResponse;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** etcd benchmark's {@code put}: Put requests of {@code --key-size}/{@code --val-size} over a key space. */
@Command(name = "put", mixinStandardHelpOptions = true, description = "Benchmark put")
final class PutCommand extends LoadCommand {
  @Mixin PutOptions kv;

  @Option(names = "--sequential-keys", description = "Use sequential keys (request i writes key i %% key-space-size).")
  boolean sequentialKeys;

  @Override
  String op() {
    return "put";
  }

  @Override
  void validate() {
    super.validate();
    kv.validate();
  }

  @Override
  void settings(Map<String, String> s) {
    kv.settings(s);
    s.put("sequential", Boolean.toString(sequentialKeys));
  }

  @Override
  LoadDriver.Op prepare(Connections conns) {
    ByteString value = ByteString.copyFrom(Keys.randomBytes(kv.valSize, new java.util.Random()));
    return (client, seq, done) -> {
      long n = Keys.keyNumber(seq, kv.keySpaceSize, sequentialKeys, ThreadLocalRandom.current());
      PutRequest req = PutRequest.newBuilder()
          .setKey(ByteString.copyFrom(Keys.varintKey(n, kv.keySize)))
          .setValue(value)
          .build();
      LoadDriver.unary(conns.forClient(client), EtcdMethods.PUT, req, done);
    };
  }
}
