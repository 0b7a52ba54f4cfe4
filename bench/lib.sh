# Shared by bench/run and bench/capture-sql: tools, PostgreSQL, the server, the API set-up, the
# console's sign-in.
# shellcheck shell=bash

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
TOOLS="$BENCH_DIR/.tools"
PG_HOST="${BENCH_PG_HOST:-127.0.0.1}"
PG_PORT="${BENCH_PG_PORT:-5432}"
PG_USER="${BENCH_PG_USER:-postgres}"
IPDR_BIN="$ROOT/target/release/ipdr"
ADMIN_PASSWORD='bench admin password 1'
MEDIATOR_PASSWORD='bench mediator password 1'

say() { printf '\033[1m[%s] %s\033[0m\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

psql_db() { # psql_db DB [psql args…]
    local db="$1"; shift
    psql -X -v ON_ERROR_STOP=1 -q -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d "$db" "$@"
}
psql_val() { psql_db "$1" -tAc "$2"; } # one value

# Installs what the harness needs, idempotently: Debian packages (jq, pgbench/psql, pidstat,
# python3, curl) and oha (crates.io, into bench/.tools).
ensure_tools() {
    local missing=()
    command -v jq >/dev/null || missing+=(jq)
    command -v curl >/dev/null || missing+=(curl)
    command -v python3 >/dev/null || missing+=(python3)
    command -v pidstat >/dev/null || missing+=(sysstat)
    { command -v pgbench >/dev/null && command -v psql >/dev/null; } || missing+=(postgresql-client)
    if ((${#missing[@]})); then
        say "installing ${missing[*]} (apt)"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >/dev/null && apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
    export PATH="$TOOLS/bin:$PATH"
    if ! command -v oha >/dev/null; then
        say "installing oha into bench/.tools (cargo install, a few minutes the first time)"
        cargo install oha --locked --root "$TOOLS" --quiet
    fi
}

# Starts the local PostgreSQL cluster when it is down (as .ci/run does).
ensure_postgres() {
    if ! pg_isready -q -h "$PG_HOST" -p "$PG_PORT"; then
        say "PostgreSQL is not running; starting it"
        pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
        for _ in $(seq 1 30); do pg_isready -q -h "$PG_HOST" -p "$PG_PORT" && break; sleep 1; done
    fi
    pg_isready -q -h "$PG_HOST" -p "$PG_PORT" || die "PostgreSQL cannot be reached on $PG_HOST:$PG_PORT"
}

# The server log file of the local cluster (Debian's pg_lsclusters knows it).
pg_log_file() {
    local f
    f=$(pg_lsclusters -h 2>/dev/null | awk -v p="$PG_PORT" '$3 == p { print $7 }' | head -n1)
    [[ -n "$f" && -r "$f" ]] || f=$(ls -t /var/log/postgresql/postgresql-*.log 2>/dev/null | head -n1)
    [[ -n "$f" ]] || die "cannot find the PostgreSQL log under /var/log/postgresql"
    echo "$f"
}

build_server() {
    say "cargo build --release --bin ipdr"
    (cd "$ROOT" && cargo build --release --bin ipdr --quiet) || die "the release build failed"
}

recreate_db() { # recreate_db NAME
    psql_db postgres -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)"
    psql_db postgres -c "CREATE DATABASE $1"
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_server DB LOGFILE [VAR=VALUE…]: starts ipdr on a free port; sets SERVER_PID, BASE, API.
# BENCH_PG_SSLMODE (e.g. disable) goes into the database URL; BENCH_SERVER_ENV ("VAR=VALUE …")
# into the server's environment only (e.g. MALLOC_ARENA_MAX=2, or LD_PRELOAD=…libjemalloc.so.2).
start_server() {
    local db="$1" logfile="$2"; shift 2
    local port; port=$(free_port)
    BASE="http://127.0.0.1:$port"
    API="$BASE/api/v1"
    env IPDR_LISTEN="127.0.0.1:$port" \
        IPDR_DATABASE_URL="postgres://$PG_USER@$PG_HOST:$PG_PORT/$db${BENCH_PG_SSLMODE:+?sslmode=$BENCH_PG_SSLMODE}" \
        IPDR_ADMIN_PASSWORD="$ADMIN_PASSWORD" \
        IPDR_CITY=大连 \
        ${BENCH_SERVER_ENV:-} "$@" "$IPDR_BIN" serve >"$logfile" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 120); do
        curl -fs "$BASE/readyz" >/dev/null 2>&1 && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || { tail -20 "$logfile" >&2; die "the server exited"; }
        sleep 0.25
    done
    die "the server did not become ready (log: $logfile)"
}

stop_server() {
    [[ -n "${SERVER_PID:-}" ]] || return 0
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.25; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=
}

# api METHOD PATH TOKEN [BODY]: prints the answer's body; fails on a status ≥ 400.
api() {
    local method="$1" path="$2" token="$3" body="${4:-}" out status
    local args=(-s -X "$method" -w '\n%{http_code}' "$API$path" -H 'content-type: application/json')
    [[ -n "$token" ]] && args+=(-H "authorization: Bearer $token")
    [[ -n "$body" ]] && args+=(-d "$body")
    out=$(curl "${args[@]}")
    status="${out##*$'\n'}"
    out="${out%$'\n'*}"
    if ((status >= 400)); then
        printf '%s %s → %s %s\n' "$method" "$path" "$status" "$out" >&2
        return 1
    fi
    printf '%s' "$out"
}

login() { # login USERNAME PASSWORD → access token
    api POST /auth/login "" "$(jq -nc --arg u "$1" --arg p "$2" '{username: $u, password: $p}')" | jq -r .access_token
}

# console_login USERNAME PASSWORD → the web console's session cookie value (ipdr_session), signed
# in as a browser does: GET /login sets the cookie ipdr_login and puts the same token in the form's
# hidden input csrf; POST /login (form-encoded csrf, username, password, with that cookie) answers
# 303 and sets ipdr_session. Fails loudly otherwise (e.g. 429 while the login throttle holds).
console_login() {
    local work token csrf status session
    work=$(mktemp -d)
    curl -s -D "$work/h1" -o "$work/b1" "$BASE/login"
    token=$(tr -d '\r' <"$work/h1" | sed -n 's/^set-cookie: *ipdr_login=\([^;]*\).*/\1/Ip' | head -n1)
    csrf=$(grep -o 'name="csrf" value="[^"]*"' "$work/b1" | head -n1 | sed 's/.*value="//; s/"$//')
    [[ -n "$token" && "$token" == "$csrf" ]] || { rm -rf "$work"; die "console: GET /login gave no ipdr_login cookie matching the form's csrf"; }
    status=$(curl -s -D "$work/h2" -o "$work/b2" -w '%{http_code}' -H "cookie: ipdr_login=$token" \
        --data-urlencode "csrf=$csrf" --data-urlencode "username=$1" --data-urlencode "password=$2" "$BASE/login")
    session=$(tr -d '\r' <"$work/h2" | sed -n 's/^set-cookie: *ipdr_session=\([^;]*\).*/\1/Ip' | head -n1)
    rm -rf "$work"
    [[ "$status" == 303 && -n "$session" ]] || die "console: POST /login as $1 answered $status, not 303 with an ipdr_session cookie"
    printf '%s' "$session"
}

# Creates the organisations and the mediator the benchmark uses; sets ADMIN, ORG, ORGS (all
# mediation committees, the mediator's first), MEDIATOR (token), MEDIATOR_ID.
setup_api() {
    local extra="${1:-0}" i code id
    ADMIN=$(login admin "$ADMIN_PASSWORD")
    ORGS=()
    local cities=(大连 威海 烟台 丹东 西宁 兰州 白银 沈阳)
    for ((i = 0; i <= extra; i++)); do
        code=$(printf 'BENCH%02d' "$i")
        id=$(api POST /organizations "$ADMIN" "$(jq -nc --arg c "$code" --arg city "${cities[$((i % 8))]}" \
            '{code: $c, name: ($city + "市知识产权人民调解委员会" + $c), kind: "mediation_committee", city: $city}')" | jq -r .id)
        ORGS+=("$id")
    done
    ORG="${ORGS[0]}"
    MEDIATOR_ID=$(api POST /accounts "$ADMIN" "$(jq -nc --arg o "$ORG" --arg p "$MEDIATOR_PASSWORD" \
        '{username: "bench.mediator", display_name: "压测调解员", role: "mediator", organization_id: $o, password: $p}')" | jq -r .id)
    MEDIATOR=$(login bench.mediator "$MEDIATOR_PASSWORD")
    [[ -n "$MEDIATOR" && "$MEDIATOR" != null ]] || die "could not log the mediator in"
}

# Resident memory of a process in KiB: vm_kib PID VmRSS|VmHWM
vm_kib() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
