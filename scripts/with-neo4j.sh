#!/usr/bin/env bash
# Run a command against a throw-away real Neo4j:
#
#   scripts/with-neo4j.sh CMD [ARGS...]      e.g.  scripts/with-neo4j.sh .venv/bin/pytest -q
#
# Starts scripts/neo4j-server.sh in the background (log: .neo4j/neo4j.log), waits for
# NEO4J_READY (timeout NEO4J_START_TIMEOUT, default 180 s; a first Maven build before that is
# not counted), exports the REGISTRY_NEO4J_* variables it printed, runs CMD, and always stops
# Neo4j afterwards (also on Ctrl-C / SIGTERM; Neo4j also exits by itself if this script is
# SIGKILLed, via --exit-on-stdin-eof).  Exits with CMD's status.
#
# If Neo4j cannot be started: with CI=true the log tail is printed and the script fails;
# otherwise CMD runs without the variables (Neo4j tests then skip).
# If REGISTRY_NEO4J_URI is already set, that server is used and nothing is started.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SERVER="$ROOT/scripts/neo4j-server.sh"
STATE_DIR="${NEO4J_STATE_DIR:-$ROOT/.neo4j}"
LOG="$STATE_DIR/neo4j.log"
START_TIMEOUT="${NEO4J_START_TIMEOUT:-180}"
STOP_TIMEOUT="${NEO4J_STOP_TIMEOUT:-30}"

