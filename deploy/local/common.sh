# shellcheck shell=bash
# Shared by the deploy/local scripts (sourced, not run): where things are, the cluster's settings, process helpers.
# Needs only bash, curl and Java 17. Every path is relative to this file, so the scripts run from anywhere.

LOCAL_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$LOCAL_DIR/../.." && pwd)"
# The fat jar `mvn -B -q package -DskipTests` builds; MARKETMESH_JAR picks another.
JAR="${MARKETMESH_JAR:-$REPO_DIR/node/target/marketmesh-node.jar}"
# Pid files, logs, the simulator's key and the shared broker's data (git-ignored); MARKETMESH_RUN_DIR picks another.
RUN_DIR="${MARKETMESH_RUN_DIR:-$LOCAL_DIR/run}"
CLUSTER_CONF="$RUN_DIR/cluster.conf"
if [[ -n "${JAVA_HOME:-}" ]]; then JAVA="$JAVA_HOME/bin/java"; else JAVA=java; fi

die() { echo "error: $*" >&2; exit 1; }
say() { echo "$*"; }

require_tools() {
    command -v curl >/dev/null || die "curl is needed"
    command -v "$JAVA" >/dev/null || die "java (17+) is needed on PATH or in JAVA_HOME"
    [[ -f "$JAR" ]] || die "no $JAR: build it first with  mvn -B -q package -DskipTests  (from $REPO_DIR)"
}

load_cluster_conf() {
    [[ -f "$CLUSTER_CONF" ]] || die "no cluster started from $RUN_DIR (run start.sh first)"
    # shellcheck disable=SC1090
    . "$CLUSTER_CONF"
}

# ---------------------------------------------------------------- ports of node i (1, 2, ...)

artery_port() { echo $((ARTERY_BASE + $1)); }
http_port() { echo $((HTTP_BASE + $1)); }
management_port() { echo $((MANAGEMENT_BASE + $1)); }
node_url() { echo "http://127.0.0.1:$(http_port "$1")"; }
node_dir() { echo "$RUN_DIR/node-$1"; }

# The node numbers that have a directory in the run dir, ascending.
node_numbers() {
    local d
    for d in "$RUN_DIR"/node-*; do
        [[ -d "$d" ]] && echo "${d##*/node-}"
    done | sort -n
}

# ---------------------------------------------------------------- processes

# The pid recorded in a component's directory, or nothing.
pid_of() { [[ -f "$1/pid" ]] && cat "$1/pid"; }

# True when the pid runs and is one of ours (a java running the node jar), so a reused pid is not mistaken for it.
is_running() {
    local pid="$1" args
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
    if command -v ps >/dev/null; then
        args="$(ps -p "$pid" -o args= 2>/dev/null)" || return 1
        [[ "$args" == *java* ]] || return 1
    fi
    return 0
}

component_running() { is_running "$(pid_of "$1")"; }

# start_process DIR COMMAND... — runs COMMAND in DIR in the background, immune to the terminal closing;
# stdout and stderr go to DIR/log, its pid to DIR/pid.
start_process() {
    local dir="$1"; shift
    mkdir -p "$dir"
    ( cd "$dir" && exec nohup "$@" >"$dir/log" 2>&1 </dev/null ) &
    local pid=$! tries=0
    echo "$pid" >"$dir/pid"
    # Until the subshell has exec'd java, the pid is still a bash: wait for it, so is_running tells the truth.
    if command -v ps >/dev/null; then
        while ((tries++ < 100)) && kill -0 "$pid" 2>/dev/null && [[ "$(ps -p "$pid" -o args= 2>/dev/null)" != *java* ]]; do
            sleep 0.1
        done
    fi
}

# wait_exit PID SECONDS — true once the process is gone, false if it still runs after SECONDS.
wait_exit() {
    local pid="$1" deadline=$((SECONDS + $2))
    while kill -0 "$pid" 2>/dev/null; do
        ((SECONDS >= deadline)) && return 1
        sleep 0.5
    done
    return 0
}

# wait_log_line DIR PATTERN SECONDS — true once DIR/log has a line matching PATTERN; false if the process ends or
# time runs out first.
wait_log_line() {
    local dir="$1" pattern="$2" deadline=$((SECONDS + $3))
    until grep -q -- "$pattern" "$dir/log" 2>/dev/null; do
        component_running "$dir" || return 1
        ((SECONDS >= deadline)) && return 1
        sleep 0.5
    done
}

