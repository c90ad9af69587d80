package io.cairn.member;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import io.cairn.api.etcdserverpb.InternalRaftRequest;
import io.cairn.api.etcdserverpb.PutRequest;
import io.cairn.api.etcdserverpb.RangeRequest;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class QuotaTest {
  private static final InternalRaftRequest PUT = InternalRaftRequest.newBuilder()
      .setPut(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("k")).setValue(ByteString.copyFromUtf8("v")))
      .build();

  private final AtomicLong sizeBytes = new AtomicLong();
  private final AtomicInteger measurements = new AtomicInteger();
  private final AtomicLong nowNanos = new AtomicLong(1_000);
  private final Quota quota = new Quota(() -> {
    measurements.incrementAndGet();
    return sizeBytes.get();
  }, 10_000, new AlarmState(List.of()), nowNanos::get);

  @Test
  void theBackendSizeIsMeasuredAtMostOncePerRefreshInterval() {
    assertEquals(Quota.Verdict.OK, quota.check(PUT));
    sizeBytes.set(20_000); // grown, but not measured again yet: etcd's quota also sees bolt's size per batch
    assertEquals(Quota.Verdict.OK, quota.check(PUT));
    assertEquals(1, measurements.get());

    nowNanos.addAndGet(Quota.SIZE_REFRESH_NANOS);
    assertEquals(Quota.Verdict.EXCEEDED, quota.check(PUT));
    assertEquals(2, measurements.get());
  }

  @Test
  void requestsThatDoNotGrowTheBackendAreNotMeasured() {
    sizeBytes.set(20_000);
    InternalRaftRequest range = InternalRaftRequest.newBuilder().setRange(RangeRequest.getDefaultInstance()).build();
    assertEquals(Quota.Verdict.OK, quota.check(range));
    assertEquals(0, measurements.get());
  }
}
