#!/usr/bin/env bash
# Compares every simulated market's book on every running node with the simulator's true book (BookCheck): pauses
# the simulated venues, waits until all books are equal and none is stale (or the timeout), resumes the venues,
# and exits 0 when all are equal. Extra arguments go to BookCheck, e.g. check.sh --timeout 120.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

require_tools
load_cluster_conf
[[ "$SIMULATOR" == on ]] || die "this cluster was started with --no-simulator: there is no true book to compare with"
component_running "$RUN_DIR/simulator" || die "the simulator is not running"
nodes=""
for i in $(node_numbers); do
    component_running "$(node_dir "$i")" && nodes+="${nodes:+,}$(node_url "$i")"
done
[[ -n "$nodes" ]] || die "no node is running"
exec "$JAVA" -Xmx256m -cp "$JAR" io.marketmesh.node.simulator.BookCheck \
    --simulator "http://127.0.0.1:$SIMULATOR_PORT" --nodes "$nodes" --pause "$@"
