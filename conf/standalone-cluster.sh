#!/usr/bin/env bash
# A real Spark standalone cluster on loopback, from the project's own jars (DESIGN.md section 4):
# starts a Master and two Workers (separate JVMs, `java -cp "spark-job/target/spark-home/jars/*"`),
# waits until both Workers have registered, runs one zeta command against spark://127.0.0.1:PORT
# as the driver, and stops everything on exit (including on Ctrl-C or failure).
#
#   conf/standalone-cluster.sh                         # demo: generate 2 sequences of 3,000 tokens
#   conf/standalone-cluster.sh run --input T --output O [options]
#   conf/standalone-cluster.sh generate --output O --tokens N [options]
#
# The spark-home folder is built by `mvn -pl spark-job -am package` (copy-dependencies plus the thin
# jar); this script builds it when missing. Workers: 2 (WORKERS) of 1 core and 1 GiB each (WORKER_CORES,
# WORKER_MEMORY); executors get 512 MiB (EXECUTOR_MEMORY). Logs: target/standalone-cluster/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JDK17=/usr/lib/jvm/java-17-openjdk-amd64
if [[ -x "$JDK17/bin/java" ]]; then
  export JAVA_HOME="$JDK17"
fi
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
export SPARK_LOCAL_IP=127.0.0.1
export SPARK_HOME="$ROOT/spark-job/target/spark-home"
export SPARK_SCALA_VERSION=2.13   # Spark's launcher asks for it outside a Spark build tree
JARS="$SPARK_HOME/jars"
WORK="$ROOT/target/standalone-cluster"
WORKERS="${WORKERS:-2}"
WORKER_CORES="${WORKER_CORES:-1}"
WORKER_MEMORY="${WORKER_MEMORY:-1g}"
EXECUTOR_MEMORY="${EXECUTOR_MEMORY:-512m}"

THIN="$(ls "$JARS"/zeta-spark-job-*.jar 2>/dev/null | head -n 1 || true)"
if [[ -z "$THIN" ]] || ! ls "$JARS"/spark-core_*.jar >/dev/null 2>&1 \
    || [[ -n "$(find "$ROOT/pom.xml" "$ROOT/kernels" "$ROOT/spark-job/pom.xml" "$ROOT/spark-job/src" -newer "$THIN" \
         \( -name '*.java' -o -name 'pom.xml' -o -path '*/resources/*' \) -print -quit 2>/dev/null)" ]]; then
  echo "standalone-cluster: building $JARS (mvn package, tests skipped)..." >&2
  (cd "$ROOT" && mvn -B -ntp -q -Dstyle.color=never -pl spark-job -am package -DskipTests) 2>&1 | sed -e 's/\x1b\[0m//g' >&2   # Debian's Maven 3.8 prints stray colour resets
fi

# shellcheck disable=SC2207
OPENS=($(sed -n 's:.*<spark.add.opens>\(.*\)</spark.add.opens>.*:\1:p' "$ROOT/pom.xml"))
LOG4J="-Dlog4j.configurationFile=$ROOT/conf/log4j2.properties"

# a port nothing listens on (bash's /dev/tcp: the connect fails when the port is free)
free_port() {
  local p
  while true; do
    p=$(( 20000 + RANDOM % 40000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return
    fi
  done
}

# GET a path of the master's web UI, without curl
http_get() {
  local port="$1" path="$2"
  exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
  printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$path" >&3
  cat <&3
  exec 3<&-
}

PIDS=()
cleanup() {
  local pid
  for (( i=${#PIDS[@]}-1; i>=0; i-- )); do   # workers (and their executors) before the master
    pid="${PIDS[$i]}"
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT INT TERM

mkdir -p "$WORK"
MASTER_PORT=$(free_port)
MASTER_UI=$(free_port)
MASTER="spark://127.0.0.1:$MASTER_PORT"

"$JAVA" "${OPENS[@]}" "$LOG4J" -Xmx512m -cp "$JARS/*" org.apache.spark.deploy.master.Master \
  --host 127.0.0.1 --port "$MASTER_PORT" --webui-port "$MASTER_UI" >"$WORK/master.log" 2>&1 &
PIDS+=($!)
for i in $(seq 1 "$WORKERS"); do
  mkdir -p "$WORK/worker-$i"
  "$JAVA" "${OPENS[@]}" "$LOG4J" -Xmx512m -cp "$JARS/*" org.apache.spark.deploy.worker.Worker \
    --host 127.0.0.1 --cores "$WORKER_CORES" --memory "$WORKER_MEMORY" --webui-port "$(free_port)" \
    --work-dir "$WORK/worker-$i" "$MASTER" >"$WORK/worker-$i.log" 2>&1 &
  PIDS+=($!)
done

echo "standalone-cluster: master $MASTER (web UI http://127.0.0.1:$MASTER_UI), waiting for $WORKERS workers..." >&2
for _ in $(seq 1 240); do
  alive=$(http_get "$MASTER_UI" /json/ 2>/dev/null | tr -d ' \n' | sed -n 's/.*"aliveworkers":\([0-9]*\).*/\1/p' || true)
  if [[ "${alive:-0}" -ge "$WORKERS" ]]; then
    break
  fi
  for pid in "${PIDS[@]}"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "standalone-cluster: a daemon exited; logs in $WORK" >&2
      tail -n 30 "$WORK"/*.log >&2
      exit 1
    fi
  done
  sleep 0.5
done
if [[ "${alive:-0}" -lt "$WORKERS" ]]; then
  echo "standalone-cluster: workers did not register within 120 s; logs in $WORK" >&2
  exit 1
fi
echo "standalone-cluster: $WORKERS workers registered" >&2

if [[ $# -eq 0 ]]; then
  set -- generate --output "$WORK/demo-tokens" --tokens 6000 --sequences 2 --dv 8 --partitions 4 --overwrite
fi

# the driver: the thin jar in spark-home/jars holds our classes (and the kernels), so executors,
# started by the workers from SPARK_HOME/jars, load them too
"$JAVA" "${OPENS[@]}" "$LOG4J" ${ZETA_JAVA_OPTS:-} -cp "$JARS/*" io.zetaspark.job.cli.ZetaCli "$@" \
  --master "$MASTER" --conf spark.executor.memory="$EXECUTOR_MEMORY" --conf spark.driver.host=127.0.0.1
