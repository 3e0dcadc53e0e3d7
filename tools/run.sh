#!/usr/bin/env bash
# The project's two commands (and a few helpers), used by package.json:
#   npm start  -> tools/run.sh start   build, local stack (unless KAFKA_BROKERS/MONGODB_URI are set), the four built services
#                                       (GATEWAY_INSTANCES=N: N gateways, the first on GATEWAY_PORT, the others on
#                                       GATEWAY_PORT+100, +101, ..., internal ports GATEWAY_INTERNAL_PORT+100, +101, ...)
#   npm test   -> tools/run.sh test    lint, typecheck, build, unit tests, then integration and e2e tests on a fresh local stack
#   npm run stack -> tools/run.sh stack   only the local stack, in the foreground
#   npm run bench -> tools/run.sh bench   the benchmarks of bench/ on a fresh local stack
#   tools/run.sh e2e [paths]            integration/e2e tests (a fresh local stack unless KAFKA_BROKERS/MONGODB_URI
#                                       are set); the apps' Nx `e2e` targets call it, so `nx affected -t e2e` works
set -uo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=local-stack/stack.sh
source tools/local-stack/stack.sh

SERVICES=(status-page-api permissions-service key-service gateway)
SERVICE_PIDS=()

log() { printf '[run] %s\n' "$*" >&2; }

