package io.cairn.member.watch;

import com.google.protobuf.ByteString;
import io.cairn.api.etcdserverpb.RangeRequest;
import io.cairn.api.etcdserverpb.RangeResponse;
import io.cairn.api.mvccpb.KeyValue;
import io.cairn.persistence.mvcc.EventPage;
import io.cairn.persistence.mvcc.MvccException;
import io.cairn.persistence.mvcc.MvccStore;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Optional;

/** {@link WatchHistory} on the member's {@link MvccStore}. */
final class MvccWatchHistory implements WatchHistory {

  /**
   * {@code MvccStore.get(ByteString key, long atRevision)} is being added to the store; until the installed
   * jar has it, this adapter falls back to a Range at that revision (what etcd's sendLoop does for prev_kv:
   * watchable.Range(key, nil, {Rev: modRevision - 1})). Once it lands, replace the handle with a direct call.
   */
  private static final MethodHandle STORE_GET = findStoreGet();

  private final MvccStore store;

  MvccWatchHistory(MvccStore store) {
    this.store = store;
  }

  @Override
  public long currentRevision() {
    return store.currentRevision();
  }

  @Override
  public long compactedRevision() {
    return store.compactedRevision();
  }

  @Override
  public EventPage events(long fromRevision, ByteString key, ByteString rangeEnd, int maxEvents)
      throws MvccException {
    return store.events(fromRevision, key, rangeEnd, maxEvents);
  }

  @Override
  @SuppressWarnings("unchecked")
  public Optional<KeyValue> get(ByteString key, long revision) {
    if (revision <= 0) {
      return Optional.empty(); // revision 0 would mean "current" to the store
    }
    try {
      if (STORE_GET != null) {
        return (Optional<KeyValue>) STORE_GET.invoke(store, key, revision);
      }
      RangeResponse.Builder r = store.range(RangeRequest.newBuilder().setKey(key).setRevision(revision).build());
      return r.getKvsCount() == 0 ? Optional.empty() : Optional.of(r.getKvs(0));
    } catch (MvccException e) {
      return Optional.empty(); // etcd: a failed prev_kv Range leaves prev_kv unset
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  private static MethodHandle findStoreGet() {
    try {
      return MethodHandles.publicLookup()
          .findVirtual(
              MvccStore.class, "get", MethodType.methodType(Optional.class, ByteString.class, long.class));
    } catch (NoSuchMethodException | IllegalAccessException e) {
      return null;
    }
  }
}
