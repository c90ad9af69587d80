package io.cairn.member;

/** etcd's request limits: --max-request-bytes, --max-txn-ops, --quota-backend-bytes. */
public record ServerLimits(long maxRequestBytes, int maxTxnOps, long quotaBackendBytes) {
  /** etcd's embed defaults: 1.5 MiB, 128 ops, 2 GiB. */
  public static final ServerLimits ETCD_DEFAULTS = new ServerLimits(1536 * 1024, 128, 2L * 1024 * 1024 * 1024);
}
