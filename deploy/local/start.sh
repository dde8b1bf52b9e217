#!/usr/bin/env bash
# Starts a local marketmesh cluster of N nodes from the built jar: first the venue simulator and a Kafka broker the
# nodes share (each a process of its own, so both outlive any node), then node 1, 2, ... with the first ones as seed
# nodes. Logs and pid files go to deploy/local/run/. See docs/operations.md.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

usage() {
    cat <<USAGE
usage: $0 [options]

  -n, --nodes N            nodes to start (default 3)
      --seeds K            how many of the first nodes are seed nodes (default 2, at most N)
      --no-simulator       start no simulator: the nodes follow the venues their environment configures
      --no-kafka           start no broker and run the nodes without Kafka
      --kafka-servers H:P  use this Kafka cluster instead of starting the shared broker
      --artery-base P      node i's cluster (Artery) port is P+i (default 7355)
      --http-base P        node i's HTTP API port is P+i (default 8080: node 1 on 8081)
      --management-base P  node i's pekko-management port is P+i (default 8558)
      --simulator-port P   the simulator's port (default 9900)
      --kafka-port P       the shared broker's port (default 9092)
      --sim-rate R         the simulator's book changes per second over all markets (default 50)
      --java-opts "..."    JVM flags of each node (default "\$MARKETMESH_JAVA_OPTS" or "-Xmx1g")
      --clean              delete the run directory first (logs, the shared broker's data, the simulator's key,
                           the nodes' durable state: markets users followed or removed, runtime instruments)
      --no-wait            do not wait for the nodes to be ready
  -h, --help               this text

Then: list.sh, check.sh, add-node.sh, stop.sh [N], kill.sh N (all in $(dirname "$0")).
USAGE
}

NODES=3 SEEDS=2 SIMULATOR=on KAFKA_MODE=shared KAFKA_SERVERS="" CLEAN=no WAIT=yes
ARTERY_BASE=7355 HTTP_BASE=8080 MANAGEMENT_BASE=8558 SIMULATOR_PORT=9900 KAFKA_PORT=9092
SIM_RATE=50
NODE_JAVA_OPTS="${MARKETMESH_JAVA_OPTS:--Xmx1g}"
number() { [[ "${2:-}" =~ ^[0-9]+$ ]] || die "$1 takes a number, got '${2:-}'"; }
while (($#)); do
    case "$1" in
        -n | --nodes) number "$1" "${2:-}"; NODES="$2"; shift ;;
        --seeds) number "$1" "${2:-}"; SEEDS="$2"; shift ;;
        --no-simulator) SIMULATOR=off ;;
        --no-kafka) KAFKA_MODE=off ;;
        --kafka-servers) [[ -n "${2:-}" ]] || die "--kafka-servers takes host:port"; KAFKA_MODE=external; KAFKA_SERVERS="$2"; shift ;;
        --artery-base) number "$1" "${2:-}"; ARTERY_BASE="$2"; shift ;;
        --http-base) number "$1" "${2:-}"; HTTP_BASE="$2"; shift ;;
        --management-base) number "$1" "${2:-}"; MANAGEMENT_BASE="$2"; shift ;;
        --simulator-port) number "$1" "${2:-}"; SIMULATOR_PORT="$2"; shift ;;
        --kafka-port) number "$1" "${2:-}"; KAFKA_PORT="$2"; shift ;;
        --sim-rate) number "$1" "${2:-}"; SIM_RATE="$2"; shift ;;
        --java-opts) NODE_JAVA_OPTS="${2:-}"; shift ;;
        --clean) CLEAN=yes ;;
        --no-wait) WAIT=no ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; die "unknown option: $1" ;;
    esac
    shift
done
((NODES >= 1)) || die "--nodes must be at least 1"
((SEEDS >= 1)) || die "--seeds must be at least 1"
((SEEDS <= NODES)) || SEEDS=$NODES
require_tools

# One cluster per run directory: refuse while anything of the last one still runs.
if [[ -d "$RUN_DIR" ]]; then
    for dir in "$RUN_DIR"/simulator "$RUN_DIR"/kafka "$RUN_DIR"/node-*; do
        if [[ -d "$dir" ]] && component_running "$dir"; then
            die "${dir##*/} still runs (pid $(pid_of "$dir")) from an earlier start: stop.sh first"
        fi
    done
