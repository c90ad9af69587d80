package io.cairn.persistence.mvcc;

/**
 * etcd's revision pair: {@code main} is the store revision a change belongs to, {@code sub} orders the
 * changes inside one main revision (the n-th write of a Txn, etcd's {@code len(tw.changes)}).
 */
record Revision(long main, long sub) implements Comparable<Revision> {

  @Override
  public int compareTo(Revision o) {
    int c = Long.compare(main, o.main);
    return c != 0 ? c : Long.compare(sub, o.sub);
  }

  boolean greaterThan(Revision o) {
    return compareTo(o) > 0;
  }
}
