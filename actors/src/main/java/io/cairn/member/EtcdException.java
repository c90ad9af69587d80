package io.cairn.member;

import io.cairn.persistence.mvcc.MvccException;

/** An etcd error on its way to the client; the gRPC layer turns it into its status and message. */
public final class EtcdException extends RuntimeException {
  private final EtcdError error;

  public EtcdException(EtcdError error) {
    super(error.message(), null, false, false);
    this.error = error;
  }

  public EtcdError error() {
    return error;
  }

  /** The etcd error a store refusal stands for. */
  public static EtcdException of(MvccException e) {
    return new EtcdException(
        switch (e.code()) {
          case COMPACTED -> EtcdError.COMPACTED;
          case FUTURE_REVISION -> EtcdError.FUTURE_REV;
          case LEASE_NOT_FOUND -> EtcdError.LEASE_NOT_FOUND;
          case LEASE_EXISTS -> EtcdError.LEASE_EXIST;
          case KEY_NOT_FOUND -> EtcdError.KEY_NOT_FOUND;
          case VALUE_PROVIDED -> EtcdError.VALUE_PROVIDED;
          case LEASE_PROVIDED -> EtcdError.LEASE_PROVIDED;
        });
  }
}
