package io.cairn.member.lease;

import com.google.protobuf.ByteString;
import java.util.List;

/**
 * A lease as LeaseTimeToLive reports it (etcdserver/v3_server.go LeaseTimeToLive).
 *
 * @param remainingSeconds whole seconds left, truncated toward zero as etcd's int64(l.Remaining().Seconds())
 * @param grantedTtlSeconds the TTL the lease was granted with (after raising it to the minimum TTL)
 * @param keys the keys attached, sorted; empty unless asked for
 */
public record LeaseTimeToLive(long id, long remainingSeconds, long grantedTtlSeconds, List<ByteString> keys) {}
