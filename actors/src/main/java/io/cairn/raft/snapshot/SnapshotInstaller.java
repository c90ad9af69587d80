package io.cairn.raft.snapshot;

import io.cairn.api.raft.SnapshotMeta;
import java.nio.file.Path;
import java.util.concurrent.CompletionStage;

/**
 * The follower's member installs a received snapshot (Raft §7 step 8: "reset state machine using snapshot
 * contents"). Implemented by the member on its apply thread, queued behind every Committed batch the node
 * handed over before: {@code store.installSnapshot(file)}, then its own applied index and derived state
 * (watchers, lessor) as of meta.index. Completes when the store holds the snapshot; fails (the file is
 * corrupt) to leave the store as it was. The node deletes the file afterwards.
 */
@FunctionalInterface
public interface SnapshotInstaller {
  CompletionStage<Void> install(Path file, SnapshotMeta meta);
}
