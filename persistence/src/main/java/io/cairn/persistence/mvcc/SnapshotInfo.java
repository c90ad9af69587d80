package io.cairn.persistence.mvcc;

/**
 * What {@code cairn snapshot status} shows, after etcdctl's: a CRC-32 of the snapshot's records, the
 * store revision it holds, the number of records and the file size in bytes.
 */
public record SnapshotInfo(long hash, long revision, long totalKeys, long totalSize) {}
