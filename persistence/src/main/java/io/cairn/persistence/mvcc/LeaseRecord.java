package io.cairn.persistence.mvcc;

import com.google.protobuf.ByteString;
import java.util.Set;

/** A granted lease as the store knows it: its id, its granted TTL and the keys attached to it now. */
public record LeaseRecord(long id, long ttlSeconds, Set<ByteString> keys) {}