# Installs node_modules with `npm ci` (exactly the lockfile) when missing or older than the lockfile.
ensure_deps() {
  if [ ! -d node_modules ] || [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    log "installing dependencies (npm ci)"
    npm ci --no-audit --no-fund || { log "npm ci failed"; exit 1; }
  fi
}

# Development secrets for whatever is not set, from the one list the services refuse in production.
dev_secrets() {
  local name value printed=()
  while IFS='=' read -r name value; do
    if [ -z "${!name:-}" ]; then
      export "$name=$value"
      printed+=("$name")
    fi
  done < <(node -e 'for (const [k, v] of Object.entries(require("./libs/platform/src/config/development-secrets.json"))) console.log(`${k}=${v}`)')
  [ ${#printed[@]} -gt 0 ] && log "development defaults for ${printed[*]} (libs/platform/src/config/development-secrets.json; refused with NODE_ENV=production)"
  return 0
}

# Builds the four services into dist/apps/<app>/main.js (Nx caches: unchanged apps are not rebuilt).
build_apps() {
  log "build (nx run-many -t build -> dist/apps/*/main.js)"
  npx nx run-many -t build --outputStyle=static || { log "build failed"; exit 1; }
}

# Starts the local stack unless both KAFKA_BROKERS and MONGODB_URI point at existing servers.
maybe_stack() {
  local profile="$1" fresh="${2:-}"
  if [ -n "${KAFKA_BROKERS:-}" ] && [ -n "${MONGODB_URI:-}" ]; then
    log "using KAFKA_BROKERS=$KAFKA_BROKERS MONGODB_URI=$MONGODB_URI (no local stack)"
    return 0
  fi
  if [ -n "${KAFKA_BROKERS:-}" ] || [ -n "${MONGODB_URI:-}" ]; then
    log "set both KAFKA_BROKERS and MONGODB_URI to use existing servers, or neither for the local stack"
    exit 1
  fi
  stack_start "$profile" "$fresh" || exit 1
}

stop_services() {
  [ ${#SERVICE_PIDS[@]} -eq 0 ] && return 0
  kill -TERM "${SERVICE_PIDS[@]}" 2>/dev/null
  local i
  for i in $(seq 1 40); do kill -0 "${SERVICE_PIDS[@]}" 2>/dev/null || break; sleep 0.25; done
  kill -KILL "${SERVICE_PIDS[@]}" 2>/dev/null
  wait "${SERVICE_PIDS[@]}" 2>/dev/null
  SERVICE_PIDS=()
}

cleanup() {
  trap - EXIT INT TERM
  stop_services
  stack_stop
}

# start_service APP [LABEL [VAR=value ...]]: the built app in the background, its output prefixed with [LABEL].
start_service() {
  local name="$1" label="${2:-$1}"
  shift; [ $# -gt 0 ] && shift
  env "$@" node "dist/apps/$name/main.js" > >(sed -u "s/^/[$label] /") 2>&1 &
  SERVICE_PIDS+=($!)
}

# GATEWAY_INSTANCES gateways (default 1): the first on GATEWAY_PORT, the others 100 ports up and on
# (3100, 3101, ...: clear of the services' 3000-3012 and the test ports), internal ports likewise
# (9400, 9401, ...). They share their rate limits through REDIS_URL (the local stack sets it).
GATEWAY_URLS=()
start_gateways() {
  local n="${GATEWAY_INSTANCES:-1}" port="${GATEWAY_PORT:-3000}" internal="${GATEWAY_INTERNAL_PORT:-9300}" i
  if ! [[ "$n" =~ ^[0-9]+$ ]] || [ "$n" -lt 1 ] || [ "$n" -gt 50 ]; then
    log "GATEWAY_INSTANCES must be a number from 1 to 50, not \"$n\""; exit 1
  fi
  [ "$n" -gt 1 ] && [ -z "${REDIS_URL:-}" ] && log "GATEWAY_INSTANCES=$n without REDIS_URL: each gateway has the whole of each rate limit to itself"
  start_service gateway gateway
  GATEWAY_URLS=(":$port")
  for ((i = 1; i < n; i++)); do
    start_service gateway "gateway-$((i + 1))" GATEWAY_PORT=$((port + 99 + i)) GATEWAY_INTERNAL_PORT=$((internal + 99 + i))
    GATEWAY_URLS+=(":$((port + 99 + i))")
  done
}

cmd_start() {
  ensure_deps
  export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
  build_apps
  dev_secrets
  trap 'cleanup; exit 130' INT TERM
  trap cleanup EXIT
  maybe_stack dev
  for s in "${SERVICES[@]}"; do
    if [ "$s" = gateway ]; then start_gateways; else start_service "$s"; fi
  done
  log "gateway ${GATEWAY_URLS[*]}  key-service :${KEY_SERVICE_PORT:-3001}  permissions-service :${PERMISSIONS_SERVICE_PORT:-3002}  status-page-api :${STATUS_PAGE_API_PORT:-3003}  (Ctrl-C stops everything)"
  # Run until Ctrl-C, or until a service exits (then stop the rest: nothing half-up).
  wait -n "${SERVICE_PIDS[@]}"
  log "a service exited; stopping everything"
  exit 1
}

cmd_test() {
  ensure_deps
  export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false CI="${CI:-true}"
  trap cleanup EXIT
  trap 'cleanup; exit 130' INT TERM
  log "lint"
  npx nx run-many -t lint --outputStyle=static || exit 1
  log "typecheck (tsc, strict: builds and tests transpile without checking types)"
  npx tsc -p tsconfig.json || exit 1
  build_apps
  log "unit tests (and the static check of Dockerfile and docker-compose.yml)"
  npx nx run-many -t test --outputStyle=static || exit 1
  run_e2e "$@"
}

# Integration and e2e tests (real Kafka + MongoDB-wire database) on the built services.
run_e2e() {
  log "integration and e2e tests (real Kafka + MongoDB-wire database)"
  maybe_stack test fresh
  dev_secrets
  LOG_LEVEL="${LOG_LEVEL:-warn}" npx jest -c jest.integration.config.js "$@" || exit 1
}

cmd_e2e() {
  ensure_deps
  export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
  build_apps
  trap cleanup EXIT
  trap 'cleanup; exit 130' INT TERM
  run_e2e "$@"
}

cmd_stack() {
  ensure_deps
  trap cleanup EXIT
  trap 'cleanup; exit 130' INT TERM
  stack_start dev || exit 1
  log "stack running; Ctrl-C stops it"
  wait "${STACK_PIDS[@]}"
}

cmd_bench() {
  ensure_deps
  export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
  build_apps
  dev_secrets
  trap cleanup EXIT
  trap 'cleanup; exit 130' INT TERM
  maybe_stack bench fresh
  # On a machine with 2+ CPUs, the services under test run on CPU 1 and the load generator on CPU 0,
  # so the two do not steal each other's time unevenly between the sides of a comparison. The local
  # stack's pids let a benchmark move Kafka and the database engine off the service CPU while it measures.
  local pin=()
  if command -v taskset >/dev/null 2>&1 && [ "$(nproc)" -ge 2 ]; then
    pin=(taskset -c 0)
    export BENCH_SERVICE_CPUS="${BENCH_SERVICE_CPUS:-1}" BENCH_LOAD_CPUS="${BENCH_LOAD_CPUS:-0}"
  fi
  export BENCH_STACK_PIDS="${STACK_PIDS[*]}"
  SWC_NODE_PROJECT=tsconfig.base.json "${pin[@]}" node -r @swc-node/register bench/run.ts "$@"
}

case "${1:-start}" in
  start) shift; cmd_start "$@" ;;
  test) shift; cmd_test "$@" ;;
  e2e) shift; cmd_e2e "$@" ;;
  stack) shift; cmd_stack "$@" ;;
  bench) shift; cmd_bench "$@" ;;
  *) echo "usage: tools/run.sh start|test|e2e|stack|bench" >&2; exit 2 ;;
esac
