#!/usr/bin/env bash
# Local stack without Docker: Apache Kafka 3.9 (one KRaft node) and mongo-java-server (a MongoDB-wire
# engine, see tools/local-stack/mongo-engine), both from Maven Central, run on the local JDK, and
# Redis (Debian's redis-server, installed with apt-get when missing: the gateways' shared rate-limit
# counters), all on loopback.
#
# Sourced by tools/run.sh. Everything lives under .stack/ (git-ignored):
#   .stack/kafka/libs          Kafka jars (cached: a second run resolves nothing)
#   .stack/mongo-engine/       the engine's jars and its compiled launcher (cached, rebuilt only when
#                              tools/local-stack/mongo-engine changes)
#   .stack/<profile>/          data, config and logs of one profile ("dev" for npm start, "test" for
#                              npm test, "bench"); the engine keeps "dev" data in an H2 MVStore file
#                              there and the other profiles' in memory (they start fresh anyway)
#
# stack_start exports KAFKA_BROKERS, MONGODB_URI and REDIS_URL for the processes started after it;
# stack_stop stops what stack_start started (run.sh traps EXIT, INT and TERM to call it).

STACK_ROOT="${STACK_ROOT:-$(pwd)/.stack}"
STACK_SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
KAFKA_VERSION="3.9.2"
STACK_PIDS=()

stack_log() { printf '[stack] %s\n' "$*" >&2; }

