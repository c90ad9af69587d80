package io.cairn.persistence.mvcc;

/**
 * What the key index says about a live key at some revision: the revision holding its value, its
 * create revision (main) and its version (etcd's {@code keyIndex.get}).
 */
record KeyState(Revision modified, long created, long version) {}