# ---------------------------------------------------------------- HTTP

# The HTTP status of a GET (000 when nothing answers).
http_status() { curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$1" 2>/dev/null || true; }

# wait_http URL STATUS SECONDS [PID_DIR] — true once GET URL answers STATUS; false on time-out or when the
# process of PID_DIR ends.
wait_http() {
    local url="$1" want="$2" deadline=$((SECONDS + $3)) dir="${4:-}"
    until [[ "$(http_status "$url")" == "$want" ]]; do
        if [[ -n "$dir" ]] && ! component_running "$dir"; then return 1; fi
        ((SECONDS >= deadline)) && return 1
        sleep 1
    done
}

# ---------------------------------------------------------------- a node

# start_node I — starts node I with the cluster's settings (cluster.conf), in the background.
start_node() {
    local i="$1" dir seeds=() k=0 seed
    local -a seed_list
    dir="$(node_dir "$i")"
    component_running "$dir" && die "node $i already runs (pid $(pid_of "$dir"))"
    mkdir -p "$dir"
    IFS=',' read -r -a seed_list <<<"$SEED_NODES"
    for seed in "${seed_list[@]}"; do
        seeds+=("-Dpekko.cluster.seed-nodes.$k=$seed")
        k=$((k + 1))
    done
    local env=(
        "MARKETMESH_REMOTE_HOSTNAME=127.0.0.1"
        "MARKETMESH_REMOTE_PORT=$(artery_port "$i")"
        "MARKETMESH_HTTP_INTERFACE=127.0.0.1"
        "MARKETMESH_HTTP_PORT=$(http_port "$i")"
        "MARKETMESH_MANAGEMENT_ENABLED=true"
        "MARKETMESH_MANAGEMENT_HOSTNAME=127.0.0.1"
        "MARKETMESH_MANAGEMENT_PORT=$(management_port "$i")"
        # Outside node-<i>/ (which start.sh empties): what users changed survives stop.sh + start.sh; --clean forgets it.
        "MARKETMESH_DURABLE_DIR=$RUN_DIR/durable/node-$i"
    )
    case "$KAFKA_MODE" in
        shared | external) env+=("MARKETMESH_KAFKA_ENABLED=true" "MARKETMESH_KAFKA_BOOTSTRAP_SERVERS=$KAFKA_SERVERS") ;;
        off) env+=("MARKETMESH_KAFKA_ENABLED=false") ;;
    esac
    if [[ "$SIMULATOR" == on ]]; then
        local line
        while IFS= read -r line; do
            [[ "$line" == MARKETMESH_*=* ]] && env+=("$(unquote_env_line "$line")")
        done <"$RUN_DIR/simulator/node.env"
    fi
    # shellcheck disable=SC2086  # NODE_JAVA_OPTS is a list of JVM flags
    start_process "$dir" env "${env[@]}" "$JAVA" $NODE_JAVA_OPTS "${seeds[@]}" -jar "$JAR"
}

# NAME=value or NAME='value' (as the simulator prints them) to NAME=value.
unquote_env_line() {
    local name="${1%%=*}" value="${1#*=}"
    if [[ "$value" == \'*\' ]]; then
        value="${value:1:${#value}-2}"
        value="${value//\'\\\'\'/\'}"
    fi
    echo "$name=$value"
}

# wait_node I SECONDS — waits for node I's /health/ready; prints how it went; false when not ready in time.
wait_node() {
    local i="$1" dir
    dir="$(node_dir "$i")"
    if wait_http "$(node_url "$i")/health/ready" 200 "$2" "$dir"; then
        say "node $i ready: $(node_url "$i")  (pid $(pid_of "$dir"), artery $(artery_port "$i"), management $(management_port "$i"))"
        return 0
    fi
    if component_running "$dir"; then
        say "node $i not ready after $2 s (GET /health/ready: $(http_status "$(node_url "$i")/health/ready")); see $dir/log"
    else
        say "node $i exited; the end of $dir/log:"
        tail -n 20 "$dir/log" 2>/dev/null | sed 's/^/  /'
    fi
    return 1
}
