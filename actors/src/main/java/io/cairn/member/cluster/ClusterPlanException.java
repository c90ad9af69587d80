package io.cairn.member.cluster;

/**
 * The initial cluster flags do not describe a cluster this member can bootstrap into. The message is etcd 3.4's
 * text, which etcd logs at CRITICAL through "etcdmain" before exiting with status 1.
 */
public final class ClusterPlanException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public ClusterPlanException(String etcdMessage) {
    super(etcdMessage);
  }
}
