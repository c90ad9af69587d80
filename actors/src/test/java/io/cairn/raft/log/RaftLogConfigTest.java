package io.cairn.raft.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cairn.api.raft.LogEvent;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The shipped cairn-raft-log.conf: an fsync'd native LevelDB journal, protobuf events. */
@Timeout(30)
class RaftLogConfigTest {

  @TempDir Path dataDir;

  @Test
  void theJournalIsNativeLevelDbWithFsyncOn() {
    Config config = PersistentRaftLogTest.config(dataDir);

    assertEquals("akka.persistence.journal.leveldb", config.getString("akka.persistence.journal.plugin"));
    assertEquals("akka.persistence.journal.leveldb", RaftLogSettings.from(config).journalPluginId());
    assertTrue(config.getBoolean("akka.persistence.journal.leveldb.fsync"));
    assertTrue(config.getBoolean("akka.persistence.journal.leveldb.native"));
    assertEquals(
        dataDir.resolve("member/raft").toAbsolutePath().toString(),
        config.getString("akka.persistence.journal.leveldb.dir"));
  }

  @Test
  void openingWithFsyncOffIsRefused() throws Exception {
    Config noFsync =
        ConfigFactory.parseString("akka.persistence.journal.leveldb.fsync = off")
            .withFallback(PersistentRaftLogTest.config(dataDir));
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "raft-log-no-fsync", noFsync);
    try {
      assertThrows(IllegalStateException.class, () -> PersistentRaftLog.open(system, 1));
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void logEventsUseTheProtobufSerializer() throws Exception {
    ActorSystem<Void> system =
        ActorSystem.create(Behaviors.empty(), "raft-log-serialization", PersistentRaftLogTest.config(dataDir));
    try {
      Serialization serialization = SerializationExtension.get(system);
      LogEvent event = LogEvents.truncated(7);
      assertEquals(
          "akka.remote.serialization.ProtobufSerializer",
          serialization.findSerializerFor(event).getClass().getName());
      byte[] bytes = serialization.serialize(event).get();
      assertEquals(event, serialization.deserialize(bytes, LogEvent.class).get());
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
