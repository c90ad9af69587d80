package io.cairn.bench;

import com.google.protobuf.ByteString;
import io.cairn.api.etcdserverpb.RangeRequest;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** etcd benchmark's {@code range key [end-range]}: the same Range request, linearizable or serializable. */
@Command(name = "range", mixinStandardHelpOptions = true, description = "Benchmark range")
final class RangeCommand extends LoadCommand {
  @Parameters(index = "0", paramLabel = "key", description = "The key (or range start) to read")
  String key;

  @Parameters(index = "1", arity = "0..1", paramLabel = "end-range", description = "Range end (exclusive)")
  String end;

  @Option(names = "--consistency", defaultValue = "l",
      description = "Linearizable(l) or Serializable(s). Default: ${DEFAULT-VALUE}")
  String consistency;

  @Option(names = "--limit", defaultValue = "0", description = "Maximum number of results (0: all). Default: ${DEFAULT-VALUE}")
  long limit;

  @Override
  String op() {
    return "range";
  }

  @Override
  void validate() {
    super.validate();
    if (!consistency.equals("l") && !consistency.equals("s")) {
      throw new IllegalArgumentException("unknown consistency flag '" + consistency + "'");
    }
  }

  @Override
  void settings(Map<String, String> s) {
    s.put("consistency", consistency);
  }

  RangeRequest request() {
    RangeRequest.Builder b = RangeRequest.newBuilder()
        .setKey(ByteString.copyFromUtf8(key))
        .setSerializable(consistency.equals("s"))
        .setLimit(limit);
    if (end != null) b.setRangeEnd(ByteString.copyFromUtf8(end));
    return b.build();
  }

  @Override
  LoadDriver.Op prepare(Connections conns) {
    RangeRequest req = request();
    return (client, seq, done) -> LoadDriver.unary(conns.forClient(client), EtcdMethods.RANGE, req, done);
  }
}