stack_require() {
  local missing=()
  command -v java >/dev/null 2>&1 || missing+=("java (JDK 17)")
  command -v mvn >/dev/null 2>&1 || missing+=("mvn (Apache Maven)")
  if [ ${#missing[@]} -gt 0 ]; then
    stack_log "missing prerequisite: ${missing[*]}."
    stack_log "Install it, or run the system with Docker instead: 'docker compose up',"
    stack_log "or point at existing servers with KAFKA_BROKERS=host:9092 MONGODB_URI=mongodb://host:27017."
    return 1
  fi
}

stack_fetch_kafka() {
  local libs="$STACK_ROOT/kafka/libs" stamp="$STACK_ROOT/kafka/.version"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$KAFKA_VERSION" ] && ls "$libs"/kafka_2.13-*.jar >/dev/null 2>&1; then
    return 0
  fi
  stack_log "resolving Apache Kafka $KAFKA_VERSION jars from Maven Central (once)"
  rm -rf "$libs" && mkdir -p "$libs"
  mvn -q -B -f "$STACK_SRC/kafka-pom.xml" -Dkafka.version="$KAFKA_VERSION" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$libs" >"$STACK_ROOT/kafka/mvn.log" 2>&1 \
    || { stack_log "Maven failed, see $STACK_ROOT/kafka/mvn.log"; return 1; }
  echo "$KAFKA_VERSION" >"$stamp"
}

stack_fetch_mongo_engine() {
  local dir="$STACK_ROOT/mongo-engine" stamp="$STACK_ROOT/mongo-engine/.sum" sum
  sum=$(cat "$STACK_SRC/mongo-engine/pom.xml" "$STACK_SRC/mongo-engine/LocalMongoServer.java" | sha256sum | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ] && [ -f "$dir/classes/LocalMongoServer.class" ]; then
    return 0
  fi
  stack_log "resolving mongo-java-server from Maven Central and compiling its launcher (once)"
  rm -rf "$dir" && mkdir -p "$dir/libs" "$dir/classes"
  mvn -q -B -f "$STACK_SRC/mongo-engine/pom.xml" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$dir/libs" >"$dir/mvn.log" 2>&1 \
    || { stack_log "Maven failed, see $dir/mvn.log"; return 1; }
  javac -d "$dir/classes" -cp "$dir/libs/*" "$STACK_SRC/mongo-engine/LocalMongoServer.java" >"$dir/javac.log" 2>&1 \
    || { stack_log "javac failed, see $dir/javac.log"; return 1; }
  echo "$sum" >"$stamp"
}

# Debian's redis-server, installed when missing (CI starts on a clean machine; we are root there). Only
# the binary is wanted: the package's own service must not start on 6379 (a policy-rc.d that says no,
# unless the machine has one), the stack runs its own redis-server with its own port and directory.
stack_ensure_redis() {
  command -v redis-server >/dev/null 2>&1 && return 0
  local log="$STACK_ROOT/redis-install.log" policy=/usr/sbin/policy-rc.d ours=""
  mkdir -p "$STACK_ROOT"
  stack_log "installing redis-server with apt-get (once; log in $log)"
  if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && ours=1; fi
  local apt=(env DEBIAN_FRONTEND=noninteractive apt-get -y -qq -o Dpkg::Use-Pty=0 install --no-install-recommends redis-server)
  "${apt[@]}" >"$log" 2>&1 || { apt-get -qq update >>"$log" 2>&1 && "${apt[@]}" >>"$log" 2>&1; }
  local rc=$?
  [ -n "$ours" ] && rm -f "$policy"
  [ $rc -eq 0 ] && command -v redis-server >/dev/null 2>&1 || { stack_log "installing redis-server failed, see $log (or set REDIS_URL to an existing Redis)"; return 1; }
}

# port_free PORT: true when nothing listens on 127.0.0.1:PORT
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

stack_start() {
  local profile="${1:-dev}" fresh="${2:-}"
  local kafka_port mongo_port redis_port
  if [ "$profile" != "dev" ]; then kafka_port="${STACK_KAFKA_PORT:-19092}"; mongo_port="${STACK_MONGO_PORT:-27018}"; redis_port="${STACK_REDIS_PORT:-16379}";
  else kafka_port="${STACK_KAFKA_PORT:-9092}"; mongo_port="${STACK_MONGO_PORT:-27017}"; redis_port="${STACK_REDIS_PORT:-6379}"; fi
  local dir="$STACK_ROOT/$profile"

  stack_require && stack_fetch_kafka && stack_fetch_mongo_engine && stack_ensure_redis || return 1
  for p in "$kafka_port" "$((kafka_port + 1))" "$mongo_port" "$redis_port"; do
    port_free "$p" || { stack_log "port $p is already in use (another stack running?); set STACK_KAFKA_PORT/STACK_MONGO_PORT/STACK_REDIS_PORT or stop it"; return 1; }
  done
  [ -n "$fresh" ] && rm -rf "$dir"
  mkdir -p "$dir/kafka-data" "$dir/mongo-data" "$dir/redis" "$dir/logs"

  cat >"$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$((kafka_port + 1))
listeners=PLAINTEXT://127.0.0.1:$kafka_port,CONTROLLER://127.0.0.1:$((kafka_port + 1))
advertised.listeners=PLAINTEXT://127.0.0.1:$kafka_port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$dir/kafka-data
num.partitions=3
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
log.retention.hours=168
PROPS
  cat >"$dir/log4j.properties" <<PROPS
log4j.rootLogger=WARN, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=$dir/logs/kafka.log
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.server.KafkaRaftServer=INFO
PROPS

  local cp="$STACK_ROOT/kafka/libs/*"
  local jvm=(-Xms256m -Xmx768m -XX:+UseG1GC -Djava.awt.headless=true "-Dlog4j.configuration=file:$dir/log4j.properties")
  if [ ! -f "$dir/kafka-data/meta.properties" ]; then
    local cluster_id
    cluster_id=$(java "${jvm[@]}" -cp "$cp" kafka.tools.StorageTool random-uuid 2>>"$dir/logs/storage.log")
    java "${jvm[@]}" -cp "$cp" kafka.tools.StorageTool format -t "$cluster_id" -c "$dir/server.properties" \
      >>"$dir/logs/storage.log" 2>&1 || { stack_log "formatting Kafka storage failed, see $dir/logs/storage.log"; return 1; }
  fi

  # dev keeps its data across restarts; test and bench start fresh, so memory is enough (and faster).
  local store="memory"
  [ "$profile" = "dev" ] && store="$dir/mongo-data/local.mv.db"
  stack_log "starting Kafka $KAFKA_VERSION on 127.0.0.1:$kafka_port, mongo-java-server on 127.0.0.1:$mongo_port ($profile, $( [ "$store" = memory ] && echo in memory || echo H2 file)) and redis-server on 127.0.0.1:$redis_port"
  java "${jvm[@]}" -cp "$cp" kafka.Kafka "$dir/server.properties" >"$dir/logs/kafka.out" 2>&1 &
  STACK_PIDS+=($!)
  # The fault tests pause and resume the broker and the database by these (SIGSTOP/SIGCONT).
  export STACK_KAFKA_PID=$!
  java -Xms128m "-Xmx${STACK_MONGO_HEAP:-1g}" -XX:+UseG1GC -Djava.awt.headless=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dorg.slf4j.simpleLogger.log.io.netty=error \
    -Dorg.slf4j.simpleLogger.log.de.bwaldvogel.mongo.wire.MongoExceptionHandler=off \
    -cp "$STACK_ROOT/mongo-engine/classes:$STACK_ROOT/mongo-engine/libs/*" LocalMongoServer 127.0.0.1 "$mongo_port" "$store" \
    >"$dir/logs/mongo-engine.log" 2>&1 &
  STACK_PIDS+=($!)
  export STACK_MONGO_PID=$!
  # Rate-limit counters live a few windows: nothing to keep, in any profile.
  redis-server --bind 127.0.0.1 --port "$redis_port" --dir "$dir/redis" --save '' --appendonly no \
    --daemonize no --logfile "$dir/logs/redis.log" >/dev/null 2>&1 &
  STACK_PIDS+=($!)
  # The multi-instance tests pause and resume it (SIGSTOP/SIGCONT), as the fault tests do Kafka.
  export STACK_REDIS_PID=$!

  export KAFKA_BROKERS="127.0.0.1:$kafka_port"
  export MONGODB_URI="mongodb://127.0.0.1:$mongo_port"
  export REDIS_URL="redis://127.0.0.1:$redis_port"
  node "$STACK_SRC/wait-ready.js" || { stack_log "stack did not become healthy; logs in $dir/logs"; return 1; }
  SWC_NODE_PROJECT=tsconfig.base.json node -r @swc-node/register "$STACK_SRC/create-topics.ts" || return 1
  stack_log "stack ready: KAFKA_BROKERS=$KAFKA_BROKERS MONGODB_URI=$MONGODB_URI REDIS_URL=$REDIS_URL"
}

stack_stop() {
  [ ${#STACK_PIDS[@]} -eq 0 ] && return 0
  stack_log "stopping Kafka, mongo-java-server and redis-server"
  kill -TERM "${STACK_PIDS[@]}" 2>/dev/null
  local i
  for i in $(seq 1 60); do
    kill -0 "${STACK_PIDS[@]}" 2>/dev/null || break
    sleep 0.5
  done
  kill -KILL "${STACK_PIDS[@]}" 2>/dev/null
  wait "${STACK_PIDS[@]}" 2>/dev/null
  STACK_PIDS=()
}
