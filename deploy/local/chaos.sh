#!/usr/bin/env bash
# The chaos run of docs/operations.md: on a running local cluster (start.sh, with the simulator and the shared
# broker), at once: kill -9 of node N, every socket of one simulated venue dropped, and the Kafka broker killed
# (kill -9) and started again after --kafka-outage seconds. Then it waits until every market is served fresh on every
# surviving node, and checks that every book on every survivor equals the venue's (BookCheck) and that the book topic
# rebuilds every book exactly with every hole announced (TopicCheck). Prints a timeline and PASS or FAIL.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

usage() {
    cat <<USAGE
usage: $0 [-n N] [--venue V] [--kafka-outage SECONDS] [--timeout SECONDS]

  -n N                  the node to kill -9 (default: the highest-numbered running node)
  --venue V             the simulated venue whose sockets are all dropped (default kalshi)
  --kafka-outage S      seconds the broker stays down (default 60)
  --timeout S           for each check afterwards (default 180)
Start the cluster first, e.g.  start.sh --sim-rate 500 ; give it a minute of traffic, then run this.
Exit status: 0 PASS, 1 FAIL.
USAGE
}

VICTIM="" VENUE=kalshi OUTAGE=60 TIMEOUT=180
number() { [[ "${2:-}" =~ ^[0-9]+$ ]] || die "$1 takes a number, got '${2:-}'"; }
while (($#)); do
    case "$1" in
        -n) number "$1" "${2:-}"; VICTIM="$2"; shift ;;
        --venue) [[ "${2:-}" =~ ^[a-z]+$ ]] || die "--venue takes a venue id"; VENUE="$2"; shift ;;
        --kafka-outage) number "$1" "${2:-}"; OUTAGE="$2"; shift ;;
        --timeout) number "$1" "${2:-}"; TIMEOUT="$2"; shift ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; die "unknown option: $1" ;;
    esac
    shift
done
require_tools
load_cluster_conf
[[ "$SIMULATOR" == on ]] || die "the chaos run needs the simulator (start.sh without --no-simulator)"
[[ "$KAFKA_MODE" == shared ]] || die "the chaos run needs the shared broker start.sh runs (no --no-kafka, no --kafka-servers)"
kafka_dir="$RUN_DIR/kafka"
component_running "$kafka_dir" || die "the broker is not running"
running=()
for i in $(node_numbers); do component_running "$(node_dir "$i")" && running+=("$i"); done
((${#running[@]} >= 3)) || die "the chaos run needs at least 3 running nodes (${#running[@]} run)"
[[ -n "$VICTIM" ]] || VICTIM="${running[${#running[@]} - 1]}"
component_running "$(node_dir "$VICTIM")" || die "node $VICTIM is not running"
survivors=() urls=""
for i in "${running[@]}"; do
    [[ "$i" == "$VICTIM" ]] && continue
    survivors+=("$i")
    urls+="${urls:+,}$(node_url "$i")"
done
SIM="http://127.0.0.1:$SIMULATOR_PORT"

T0="$(date +%s%3N)"
stamp() { awk -v now="$(date +%s%3N)" -v t0="$T0" 'BEGIN { printf "+%6.1f s", (now - t0) / 1000 }'; }
step() { echo "$(date '+%H:%M:%S') $(stamp)  $*"; }

echo "chaos run: kill -9 node $VICTIM, drop every $VENUE socket, broker down $OUTAGE s; survivors ${survivors[*]}"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime)"
kafka_pid="$(pid_of "$kafka_dir")"
kill -KILL "$(pid_of "$(node_dir "$VICTIM")")"
step "node $VICTIM killed (kill -9)"
dropped="$(curl -s -X POST --max-time 5 "$SIM/sim/$VENUE/drop" || true)"
step "$VENUE: every socket dropped ($dropped)"
kill -KILL "$kafka_pid"
step "Kafka broker killed (kill -9, pid $kafka_pid)"

watch_log="$RUN_DIR/chaos-watch.log"
"$JAVA" -Xmx128m -cp "$JAR" io.marketmesh.node.simulator.FreshWatch --simulator "$SIM" --nodes "$urls" \
    --since "$T0" --timeout "$((OUTAGE + TIMEOUT))" >"$watch_log" 2>&1 &
watch_pid=$!

sleep "$OUTAGE"
wait_exit "$kafka_pid" 10 || true
[[ -f "$kafka_dir/log" ]] && mv "$kafka_dir/log" "$kafka_dir/log.before-chaos"
start_process "$kafka_dir" env "MARKETMESH_KAFKA_EMBEDDED_PORT=$KAFKA_PORT" "MARKETMESH_KAFKA_EMBEDDED_DATA_DIR=$kafka_dir/data" \
    "$JAVA" -Xmx512m -jar "$JAR" --kafka
step "Kafka broker started again (pid $(pid_of "$kafka_dir"))"
if wait_log_line "$kafka_dir" '^MARKETMESH_KAFKA_BOOTSTRAP_SERVERS=' 120; then
    step "Kafka broker serving"
else
    step "Kafka broker did NOT come back; see $kafka_dir/log"
fi

fresh=FAIL
if wait "$watch_pid"; then fresh=PASS; fi
sed 's/^/    /' "$watch_log" | grep -v 'waiting for' || true
step "every market fresh on every survivor: $fresh"

books=FAIL
if "$JAVA" -Xmx256m -cp "$JAR" io.marketmesh.node.simulator.BookCheck --simulator "$SIM" --nodes "$urls" \
    --pause --stay-paused --timeout "$TIMEOUT" | sed 's/^/    /'; then
    books=PASS
fi
step "book check (every book on every survivor equals the venue's): $books"

topic=FAIL
if "$JAVA" -Xmx512m -cp "$JAR" io.marketmesh.node.simulator.TopicCheck --simulator "$SIM" \
    --bootstrap "$KAFKA_SERVERS" --timeout "$TIMEOUT" | sed 's/^/    /'; then
    topic=PASS
fi
step "topic check (the book topic rebuilds every book, every hole announced): $topic"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime)"

if [[ "$fresh$books$topic" == PASSPASSPASS ]]; then
    echo "chaos run PASSED"
    exit 0
fi
echo "chaos run FAILED (fresh: $fresh, book check: $books, topic check: $topic)"
exit 1
