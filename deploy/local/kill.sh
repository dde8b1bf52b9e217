#!/usr/bin/env bash
# Abrupt crash of one node: kill -9, no coordinated shutdown, no leaving. The others see it unreachable; the Split
# Brain Resolver downs it after `stable-after` and its shards (markets) start on the remaining nodes.
# Bring it back with add-node.sh N.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

[[ "${1:-}" =~ ^[0-9]+$ ]] || die "usage: $0 <node-number>"
dir="$(node_dir "$1")"
[[ -d "$dir" ]] || die "no node $1 in $RUN_DIR"
component_running "$dir" || die "node $1 is not running"
pid="$(pid_of "$dir")"
kill -KILL "$pid"
wait_exit "$pid" 10 || die "node $1 (pid $pid) still there after kill -9"
say "node $1 killed (kill -9, pid $pid) at $(date '+%H:%M:%S'); watch the others take its markets with list.sh / check.sh"
