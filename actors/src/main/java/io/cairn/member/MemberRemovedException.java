package io.cairn.member;

/** This member was removed from its cluster: it must not serve (etcd's ErrMemberRemoved at start). */
public final class MemberRemovedException extends RuntimeException {
  /** etcd's message when a removed member stops. */
  public static final String MESSAGE = "the member has been permanently removed from the cluster";

  public MemberRemovedException() {
    super(MESSAGE);
  }
}
