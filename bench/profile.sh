#!/usr/bin/env bash
# Where a running Cairn cluster's CPU goes under one workload (issue 6): starts a 3-member Cairn cluster on
# loopback, runs the workload once unmeasured (a JVM member keeps compiling its hot paths long after its first
# requests), then runs it again with async-profiler attached to every member, and prints each member's CPU ticks
# and its samples by thread pool (how much of it is parking and thread switching).
#
# Usage: bench/profile.sh [--out DIR] [--warm N] -- BENCH-ARGS...
#   BENCH-ARGS  what follows `bin/cairn bench --endpoints E`; LEADER in them is replaced by the leader's endpoint,
#               e.g. bench/profile.sh -- --endpoints LEADER --conns 1 --clients 1 put --total 1000 --rate 100
#               (without --endpoints, all three members are used)
#   --warm N    runs of the workload before the profiled one; default 1
#   --out DIR   where the collapsed stacks (one file per member, thread names first) and logs go
# async-profiler 3.0 comes from Maven Central (tools.profiler:async-profiler); its agent is loaded into each
# member through the JDK attach API. Environment: CAIRN_JAVA_OPTS is passed to the members.
# Build first: mvn -q -B -DskipTests package
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
out="$root/bench/target/profile-$(date -u +%Y%m%dT%H%M%S)"
warm=1
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --warm) warm="$2"; shift 2 ;;
    --) shift; break ;;
    *) echo "profile.sh: unknown option $1 (bench arguments go after --)" >&2; exit 2 ;;
  esac
done
[ $# -gt 0 ] || { sed -n '2,16p' "$0"; exit 2; }
mkdir -p "$out"

ap_version=3.0
ap_jar="$HOME/.m2/repository/tools/profiler/async-profiler/$ap_version/async-profiler-$ap_version.jar"
[ -f "$ap_jar" ] || mvn -B -q dependency:get -Dartifact="tools.profiler:async-profiler:$ap_version" >&2
ap_dir="$out/async-profiler"
mkdir -p "$ap_dir"
(cd "$ap_dir" && unzip -o -q "$ap_jar" 'linux-x64/*')
agent="$ap_dir/linux-x64/libasyncProfiler.so"
cat > "$ap_dir/Attach.java" <<'EOF'
public class Attach {
  public static void main(String[] args) throws Exception {
    com.sun.tools.attach.VirtualMachine vm = com.sun.tools.attach.VirtualMachine.attach(args[0]);
    try {
      vm.loadAgentPath(args[1], args[2]);
    } finally {
      vm.detach();
    }
  }
}
EOF
javac -d "$ap_dir" "$ap_dir/Attach.java"
profiler() { java -cp "$ap_dir" Attach "$1" "$agent" "$2"; }

read -r -a ports <<< "$(python3 -c '
import socket
socks = [socket.socket() for _ in range(6)]
for s in socks: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))')"
cluster="m1=http://127.0.0.1:${ports[1]},m2=http://127.0.0.1:${ports[3]},m3=http://127.0.0.1:${ports[5]}"
pids=()
endpoints=""
cleanup() { for pid in "${pids[@]:-}"; do [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM
for i in 0 1 2; do
  name="m$((i + 1))"
  mkdir -p "$out/$name"
  "$root/bin/cairn" --name "$name" --data-dir "$out/$name/data" \
    --listen-client-urls "http://127.0.0.1:${ports[$((2 * i))]}" \
    --advertise-client-urls "http://127.0.0.1:${ports[$((2 * i))]}" \
    --listen-peer-urls "http://127.0.0.1:${ports[$((2 * i + 1))]}" \
    --initial-advertise-peer-urls "http://127.0.0.1:${ports[$((2 * i + 1))]}" \
    --initial-cluster "$cluster" --initial-cluster-token profile --initial-cluster-state new \
    > "$out/$name/server.log" 2>&1 &
  pids+=("$!")
  endpoints="${endpoints:+$endpoints,}127.0.0.1:${ports[$((2 * i))]}"
done
deadline=$((SECONDS + 120))
until ETCDCTL_API=3 etcdctl --endpoints="$endpoints" --command-timeout=3s put profile-ready ok >/dev/null 2>&1; do
  [ $SECONDS -lt $deadline ] || { echo "profile.sh: cluster not healthy within 120 s (logs in $out)" >&2; exit 1; }
  sleep 1
done
leader="$(ETCDCTL_API=3 etcdctl --endpoints="$endpoints" endpoint status -w json | python3 -c '
import json, sys
for s in json.load(sys.stdin):
    if s["Status"]["leader"] == s["Status"]["header"]["member_id"]: print(s["Endpoint"])')"
# bin/cairn execs java, so its pid is the member JVM's
jvms=("${pids[@]}")
args=()
for a in "$@"; do args+=("${a//LEADER/$leader}"); done
[[ " ${args[*]} " == *" --endpoints "* ]] || args=(--endpoints "$endpoints" "${args[@]}")
bench() { "$root/bin/cairn" bench --no-progress "${args[@]}"; }
for _ in $(seq 1 "$warm"); do bench > /dev/null; done

ticks() { for pid in "${jvms[@]}"; do awk '{printf "%d ", $14 + $15}' "/proc/$pid/stat"; done; }
for pid in "${jvms[@]}"; do profiler "$pid" "start,event=cpu,interval=1ms,threads"; done
before="$(ticks)"
bench | tee "$out/bench.txt" | grep '^summary '
after="$(ticks)"
for i in 0 1 2; do profiler "${jvms[$i]}" "stop,collapsed,file=$out/m$((i + 1)).collapsed"; done
kill -TERM "${pids[@]}" 2>/dev/null || true
wait "${pids[@]}" 2>/dev/null || true

echo "leader: $leader (members m1..m3 on $endpoints)"
echo "CPU ticks (1/100 s) during the profiled run, m1 m2 m3: before $before, after $after"
python3 - "$out"/m1.collapsed "$out"/m2.collapsed "$out"/m3.collapsed <<'EOF'
import collections, re, sys
# Samples by thread pool (thread names without their numbers), and the share spent switching threads
# (the kernel's finish_task_switch and the wake-up spinlock) or parked (ForkJoin awaitWork, TPE getTask).
for path in sys.argv[1:]:
    pools, switching, parked, total = collections.Counter(), collections.Counter(), collections.Counter(), 0
    for line in open(path):
        stack, _, count = line.rstrip().rpartition(' ')
        count = int(count)
        total += count
        thread = stack.split(';', 1)[0]
        pool = re.sub(r'[-\s]?\d* tid=\d+\]$', '', thread).lstrip('[')
        pools[pool] += count
        if 'finish_task_switch' in stack or '_raw_spin_unlock_irqrestore' in stack:
            switching[pool] += count
        if 'ForkJoinPool.awaitWork' in stack or 'ThreadPoolExecutor.getTask' in stack:
            parked[pool] += count
    print(f"\n{path}: {total} samples (1 ms each)")
    print(" share  switching  parking  pool")
    for pool, count in pools.most_common(12):
        print(f"{100 * count / total:5.1f}%  {100 * switching[pool] / total:8.1f}%  {100 * parked[pool] / total:6.1f}%  {pool}")
EOF