if [[ $# -eq 0 ]]; then
    echo "usage: $0 CMD [ARGS...]" >&2
    exit 2
fi

say() { echo "[with-neo4j] $*" >&2; }

if [[ -n "${REGISTRY_NEO4J_URI:-}" ]]; then
    say "REGISTRY_NEO4J_URI is already set ($REGISTRY_NEO4J_URI); using that server"
    exec "$@"
fi

mkdir -p "$STATE_DIR"
: >"$LOG"
# Left over by a run that was SIGKILLed (they hold a dead server's password).
find "$STATE_DIR" -maxdepth 1 -name 'launcher.*.out*' -mmin +60 -delete 2>/dev/null
OUT="$(mktemp "$STATE_DIR/launcher.XXXXXX.out")" # mode 600: it will hold the password
FIFO="$OUT.stdin"

BUILD_PID=""
NEO4J_PID=""
CMD_PID=""
CLEANED=0

# Kill a process and all its descendants (children first).
kill_tree() {
    local sig=$1 pid=$2 child
    for child in $(pgrep -P "$pid" 2>/dev/null); do
        kill_tree "$sig" "$child"
    done
    kill -"$sig" "$pid" 2>/dev/null || true
}

# Wait up to $2 seconds for process $1 to exit; returns non-zero if it is still alive.
wait_gone() {
    local pid=$1 deadline=$((SECONDS + $2))
    while kill -0 "$pid" 2>/dev/null; do
        ((SECONDS >= deadline)) && return 1
        sleep 0.1
    done
    return 0
}

stop_neo4j() {
    [[ -n "$NEO4J_PID" ]] || return 0
    if kill -0 "$NEO4J_PID" 2>/dev/null; then
        kill -TERM "$NEO4J_PID" 2>/dev/null || true
        if ! wait_gone "$NEO4J_PID" "$STOP_TIMEOUT"; then
            say "Neo4j did not stop within ${STOP_TIMEOUT} s; killing it"
            kill_tree KILL "$NEO4J_PID"
        fi
    fi
    wait "$NEO4J_PID" 2>/dev/null
    NEO4J_PID=""
}

cleanup() {
    ((CLEANED)) && return
    CLEANED=1
    if [[ -n "$CMD_PID" ]] && kill -0 "$CMD_PID" 2>/dev/null; then
        kill_tree TERM "$CMD_PID"
        wait_gone "$CMD_PID" 10 || kill_tree KILL "$CMD_PID"
    fi
    if [[ -n "$BUILD_PID" ]] && kill -0 "$BUILD_PID" 2>/dev/null; then
        kill_tree TERM "$BUILD_PID"
    fi
    stop_neo4j
    exec 3>&-
    rm -f "$OUT" "$FIFO"
}

# True when a signal from the terminal (Ctrl-C) has already reached CMD, because CMD shares our
# process group and that group is the terminal's foreground group.
signal_from_terminal() {
    local pgid tpgid
    read -r pgid tpgid < <(ps -o pgid=,tpgid= -p $$ 2>/dev/null) || return 1
    [[ -n "$tpgid" && "$pgid" == "$tpgid" ]]
}

on_signal() {
    local sig=$1 code=$2
    trap '' INT TERM HUP
    if [[ -n "$CMD_PID" ]] && kill -0 "$CMD_PID" 2>/dev/null; then
        # Pass the signal on to CMD and its children (as a terminal's Ctrl-C would), unless the
        # terminal already did; then give CMD a chance to finish (e.g. pytest's summary).
        if ! { [[ "$sig" == INT ]] && signal_from_terminal; }; then
            kill_tree "$sig" "$CMD_PID"
        fi
        wait_gone "$CMD_PID" 15 || true
    fi
    say "interrupted (SIG$sig); stopping Neo4j"
    cleanup
    exit "$code"
}

trap cleanup EXIT
trap 'on_signal INT 130' INT
trap 'on_signal TERM 143' TERM
trap 'on_signal HUP 129' HUP

# Run "$@" in the background with normal signal dispositions and our stdin; wait for it so that
# signals sent to this script are handled at once.  Sets STATUS.
run_cmd() {
    (
        trap - INT QUIT TERM HUP
        exec "$@" 3>&-
    ) <&0 &
    CMD_PID=$!
    while :; do
        wait "$CMD_PID"
        STATUS=$?
        # wait returns >128 when interrupted by a trapped signal; the trap exits, so only a
        # real exit status gets here -- unless the process is still alive (spurious wake-up).
        kill -0 "$CMD_PID" 2>/dev/null || break
    done
    CMD_PID=""
}

start_failed() {
    local reason=$1
    shift
    if [[ "${CI:-}" == "true" ]]; then
        say "Neo4j did not start: $reason"
        say "---- last lines of $LOG ----"
        tail -n 80 "$LOG" >&2
        exit 1
    fi
    say "$reason"
    say "Neo4j did not start (see ${LOG#"$PWD"/}); Neo4j tests will be skipped." \
        "Needs Java 17 + Maven with Maven Central reachable."
    unset REGISTRY_NEO4J_URI REGISTRY_NEO4J_USER REGISTRY_NEO4J_PASSWORD REGISTRY_NEO4J_DATABASE
    rm -f "$OUT" "$FIFO"
    run_cmd "$@"
    exit "$STATUS"
}

# 1. Build the launcher if needed (first run: Maven downloads the Neo4j jars; not timed).
"$SERVER" --build-only >>"$LOG" 2>&1 </dev/null &
BUILD_PID=$!
wait "$BUILD_PID"
build_status=$?
BUILD_PID=""
if ((build_status != 0)); then
    start_failed "building tools/neo4j-server failed" "$@"
fi

# 2. Start Neo4j.  Its stdin is a FIFO whose only writer is this shell (fd 3): when this script
#    ends in any way, Neo4j sees EOF and shuts itself down (--exit-on-stdin-eof).
rm -f "$FIFO"
mkfifo -m 600 "$FIFO" || start_failed "mkfifo failed" "$@"
exec 3<>"$FIFO" # read-write open: does not block, and keeps a writer open
exec 4<"$FIFO"  # the read end for the launcher
rm -f "$FIFO"
"$SERVER" --exit-on-stdin-eof <&4 >"$OUT" 2>>"$LOG" 3>&- 4<&- &
NEO4J_PID=$!
exec 4<&-

t0=$SECONDS
until grep -qx 'NEO4J_READY' "$OUT" 2>/dev/null; do
    if ! kill -0 "$NEO4J_PID" 2>/dev/null; then
        wait "$NEO4J_PID" 2>/dev/null
        NEO4J_PID=""
        start_failed "the launcher exited" "$@"
    fi
    if ((SECONDS - t0 >= START_TIMEOUT)); then
        stop_neo4j
        start_failed "not ready within ${START_TIMEOUT} s" "$@"
    fi
    sleep 0.1
done

while IFS= read -r line; do
    case "$line" in
        REGISTRY_NEO4J_[A-Z]*=*) export "${line?}" ;;
    esac
done <"$OUT"
rm -f "$OUT"
say "Neo4j ready at $REGISTRY_NEO4J_URI after $((SECONDS - t0)) s"

# 3. Run the command; the EXIT trap stops Neo4j.
run_cmd "$@"
exit "$STATUS"
