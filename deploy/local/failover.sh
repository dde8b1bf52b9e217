#!/usr/bin/env bash
# Measures a crash failover: kill -9 of node N, then polls every simulated market on every surviving node (FreshWatch)
# until all are served fresh again, and prints when each step happened, from the survivors' logs. With --runs K it
# brings the node back (add-node.sh), lets the shards settle and repeats. See docs/operations.md "Failover timeline".
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

usage() {
    cat <<USAGE
usage: $0 [-n N] [--runs K] [--timeout SECONDS] [--settle SECONDS] [--interval MS]

  -n N              the node to kill (default 1: the oldest member, which also holds the shard coordinators)
  --runs K          measure K times: after each, restart node N, wait for it and --settle seconds (default 1)
  --timeout S       give up waiting for every market fresh after S seconds (default 60)
  --settle S        after the rejoined node runs a connection worker, seconds before the next kill (default 15)
  --interval MS     pause between two polls of one market on one node (default 500)
Exit status: 0 when every run ended with every market fresh on every survivor, 1 otherwise.
USAGE
}

VICTIM=1 RUNS=1 TIMEOUT=60 SETTLE=15 INTERVAL=500
number() { [[ "${2:-}" =~ ^[0-9]+$ ]] || die "$1 takes a number, got '${2:-}'"; }
while (($#)); do
    case "$1" in
        -n) number "$1" "${2:-}"; VICTIM="$2"; shift ;;
        --runs) number "$1" "${2:-}"; RUNS="$2"; shift ;;
        --timeout) number "$1" "${2:-}"; TIMEOUT="$2"; shift ;;
        --settle) number "$1" "${2:-}"; SETTLE="$2"; shift ;;
        --interval) number "$1" "${2:-}"; INTERVAL="$2"; shift ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; die "unknown option: $1" ;;
    esac
    shift
done
require_tools
load_cluster_conf
[[ "$SIMULATOR" == on ]] || die "failover.sh needs the simulator (start.sh without --no-simulator): it lists the markets"

# ms_of_day HH:MM:SS.mmm -> milliseconds since midnight
ms_of_day() { awk -F'[:.]' '{ print (($1 * 60 + $2) * 60 + $3) * 1000 + $4 }' <<<"$1"; }

# since_kill FILE... PATTERN — "+S.s" of the first line matching PATTERN in the new part of the logs, or "-".
# (Log lines carry the local time of day; KILL_MS is the kill's.)
first_after() {
    local pattern="$1" stamp
    shift
    stamp="$(for f in "$@"; do grep -h -- "$pattern" "$f" 2>/dev/null | head -n 1; done | cut -c1-12 | sort | head -n 1)"
    [[ -n "$stamp" ]] || { echo "-"; return; }
    awk -v a="$(ms_of_day "$stamp")" -v k="$KILL_MS" 'BEGIN { d = a - k; if (d < -43200000) d += 86400000; printf "+%.1f s", d / 1000 }'
}
last_after() {
    local pattern="$1" stamp
    shift
    stamp="$(for f in "$@"; do grep -h -- "$pattern" "$f" 2>/dev/null; done | cut -c1-12 | sort | tail -n 1)"
    [[ -n "$stamp" ]] || { echo "-"; return; }
    awk -v a="$(ms_of_day "$stamp")" -v k="$KILL_MS" 'BEGIN { d = a - k; if (d < -43200000) d += 86400000; printf "+%.1f s", d / 1000 }'
}

status=0
for ((run = 1; run <= RUNS; run++)); do
    victim_dir="$(node_dir "$VICTIM")"
    component_running "$victim_dir" || die "node $VICTIM is not running"
    survivors=() urls=""
    for i in $(node_numbers); do
        [[ "$i" == "$VICTIM" ]] && continue
        if component_running "$(node_dir "$i")"; then
            survivors+=("$i")
            urls+="${urls:+,}$(node_url "$i")"
        fi
    done
    ((${#survivors[@]})) || die "no other node runs: nothing would survive"
    # Only the log lines written after the kill count: keep each survivor's tail in a file of its own.
    tails=() tail_pids=()
    for i in "${survivors[@]}"; do
        f="$RUN_DIR/failover-node-$i.log"
        : >"$f"
        tail -n 0 -F "$(node_dir "$i")/log" >>"$f" 2>/dev/null &
        tail_pids+=($!)
        tails+=("$f")
    done
    sleep 0.5
    echo "== run $run/$RUNS: kill -9 node $VICTIM (pid $(pid_of "$victim_dir")); survivors: ${survivors[*]}; load average: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime)"
    KILL_EPOCH_MS="$(date +%s%3N)"
    KILL_MS="$(ms_of_day "$(date -d "@${KILL_EPOCH_MS:0:-3}.${KILL_EPOCH_MS: -3}" +%H:%M:%S.%3N)")"
    kill -KILL "$(pid_of "$victim_dir")"
    watch_status=0
    "$JAVA" -Xmx128m -cp "$JAR" io.marketmesh.node.simulator.FreshWatch --simulator "http://127.0.0.1:$SIMULATOR_PORT" \
        --nodes "$urls" --since "$KILL_EPOCH_MS" --timeout "$TIMEOUT" --interval "$INTERVAL" \
        | tee "$RUN_DIR/failover-watch.log" || watch_status=$?
    sleep 1
    kill "${tail_pids[@]}" 2>/dev/null || true
    wait "${tail_pids[@]}" 2>/dev/null || true
    ((watch_status == 0)) || status=1

    fresh="$(grep -o '+[0-9.]* s  every market fresh' "$RUN_DIR/failover-watch.log" | cut -d' ' -f1-2 || true)"
    first_fresh="$(grep -o '+[0-9.]* s  first market fresh again' "$RUN_DIR/failover-watch.log" | cut -d' ' -f1-2 || true)"
    echo "-- run $run timeline (from the kill; survivors' logs and the poller)"
    printf '  %-64s %s\n' \
        "marked unreachable (first survivor / last)" "$(first_after 'Marking node as UNREACHABLE' "${tails[@]}") / $(last_after 'Marking node as UNREACHABLE' "${tails[@]}")" \
        "downed by the split brain resolver" "$(first_after 'SBR took decision' "${tails[@]}")" \
        "first / last lost connection worker starting on a survivor" "$(first_after 'connection worker .* starting on' "${tails[@]}") / $(last_after 'connection worker .* starting on' "${tails[@]}")" \
        "first / last of their sockets open" "$(first_after 'socket [0-9]* open' "${tails[@]}") / $(last_after 'socket [0-9]* open' "${tails[@]}")" \
        "first lost market fresh again (poller)" "${first_fresh:--}" \
        "every market fresh on every survivor (poller)" "${fresh:-not within $TIMEOUT s}"
    echo "  load average after: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime)"
    rm -f "${tails[@]}"

    if ((run < RUNS)); then
        "$LOCAL_DIR/add-node.sh" "$VICTIM" >/dev/null || die "node $VICTIM did not come back"
        # Its share of connection workers moves back at a rebalance, then their markets follow: wait for the first
        # worker, then --settle seconds, so the next kill takes markets with it.
        if ! wait_log_line "$victim_dir" 'connection worker .* starting on' 90; then
            echo "   node $VICTIM rejoined but took no connection worker within 90 s"
        fi
        echo "   node $VICTIM rejoined and runs connection workers; letting the shards settle for $SETTLE s"
        sleep "$SETTLE"
    fi
done
exit "$status"
