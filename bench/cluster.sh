# Sourced by bench/ab.sh and bench/profile.sh: a 3-member cluster, Cairn (bin/cairn) or etcd 3.4 ($etcd_bin), on
# free loopback ports with its data and logs under a given directory.
# The caller sets root (the repository) and, for etcd, etcd_bin. start_cluster sets pids[] (the member processes;
# bin/cairn execs java, so these are the member JVMs) and endpoints (the client URLs, comma-separated).

pids=()
endpoints=""

free_ports() { # n: prints n free loopback ports
  python3 - "$1" <<'PY'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
for s in socks: s.close()
PY
}

# start_cluster SYSTEM DIR: starts 3 members and waits (at most 120 s) until they serve a write
start_cluster() {
  local system="$1" dir="$2"
  local ports; read -r -a ports <<< "$(free_ports 6)"
  local cluster="m1=http://127.0.0.1:${ports[1]},m2=http://127.0.0.1:${ports[3]},m3=http://127.0.0.1:${ports[5]}"
  pids=()
  endpoints=""
  for i in 0 1 2; do
    local name="m$((i + 1))" client="${ports[$((2 * i))]}" peer="${ports[$((2 * i + 1))]}"
    local cmd
    if [ "$system" = cairn ]; then cmd="$root/bin/cairn"; else cmd="$etcd_bin"; fi
    mkdir -p "$dir/$name"
    "$cmd" --name "$name" --data-dir "$dir/$name/data" \
      --listen-client-urls "http://127.0.0.1:$client" --advertise-client-urls "http://127.0.0.1:$client" \
      --listen-peer-urls "http://127.0.0.1:$peer" --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
      --initial-cluster "$cluster" --initial-cluster-token "bench-$system" --initial-cluster-state new \
      > "$dir/$name/server.log" 2>&1 &
    pids+=("$!")
    endpoints="${endpoints:+$endpoints,}127.0.0.1:$client"
  done
  local deadline=$((SECONDS + 120))
  until ETCDCTL_API=3 etcdctl --endpoints="$endpoints" --command-timeout=3s endpoint health >/dev/null 2>&1 &&
        ETCDCTL_API=3 etcdctl --endpoints="$endpoints" --command-timeout=3s put bench-ready ok >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then
      echo "${0##*/}: $system cluster not healthy within 120 s (logs in $dir)" >&2
      return 1
    fi
    sleep 1
  done
}

# stop_cluster: SIGTERM to every member, SIGKILL after 20 s
stop_cluster() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    local deadline=$((SECONDS + 20))
    while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  pids=()
}

# kill_cluster: for an EXIT trap, members must not outlive the script
kill_cluster() {
  for pid in "${pids[@]:-}"; do
    [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
  done
}

# leader_endpoint: prints the client URL of the member that is leader
leader_endpoint() {
  ETCDCTL_API=3 etcdctl --endpoints="$endpoints" endpoint status -w json | python3 -c '
import json, sys
for s in json.load(sys.stdin):
    if s["Status"]["leader"] == s["Status"]["header"]["member_id"]: print(s["Endpoint"])'
}
