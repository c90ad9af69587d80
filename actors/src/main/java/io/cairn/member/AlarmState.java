package io.cairn.member;

import io.cairn.api.etcdserverpb.AlarmMember;
import io.cairn.api.etcdserverpb.AlarmType;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The active alarms as last committed (etcd's alarmStore), readable from any thread. Only the applier
 * replaces it, after each durable batch; the quota check reads it before proposing.
 */
public final class AlarmState {
  private volatile Set<AlarmMember> active;

  public AlarmState(List<AlarmMember> initial) {
    this.active = Set.copyOf(new LinkedHashSet<>(initial));
  }

  public Set<AlarmMember> active() {
    return active;
  }

  public boolean isActive(AlarmType type) {
    for (AlarmMember m : active) {
      if (m.getAlarm() == type) {
        return true;
      }
    }
    return false;
  }

  void replace(Set<AlarmMember> alarms) {
    this.active = Set.copyOf(alarms);
  }
}
