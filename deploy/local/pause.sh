#!/usr/bin/env bash
# Freezes node N for S seconds (kill -STOP, then kill -CONT), as a long GC pause or a stalled VM would, then watches
# the cluster for --watch seconds and says whether anyone was downed: a pause the cluster tolerates must not cost a
# node. See docs/operations.md "Failover timeline".
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

usage() { echo "usage: $0 <node-number> <seconds> [--watch SECONDS (default 15)]"; }
[[ "${1:-}" =~ ^[0-9]+$ && "${2:-}" =~ ^[0-9]+([.][0-9]+)?$ ]] || { usage >&2; exit 2; }
NODE="$1" PAUSE="$2" WATCH=15
shift 2
while (($#)); do
    case "$1" in
        --watch) [[ "${2:-}" =~ ^[0-9]+$ ]] || die "--watch takes seconds"; WATCH="$2"; shift ;;
        *) usage >&2; exit 2 ;;
    esac
    shift
done
load_cluster_conf
dir="$(node_dir "$NODE")"
component_running "$dir" || die "node $NODE is not running"
pid="$(pid_of "$dir")"
others=()
for i in $(node_numbers); do
    [[ "$i" != "$NODE" ]] && component_running "$(node_dir "$i")" && others+=("$i")
done
declare -A lines
for i in $(node_numbers); do lines[$i]="$(wc -l <"$(node_dir "$i")/log")"; done

echo "kill -STOP node $NODE (pid $pid) for $PAUSE s at $(date '+%H:%M:%S'); load average $(cut -d' ' -f1-3 /proc/loadavg)"
kill -STOP "$pid"
sleep "$PAUSE"
kill -CONT "$pid"
echo "kill -CONT at $(date '+%H:%M:%S'); watching $WATCH s"
sleep "$WATCH"

new_lines() { tail -n "+$((${lines[$1]} + 1))" "$(node_dir "$1")/log"; }
status=0
for i in $(node_numbers); do
    log="$(new_lines "$i")"
    unreachable="$(grep -c 'Marking node as UNREACHABLE' <<<"$log" || true)"
    moved="$(grep -c 'connection worker .* starting on' <<<"$log" || true)"
    downed="$(grep -E 'SBR took decision|has been downed|Marking unreachable node .* as \[Down\]' <<<"$log" | head -n 1 | cut -c1-160 || true)"
    running=running
    component_running "$(node_dir "$i")" || { running=EXITED; status=1; }
    printf 'node %s: %s; marked a member unreachable %s time(s); connection workers (re)started here: %s%s\n' "$i" \
        "$running" "$unreachable" "$moved" "${downed:+; DOWNING: $downed}"
    [[ -n "$downed" ]] && status=1
    ((moved == 0)) || status=1
done
if ((status == 0)); then
    echo "PASS: a $PAUSE s pause of node $NODE downed nobody and moved no connection worker"
else
    echo "FAIL: the $PAUSE s pause of node $NODE downed a node or moved workers (see above)"
fi
exit "$status"
