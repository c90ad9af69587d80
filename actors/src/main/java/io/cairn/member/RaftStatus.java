package io.cairn.member;

/** What Maintenance.Status reports of consensus. leaderId 0: no leader known. */
public record RaftStatus(long leaderId, long term, long commitIndex, long appliedIndex, boolean learner) {}