fi
[[ "$CLEAN" == yes ]] && rm -rf "$RUN_DIR"
rm -rf "$RUN_DIR"/node-*
mkdir -p "$RUN_DIR"

SEED_NODES=""
for ((i = 1; i <= SEEDS; i++)); do
    SEED_NODES+="${SEED_NODES:+,}pekko://marketmesh@127.0.0.1:$((ARTERY_BASE + i))"
done
[[ "$KAFKA_MODE" == shared ]] && KAFKA_SERVERS="127.0.0.1:$KAFKA_PORT"

{
    echo "# written by start.sh $(date '+%Y-%m-%d %H:%M:%S'); read by the other scripts"
    for name in ARTERY_BASE HTTP_BASE MANAGEMENT_BASE SIMULATOR SIMULATOR_PORT SIM_RATE KAFKA_MODE KAFKA_PORT \
        KAFKA_SERVERS SEED_NODES NODE_JAVA_OPTS; do
        printf '%s=%q\n' "$name" "${!name}"
    done
} >"$CLUSTER_CONF"

# start_service NAME WHAT READY_LINE SECONDS COMMAND... — starts a helper process in run/NAME and waits for the line
# it prints when it serves.
start_service() {
    local name="$1" what="$2" ready="$3" seconds="$4" dir="$RUN_DIR/$1"
    shift 4
    say "starting $what ..."
    start_process "$dir" "$@"
    if ! wait_log_line "$dir" "$ready" "$seconds"; then
        tail -n 20 "$dir/log" >&2 || true
        die "$name did not start; see $dir/log"
    fi
}

if [[ "$SIMULATOR" == on ]]; then
    dir="$RUN_DIR/simulator"
    start_service simulator "the venue simulator on 127.0.0.1:$SIMULATOR_PORT ($SIM_RATE changes/s)" \
        '^MARKETMESH_KALSHI_PRIVATE_KEY_FILE=' 60 \
        env "MARKETMESH_SIMULATOR_PORT=$SIMULATOR_PORT" "MARKETMESH_SIMULATOR_KALSHI_KEY_FILE=$dir/kalshi-demo.pem" \
        "$JAVA" -Xmx256m "-Dmarketmesh.simulator.updates-per-second=$SIM_RATE" -jar "$JAR" --simulator
    grep '^MARKETMESH_' "$dir/log" >"$dir/node.env"
    say "simulator ready: http://127.0.0.1:$SIMULATOR_PORT (pid $(pid_of "$dir")); node settings in $dir/node.env"
fi

if [[ "$KAFKA_MODE" == shared ]]; then
    dir="$RUN_DIR/kafka"
    start_service kafka "the shared Kafka broker on 127.0.0.1:$KAFKA_PORT" '^MARKETMESH_KAFKA_BOOTSTRAP_SERVERS=' 90 \
        env "MARKETMESH_KAFKA_EMBEDDED_PORT=$KAFKA_PORT" "MARKETMESH_KAFKA_EMBEDDED_DATA_DIR=$dir/data" \
        "$JAVA" -Xmx512m -jar "$JAR" --kafka
    say "Kafka ready: $KAFKA_SERVERS (pid $(pid_of "$dir")), data in $dir/data"
fi

say "starting $NODES node(s); seed nodes: $SEED_NODES"
failed=0
for ((i = 1; i <= NODES; i++)); do
    start_node "$i"
    say "node $i started (pid $(pid_of "$(node_dir "$i")")), HTTP $(node_url "$i")"
    # The first seed forms the cluster; let it be up before the others ask to join, and spread the JVM starts.
    if [[ "$WAIT" == yes ]]; then
        wait_http "$(node_url "$i")/health/alive" 200 90 "$(node_dir "$i")" || true
    fi
done
if [[ "$WAIT" == yes ]]; then
    for ((i = 1; i <= NODES; i++)); do
        wait_node "$i" 120 || failed=1
    done
fi
say "logs: $RUN_DIR/*/log   next: $LOCAL_DIR/list.sh"
exit "$failed"
