package io.cairn.persistence.mvcc;

/**
 * A request the store refuses, with the etcd error it corresponds to. The gRPC layer maps {@link Code}
 * to etcd's status code and message (see etcd's api/v3rpc/rpctypes).
 */
public final class MvccException extends Exception {
  public enum Code {
    /** OUT_OF_RANGE "etcdserver: mvcc: required revision has been compacted" */
    COMPACTED,
    /** OUT_OF_RANGE "etcdserver: mvcc: required revision is a future revision" */
    FUTURE_REVISION,
    /** NOT_FOUND "etcdserver: requested lease not found" */
    LEASE_NOT_FOUND,
    /** FAILED_PRECONDITION "etcdserver: lease already exists" */
    LEASE_EXISTS,
    /** INVALID_ARGUMENT "etcdserver: key not found" (put with ignore_value/ignore_lease on a missing key) */
    KEY_NOT_FOUND,
    /** INVALID_ARGUMENT "etcdserver: value is provided" */
    VALUE_PROVIDED,
    /** INVALID_ARGUMENT "etcdserver: lease is provided" */
    LEASE_PROVIDED,
  }

  private final Code code;

  public MvccException(Code code) {
    super(code.name());
    this.code = code;
  }

  public Code code() {
    return code;
  }
}
