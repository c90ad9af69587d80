package io.cairn.raft.log;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Settings under {@code cairn.raft.log} (defaults in cairn-raft-log.conf), and the data directory wiring.
 *
 * @param journalPluginId the Akka Persistence journal plugin (LevelDB in production)
 * @param maxPendingWrites calls whose completion is pending, beyond which calls are refused
 */
public record RaftLogSettings(String journalPluginId, int maxPendingWrites) {

  public static final String CONFIG_PATH = "cairn.raft.log";
  static final String LEVELDB_JOURNAL = "akka.persistence.journal.leveldb";

  public static RaftLogSettings from(Config config) {
    Config section = config.getConfig(CONFIG_PATH);
    return new RaftLogSettings(section.getString("journal-plugin"), section.getInt("max-pending-writes"));
  }

  /**
   * Config pointing the LevelDB journal at {@code <dataDir>/member/raft}: put it in front of the loaded
   * config when building the member's ActorSystem, e.g. {@code forDataDir(dir).withFallback(ConfigFactory.load())}.
   */
  public static Config forDataDir(Path dataDir) {
    String journalDir = dataDir.resolve("member").resolve("raft").toAbsolutePath().toString();
    return ConfigFactory.parseMap(Map.of(LEVELDB_JOURNAL + ".dir", journalDir));
  }

  /** LevelDB creates its directory but not the parents: create them all, or the journal fails to start. */
  static void createJournalDir(Config config, String journalPluginId) {
    String dirPath = journalPluginId + ".dir";
    if (config.hasPath(dirPath)) {
      try {
        Files.createDirectories(Path.of(config.getString(dirPath)));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create the raft log directory", e);
      }
    }
  }

  /** Acknowledging an append that is not fsynced breaks Raft's safety: refuse to start with fsync off. */
  static void requireFsync(Config config, String journalPluginId) {
    String fsyncPath = journalPluginId + ".fsync";
    if (config.hasPath(fsyncPath) && !config.getBoolean(fsyncPath)) {
      throw new IllegalStateException(fsyncPath + " is off: the raft log must fsync every write");
    }
  }
}
