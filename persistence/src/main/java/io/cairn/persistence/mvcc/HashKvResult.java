package io.cairn.persistence.mvcc;

/**
 * A HashKV answer: the CRC-32C {@code hash}, the {@code revision} it covers up to, and the {@code
 * compactRevision} it starts from (HashKVResponse.compact_revision), read together.
 */
public record HashKvResult(long hash, long revision, long compactRevision) {}
