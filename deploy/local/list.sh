#!/usr/bin/env bash
# What runs in the local cluster: each process with its pid, whether it runs, its health and ports; then the
# cluster as a node reports it (GET /api/v1/cluster).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

load_cluster_conf
row() { printf '%-10s %-8s %-9s %-10s %-24s %-7s %s\n' "$@"; }
row NAME PID PROCESS HEALTH URL ARTERY MANAGEMENT
for name in simulator kafka; do
    dir="$RUN_DIR/$name"
    [[ -d "$dir" ]] || continue
    pid="$(pid_of "$dir" || true)"
    if component_running "$dir"; then state=running; else state=stopped; fi
    if [[ "$name" == simulator ]]; then
        url="http://127.0.0.1:$SIMULATOR_PORT"
        health=-
        [[ "$state" == running ]] && health="$( [[ "$(http_status "$url/sim/kalshi/stats")" == 200 ]] && echo ok || echo no-answer)"
    else
        url="$KAFKA_SERVERS" health=-
    fi
    row "$name" "${pid:--}" "$state" "$health" "$url" - -
done
first=""
for i in $(node_numbers); do
    dir="$(node_dir "$i")"
    pid="$(pid_of "$dir" || true)"
    health=-
    if component_running "$dir"; then
        state=running
        code="$(http_status "$(node_url "$i")/health/ready")"
        case "$code" in
            200) health=ready; first="${first:-$i}" ;;
            503) health=not-ready ;;
            000) health=no-answer ;;
            *) health="http-$code" ;;
        esac
    elif [[ -n "$pid" ]]; then
        state=exited     # a pid file but no process: killed, or crashed (see its log)
    else
        state=stopped
    fi
    row "node-$i" "${pid:--}" "$state" "$health" "$(node_url "$i")" "$(artery_port "$i")" "$(management_port "$i")"
done

if [[ -z "$first" ]]; then
    echo
    echo "no node is ready, so no cluster view"
    exit 0
fi
echo
echo "GET $(node_url "$first")/api/v1/cluster (as node $first sees it):"
body="$(curl -s --max-time 5 -w '\n%{http_code}' "$(node_url "$first")/api/v1/cluster" || true)"
code="${body##*$'\n'}"
body="${body%$'\n'*}"
if [[ "$code" == 200 ]]; then
    # One JSON object per line, without jq.
    echo "$body" | sed -e 's/},{/},\n  {/g' -e 's/\[{/[\n  {/g'
else
    echo "  HTTP $code: $body"
fi
