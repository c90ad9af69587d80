#!/usr/bin/env bash
# Where a running Cairn cluster's CPU goes under one workload (issue 6): starts a 3-member Cairn cluster on
# loopback, runs the workload once unmeasured (a JVM member keeps compiling its hot paths long after its first
# requests), then runs it again with async-profiler attached to every member, and prints each member's CPU ticks
# and its samples by thread pool (how much of it is parking and thread switching).
#
# Usage: bench/profile.sh [--out DIR] [--warm N] -- BENCH-ARGS...
#   BENCH-ARGS  what follows `bin/cairn bench --endpoints <the three members>`, e.g.
#               bench/profile.sh -- --target-leader --conns 1 --clients 1 put --total 1000 --rate 100
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
[ $# -gt 0 ] || { sed -n '2,15p' "$0"; exit 2; }
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

# shellcheck source=bench/cluster.sh
source "$root/bench/cluster.sh"
trap kill_cluster EXIT INT TERM
start_cluster cairn "$out"
leader="$(leader_endpoint)"
bench() { "$root/bin/cairn" bench --no-progress --endpoints "$endpoints" "$@"; }
for _ in $(seq 1 "$warm"); do bench "$@" > /dev/null; done

ticks() { for pid in "${pids[@]}"; do awk '{printf "%d ", $14 + $15}' "/proc/$pid/stat"; done; }
for pid in "${pids[@]}"; do profiler "$pid" "start,event=cpu,interval=1ms,threads"; done
before="$(ticks)"
bench "$@" | tee "$out/bench.txt" | grep '^summary '
after="$(ticks)"
for i in 0 1 2; do profiler "${pids[$i]}" "stop,collapsed,file=$out/m$((i + 1)).collapsed"; done
stop_cluster

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
