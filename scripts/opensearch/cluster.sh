#!/usr/bin/env bash
# Start, stop and inspect a real OpenSearch cluster on loopback, built from Maven Central artifacts
# (pom.xml beside this script; no tarball or container image needed).
#
#   cluster.sh start [N]        build once (Maven, cached in ~/.m2 and target/), start N nodes, wait for health
#   cluster.sh stop [N]         stop the N-node cluster (SIGTERM, then SIGKILL after 30 s)
#   cluster.sh status [N]       cluster health, or "down"
#   cluster.sh start-node N I   (re)start node I (1-based) of the N-node cluster, keeping its data
#   cluster.sh kill-node N I    SIGKILL node I: a crash, not a stop
#   cluster.sh url [N]          the HTTP URL of node 1
#   cluster.sh build            only build
#
# N defaults to 1. Node I of an N-node cluster listens on HTTP port FIRST+I-1 and transport port
# FIRST+I+99, where FIRST is OPENSEARCH_FIRST_PORT (default 9250 for one node, 9251 for more), so
# the single test node and the 3-node cluster can run side by side. Each node has its own data dir
# under OPENSEARCH_DIR (default <repo>/var/opensearch), a PID file and a log there, and a heap of
# OPENSEARCH_HEAP (default 512m). `start` wipes the cluster's data first: every run starts empty.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BASE_DIR="${OPENSEARCH_DIR:-$ROOT/var/opensearch}"
HEAP="${OPENSEARCH_HEAP:-512m}"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

cmd="${1:-}"
shift || true

first_port() {  # N
  if [ -n "${OPENSEARCH_FIRST_PORT:-}" ]; then echo "$OPENSEARCH_FIRST_PORT"
  elif [ "$1" -eq 1 ]; then echo 9250
  else echo 9251; fi
}
cluster_dir() { echo "$BASE_DIR/cluster-$1-$(first_port "$1")"; }
http_port() { echo $(( $(first_port "$1") + $2 - 1 )); }
transport_port() { echo $(( $(first_port "$1") + $2 + 99 )); }
cluster_name() { echo "newsarchive-$1-$(first_port "$1")"; }
url() { echo "http://127.0.0.1:$(http_port "$1" 1)"; }

build() {
  local stamp="$HERE/target/.built"
  if [ -f "$stamp" ] && [ -z "$(find "$HERE/pom.xml" "$HERE/src" -newer "$stamp" -print -quit)" ]; then
    return 0
  fi
  echo "building the OpenSearch node (Maven; artifacts cached in ~/.m2)..."
  (cd "$HERE" && mvn -q -B -Dstyle.color=never package -DskipTests)
  touch "$stamp"
}

alive() {  # PIDFILE
  [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null
}

start_node() {  # N I
  local n="$1" i="$2" dir seeds="" masters="" j
  dir="$(cluster_dir "$n")/node-$i"
  mkdir -p "$dir"
  if alive "$dir/pid"; then
    echo "node $i of $n already running (pid $(cat "$dir/pid"))"
    return 0
  fi
  for j in $(seq 1 "$n"); do
    seeds="${seeds:+$seeds,}$(transport_port "$n" "$j")"
    masters="${masters:+$masters,}node-$j"
  done
  # setsid: the node outlives this script and gets no SIGINT/SIGHUP meant for the caller's shell.
  setsid "$JAVA" -Xms"$HEAP" -Xmx"$HEAP" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss1m \
    -Dlog4j2.disable.jmx=true -Djava.io.tmpdir="$dir" -Dopensearch.networkaddress.cache.ttl=60 \
    -cp "$HERE/target/classes:$HERE/target/lib/*" newsarchive.opensearch.NodeMain \
    "$(cluster_name "$n")" "node-$i" "$dir" "$(http_port "$n" "$i")" "$(transport_port "$n" "$i")" \
    "$seeds" "$masters" >>"$dir/node.log" 2>&1 </dev/null &
  echo $! >"$dir/pid"
}

health() {  # N [wait_for_status]
  curl -fsS -m 5 "$(url "$1")/_cluster/health${2:+?wait_for_status=$2&timeout=1s}" 2>/dev/null
}

wait_ready() {  # N
  local n="$1" deadline=$((SECONDS + ${OPENSEARCH_START_TIMEOUT:-180})) body
  while [ "$SECONDS" -lt "$deadline" ]; do
    for i in $(seq 1 "$n"); do
      alive "$(cluster_dir "$n")/node-$i/pid" || {
        echo "node $i of $n died while starting; its log:" >&2
        tail -n 40 "$(cluster_dir "$n")/node-$i/node.log" >&2
        return 1
      }
    done
    if body="$(health "$n")" && [[ "$body" == *"\"cluster_name\":\"$(cluster_name "$n")\""* ]] &&
      [[ "$body" == *"\"number_of_nodes\":$n,"* ]] &&
      [[ "$body" == *'"status":"green"'* || "$body" == *'"status":"yellow"'* ]]; then
      echo "OpenSearch up at $(url "$n") ($n node(s)) after ${SECONDS}s"
      return 0
    fi
    sleep 0.5
  done
  echo "OpenSearch ($n node(s)) not ready after ${OPENSEARCH_START_TIMEOUT:-180}s" >&2
  return 1
}

stop_node() {  # N I [signal]
  local pidfile pid deadline
  pidfile="$(cluster_dir "$1")/node-$2/pid"
  alive "$pidfile" || { rm -f "$pidfile"; return 0; }
  pid="$(cat "$pidfile")"
  kill "-${3:-TERM}" "$pid" 2>/dev/null || true
  deadline=$((SECONDS + 30))
  while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  rm -f "$pidfile"
}

case "$cmd" in
  build) build ;;
  start)
    n="${1:-1}"
    build
    for i in $(seq 1 "$n"); do stop_node "$n" "$i"; done
    rm -rf "$(cluster_dir "$n")"
    for i in $(seq 1 "$n"); do start_node "$n" "$i"; done
    wait_ready "$n" || { for i in $(seq 1 "$n"); do stop_node "$n" "$i"; done; exit 1; }
    ;;
  start-node) build; start_node "$1" "$2" ;;
  kill-node) stop_node "$1" "$2" KILL ;;
  stop)
    n="${1:-1}"
    for i in $(seq 1 "$n"); do stop_node "$n" "$i"; done
    echo "OpenSearch ($n node(s)) stopped"
    ;;
  status) health "${1:-1}" || { echo down; exit 1; } ;;
  url) url "${1:-1}" ;;
  *) sed -n '2,17p' "$0" >&2; exit 2 ;;
esac
