#!/usr/bin/env bash
# Starts one more node that joins the local cluster (the next number), or restarts node N that was stopped or
# killed: add-node.sh [N]. Same settings as start.sh gave the others (deploy/local/run/cluster.conf).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

case "${1:-}" in
    -h | --help) echo "usage: $0 [node-number]   (default: one past the highest node so far)"; exit 0 ;;
esac
require_tools
load_cluster_conf
if [[ -n "${1:-}" ]]; then
    [[ "$1" =~ ^[0-9]+$ ]] && (($1 >= 1)) || die "node number expected, got '$1'"
    i="$1"
else
    last="$(node_numbers | tail -n 1)"
    i=$((${last:-0} + 1))
fi
start_node "$i"
say "node $i started (pid $(pid_of "$(node_dir "$i")")), joining $SEED_NODES"
wait_node "$i" 120
