package io.cairn.launcher.grpcproxy;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One proxy's registration under {@code --resolver-prefix}, as etcd 3.4's clientv3/naming GRPCResolver.Update writes
 * it: key "{prefix}/{addr}", value the JSON of grpc naming's Update ({"Op":0,"Addr":...,"Metadata":...}) whose
 * Metadata is itself the JSON string {"name":"{hostname}"} (grpcproxy/register.go getMeta).
 */
record ResolverEntry(String addr, String name) {
  private static final Gson GSON = new Gson();

  static String key(String prefix, String addr) {
    return prefix + "/" + addr;
  }

  String json() {
    Map<String, Object> update = new LinkedHashMap<>();
    update.put("Op", 0);
    update.put("Addr", addr);
    update.put("Metadata", GSON.toJson(Map.of("name", name)));
    return GSON.toJson(update);
  }

  /** The entry an Update JSON stands for, or null for anything else (grpc naming's Delete op, or garbage). */
  static ResolverEntry parse(String json) {
    try {
      JsonObject update = JsonParser.parseString(json).getAsJsonObject();
      if (update.has("Op") && update.get("Op").getAsInt() != 0) {
        return null;
      }
      String name = "";
      if (update.has("Metadata") && update.get("Metadata").isJsonPrimitive()) {
        JsonObject meta = JsonParser.parseString(update.get("Metadata").getAsString()).getAsJsonObject();
        name = meta.has("name") ? meta.get("name").getAsString() : "";
      }
      return new ResolverEntry(update.get("Addr").getAsString(), name);
    } catch (RuntimeException e) {
      return null;
    }
  }
}
