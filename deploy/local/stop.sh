#!/usr/bin/env bash
# Graceful stop (SIGTERM): the node runs Pekko's coordinated shutdown, leaves the cluster and hands its shards
# over, then exits. stop.sh N [M ...] stops those nodes; stop.sh (or `all`) stops every node, then the simulator,
# then the shared Kafka broker (last, so the nodes can flush to it). `simulator` and `kafka` stop just those.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

TIMEOUT=90
usage() { echo "usage: $0 [--timeout SECONDS] [all | nodes | simulator | kafka | N ...]   (default: all)"; }
targets=()
while (($#)); do
    case "$1" in
        --timeout) [[ "${2:-}" =~ ^[0-9]+$ ]] || die "--timeout takes seconds"; TIMEOUT="$2"; shift ;;
        -h | --help) usage; exit 0 ;;
        all | nodes | simulator | kafka) targets+=("$1") ;;
        *) [[ "$1" =~ ^[0-9]+$ ]] || { usage >&2; die "unknown target: $1"; }; targets+=("$1") ;;
    esac
    shift
done
((${#targets[@]})) || targets=(all)
[[ -d "$RUN_DIR" ]] || die "nothing started from $RUN_DIR"

dirs=()
for t in "${targets[@]}"; do
    case "$t" in
        all | nodes)
            for i in $(node_numbers); do dirs+=("$(node_dir "$i")"); done
            if [[ "$t" == all ]]; then dirs+=("$RUN_DIR/simulator" "$RUN_DIR/kafka"); fi
            ;;
        simulator | kafka) dirs+=("$RUN_DIR/$t") ;;
        *) [[ -d "$(node_dir "$t")" ]] || die "no node $t in $RUN_DIR"; dirs+=("$(node_dir "$t")") ;;
    esac
done

# stop_group DIR... — SIGTERM to every running one at once, then wait for each.
stop_group() {
    local dir pid start=$SECONDS status=0 signalled=()
    for dir in "$@"; do
        pid="$(pid_of "$dir" || true)"
        if component_running "$dir"; then
            kill -TERM "$pid"
            signalled+=("$dir")
            say "${dir##*/}: SIGTERM sent (pid $pid)"
        elif [[ -d "$dir" ]]; then
            say "${dir##*/}: not running"
            rm -f "$dir/pid"
        fi
    done
    for dir in "${signalled[@]}"; do
        pid="$(pid_of "$dir")"
        if wait_exit "$pid" "$TIMEOUT"; then
            say "${dir##*/}: stopped after $((SECONDS - start)) s"
            rm -f "$dir/pid"
        else
            say "${dir##*/}: still running after $TIMEOUT s (pid $pid); see $dir/log, or kill.sh to end it"
            status=1
        fi
    done
    return "$status"
}

# Nodes first (together), then the simulator, then Kafka.
nodes=() others=()
for dir in "${dirs[@]}"; do
    case "${dir##*/}" in
        node-*) nodes+=("$dir") ;;
        *) others+=("$dir") ;;
    esac
done
status=0
((${#nodes[@]})) && { stop_group "${nodes[@]}" || status=1; }
for dir in "${others[@]}"; do
    [[ -d "$dir" ]] && { stop_group "$dir" || status=1; }
done
exit "$status"
