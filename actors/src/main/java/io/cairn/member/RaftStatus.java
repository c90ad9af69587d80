package io.cairn.member;

/**
 * What Maintenance.Status reports of consensus. leaderId 0: no leader known. learner: this member is a learner in
 * the configuration it applied (etcd's IsLearner).
 */
public record RaftStatus(long leaderId, long term, long commitIndex, long appliedIndex, boolean learner) {}
