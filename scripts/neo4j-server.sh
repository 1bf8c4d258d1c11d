#!/usr/bin/env bash
# Start a real Neo4j Community 5.26 (in-process harness, Bolt only, auth on) for tests and
# local use.  Builds tools/neo4j-server with Maven when needed (jars stay in ~/.m2), then execs
# the launcher; all arguments are passed through (see tools/neo4j-server/README.md):
#
#   scripts/neo4j-server.sh [--port N] [--data DIR] [--password PW] [--exit-on-stdin-eof] ...
#   scripts/neo4j-server.sh --build-only      # just (re)build the launcher
#
# When ready it prints REGISTRY_NEO4J_URI/USER/PASSWORD/DATABASE=... and NEO4J_READY on stdout;
# logs go to stderr.  Environment: NEO4J_HEAP (JVM heap, default 1g), NEO4J_JAVA_OPTS (extra JVM
# options), NEO4J_CDS=0 (do not build/use a class-data-sharing archive), NEO4J_PORT,
# NEO4J_PASSWORD, NEO4J_PAGECACHE, NEO4J_TX_MEMORY, JAVA, MVN.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODULE="$ROOT/tools/neo4j-server"
TARGET="$MODULE/target"
JAR="$TARGET/neo4j-server.jar"
CLASSPATH_FILE="$TARGET/classpath.txt"
STAMP="$TARGET/.build-stamp"
CDS_ARCHIVE="$TARGET/neo4j-server.jsa"
MAIN_CLASS="registry.tools.neo4j.Neo4jLauncher"
JAVA="${JAVA:-java}"
MVN="${MVN:-mvn}"
USE_CDS="${NEO4J_CDS:-1}"

log() { echo "[neo4j-server.sh] $*" >&2; }

HEAP="${NEO4J_HEAP:-1g}"
# JVM flags as in Neo4j's own neo4j.conf (server.jvm.additional), plus a fixed heap.  JVM
# (unified) logging goes to stderr: stdout is reserved for the launcher's REGISTRY_NEO4J_* lines.
JVM_FLAGS=(
    "-Xms$HEAP" "-Xmx$HEAP"
    -XX:+UseG1GC
    -XX:-OmitStackTraceInFastThrow
    -XX:+UnlockExperimentalVMOptions
    -XX:+TrustFinalNonStaticFields
    -XX:+DisableExplicitGC
    -XX:+ExitOnOutOfMemoryError
    -Djdk.nio.maxCachedBufferSize=1024
    -Dio.netty.tryReflectionSetAccessible=true
    -Djdk.tls.ephemeralDHKeySize=2048
    -Djdk.tls.rejectClientInitiatedRenegotiation=true
    -Dlog4j2.disable.jmx=true
    --add-opens=java.base/java.nio=ALL-UNNAMED
    --add-opens=java.base/java.io=ALL-UNNAMED
    --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
    -Xlog:disable
    -Xlog:all=warning:stderr
)
# shellcheck disable=SC2206  # intentional word splitting of user-supplied extra options
EXTRA_OPTS=(${NEO4J_JAVA_OPTS:-})

needs_build() {
    [[ -f "$STAMP" && -f "$JAR" && -f "$CLASSPATH_FILE" ]] || return 0
    # pom or sources changed since the last build?
    [[ -z "$(find "$MODULE/pom.xml" "$MODULE/src" -newer "$STAMP" -print -quit)" ]] || return 0
    # ~/.m2 cleaned since?
    local jar
    local IFS=':'
    for jar in $(<"$CLASSPATH_FILE"); do
        [[ -f "$jar" ]] || return 0
    done
    return 1
}

needs_cds() {
    [[ "$USE_CDS" == 1 ]] || return 1
    [[ -f "$CDS_ARCHIVE" && ! "$STAMP" -nt "$CDS_ARCHIVE" ]] && return 1
    return 0
}

# A private scratch dir per run (Neo4j home, throw-away store, JVM temp files such as the
# log4j-*.xml Neo4j leaves behind); the launcher deletes it when it exits.
new_workdir() {
    mktemp -d "${TMPDIR:-/tmp}/neo4j-launcher-XXXXXXXX"
}

run_java() {
    local work
    work="$(new_workdir)"
    local status=0
    "$JAVA" "${JVM_FLAGS[@]}" "-Djava.io.tmpdir=$work" "-Dneo4j.launcher.workdir=$work" "$@" || status=$?
    rm -rf "$work"
    return $status
}

# A dynamic class-data-sharing archive of the classes loaded during one start-up makes later
# starts ~2 s faster.  Built once after each Maven build; if the JDK changes the JVM just warns
# (on stderr) and runs without it.
build_cds() {
    local t0=$SECONDS tmp="$CDS_ARCHIVE.tmp.$$"
    log "creating class-data-sharing archive (one extra Neo4j start) ..."
    rm -f "$tmp"
    if run_java "-XX:ArchiveClassesAtExit=$tmp" -cp "$JAR:$(<"$CLASSPATH_FILE")" "$MAIN_CLASS" \
        --exit-when-ready --page-cache 16m </dev/null >/dev/null 2>"$TARGET/cds.log" && [[ -s "$tmp" ]]; then
        mv -f "$tmp" "$CDS_ARCHIVE"
        log "CDS archive done in $((SECONDS - t0)) s"
    else
        rm -f "$tmp"
        log "could not create the CDS archive (see $TARGET/cds.log); continuing without it"
    fi
}

build() {
    command -v "$MVN" >/dev/null || { log "Maven ('$MVN') not found; it is needed to build $MODULE"; return 1; }
    command -v "$JAVA" >/dev/null || { log "Java ('$JAVA') not found; Neo4j 5.26 needs Java 17+"; return 1; }
    mkdir -p "$TARGET"
    # Serialise concurrent builds (e.g. two test runs starting at once).
    exec 9>"$TARGET/.build.lock"
    if command -v flock >/dev/null; then flock 9; fi
    if needs_build; then
        log "building $MODULE with Maven (the first run downloads ~150 MB of Neo4j jars into ~/.m2) ..."
        local t0=$SECONDS
        rm -f "$STAMP"
        # Maven writes to stdout; keep stdout for the launcher's machine-readable lines.
        "$MVN" -q -B -Dstyle.color=never -f "$MODULE/pom.xml" package >&2
        touch "$STAMP"
        log "build done in $((SECONDS - t0)) s"
    fi
    if needs_cds; then
        build_cds
    fi
    if command -v flock >/dev/null; then flock -u 9; fi
    exec 9>&-
}

if [[ "${1:-}" == "--build-only" ]]; then
    build
    exit 0
fi
if needs_build || needs_cds; then
    build
fi
command -v "$JAVA" >/dev/null || { log "Java ('$JAVA') not found; Neo4j 5.26 needs Java 17+"; exit 1; }

CDS_FLAGS=()
if [[ "$USE_CDS" == 1 && -f "$CDS_ARCHIVE" ]]; then
    CDS_FLAGS=("-XX:SharedArchiveFile=$CDS_ARCHIVE")
fi

WORK="$(new_workdir)"
exec "$JAVA" "${JVM_FLAGS[@]}" "-Djava.io.tmpdir=$WORK" "-Dneo4j.launcher.workdir=$WORK" \
    "${CDS_FLAGS[@]}" "${EXTRA_OPTS[@]}" \
    -cp "$JAR:$(<"$CLASSPATH_FILE")" "$MAIN_CLASS" "$@"
