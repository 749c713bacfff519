#!/usr/bin/env bash
# A real Spark standalone cluster on this machine, not local[*]: one master and two workers
# (1 core, 2 GB each) on 127.0.0.1, started from the Spark jars Maven already has. It submits
# `gner evaluate` with the application jar on a tiny random T5 (2 datasets x 8 sentences), checks the
# outputs, checks that each executor JVM loaded the model exactly once (run.json and the executors'
# own log lines), and stops every process it started, whatever happens.
#
# With --kill-executor it runs the shipped model instead on inputs that take a while (evaluate: 1,600
# sentences; annotate: 1,600 documents; annotate --incremental: the same documents in 4 files, 2 per
# batch), each twice: undisturbed, then with one executor JVM SIGKILLed once half of the decoding
# stage's tasks have finished (the stage's task counts from the driver's REST API; the executor is the
# child process of worker 1, whose pid this script holds). Spark replaces the executor and retries its
# tasks; the outputs must match: metrics.json and predictions.jsonl byte for byte, annotate's rows as
# sets with every document once, the Delta table's rows and one commit per batch. The last line sums up.
#
# Build first: mvn -B -ntp package -DskipTests   (the app jar and target/classpath.txt)
# Usage: jobs/cluster-test.sh [--kill-executor]   exit 0 when every check passes
#   KEEP_WORK=1 keeps the work folder (logs, outputs); it is always kept when a check fails.
#   GNER_SHARED points at the shared data (default ../shared).
#   MODEL_DIR uses that checkpoint instead of writing a tiny one (which needs Maven for the test classes).
#   MVN_FLAGS are extra Maven flags for that step, e.g. -o.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
KILL=0
if [[ "${1:-}" == "--kill-executor" ]]; then
  KILL=1
elif [[ -n "${1:-}" ]]; then
  echo "usage: jobs/cluster-test.sh [--kill-executor]" >&2
  exit 2
fi
APP_JAR="$(ls "$ROOT"/target/gner-spark-*-app.jar 2>/dev/null | head -n 1 || true)"
if [[ -z "$APP_JAR" || ! -f target/classpath.txt ]]; then
  echo "cluster-test: build first: mvn -B -ntp package -DskipTests" >&2
  exit 2
fi
SHARED="$(cd "${GNER_SHARED:-$ROOT/../shared}" && pwd)"
# shellcheck source=jobs/spark-java-opts.sh
source "$ROOT/jobs/spark-java-opts.sh"
export SPARK_LOCAL_IP=127.0.0.1
export DJL_CACHE_DIR="${DJL_CACHE_DIR:-$HOME/.djl.ai}"
export SPARK_SCALA_VERSION=2.13
# As jobs/gner: keep libtorch's per-step buffers mapped (executors inherit the workers' environment).
export MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-33554432}"
export MALLOC_TRIM_THRESHOLD_="${MALLOC_TRIM_THRESHOLD_:-17179869184}"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/gner-cluster.XXXXXX")"
DAEMONS=()
OK=0

log() { echo "cluster-test: $*" >&2; }

stop_all() {
  local pid child
  for pid in "${DAEMONS[@]}"; do
    # A worker's children are the executors it launched: stop them by id too.
    for child in $(pgrep -P "$pid" 2>/dev/null || true); do
      kill "$child" 2>/dev/null || true
    done
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${DAEMONS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  if [[ "$OK" == 1 && -z "${KEEP_WORK:-}" ]]; then
    rm -rf "$WORK"
  else
    log "work folder kept: $WORK"
  fi
}
trap stop_all EXIT

fail() {
  log "FAILED: $*"
  exit 1
}

# Waits up to $3 seconds for the pattern $2 to appear $4 times (default 1) in file $1.
wait_for() {
  local file="$1" pattern="$2" seconds="$3" times="${4:-1}" i
  for ((i = 0; i < seconds * 2; i++)); do
    if [[ -f "$file" && "$(grep -c -- "$pattern" "$file" || true)" -ge "$times" ]]; then
      return 0
    fi
    sleep 0.5
  done
  return 1
}

free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 20000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  fail "no free port found"
}

# 1. A Spark home made of the jars Maven resolved: launchers read $SPARK_HOME/jars for executors.
SPARK_HOME="$WORK/spark-home"
export SPARK_HOME
mkdir -p "$SPARK_HOME/jars"
touch "$SPARK_HOME/RELEASE"
tr ':' '\n' < target/classpath.txt | grep '\.jar$' | while read -r jar; do
  ln -sf "$jar" "$SPARK_HOME/jars/$(basename "$jar")"
done
SPARK_CP="$SPARK_HOME/jars/*"

# 2. A tiny random T5 checkpoint (unless MODEL_DIR names one, or --kill-executor runs the shipped model)
#    and a 2 x 8 sentence evaluation.
test_java() {
  java -Dai.djl.offline=true -Dgner.shared="$SHARED" -Dlog4j.configurationFile="$ROOT/conf/log4j2.properties" \
    "${SPARK_OPENS[@]}" -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" "$@"
}
if [[ "$KILL" == 1 || -z "${MODEL_DIR:-}" ]]; then
  mvn -B -ntp -q test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt \
    -Dmdep.includeScope=test ${MVN_FLAGS:-} >/dev/null
fi
if [[ "$KILL" == 1 ]]; then
  MODEL="$ROOT/models/gner-t5-mini"
else
  MODEL="${MODEL_DIR:-$WORK/model}"
fi
if [[ "$KILL" == 0 && -z "${MODEL_DIR:-}" ]]; then
  log "writing a tiny model"
  test_java org.gner.bench.MakeTinyModel "$MODEL" > /dev/null
fi
cat > "$WORK/configs.json" <<'JSON'
[{"dataset name": "crossner_politics", "max_num_instances": 8},
 {"dataset name": "mit-movie", "max_num_instances": 8}]
JSON

# 3. Master and two workers.
PORT="$(free_port)"
MASTER="spark://127.0.0.1:$PORT"
log "starting master $MASTER"
java -Xmx512m "${SPARK_OPENS[@]}" -cp "$SPARK_CP" org.apache.spark.deploy.master.Master \
  --host 127.0.0.1 --port "$PORT" --webui-port "$(free_port)" > "$WORK/master.log" 2>&1 &
DAEMONS+=("$!")
wait_for "$WORK/master.log" "I have been elected leader" 60 || fail "master did not start (see $WORK/master.log)"
for i in 1 2; do
  java -Xmx512m "${SPARK_OPENS[@]}" -cp "$SPARK_CP" org.apache.spark.deploy.worker.Worker "$MASTER" \
    --host 127.0.0.1 --cores 1 --memory 2g --work-dir "$WORK/worker-$i" --webui-port "$(free_port)" \
    > "$WORK/worker-$i.log" 2>&1 &
  DAEMONS+=("$!")
done
wait_for "$WORK/master.log" "Registering worker" 90 2 || fail "workers did not register (see $WORK/worker-*.log)"
log "2 workers registered"
WORKER1="${DAEMONS[1]}"

# Submits the application (args after the name) as on any cluster, in the background; its driver UI
# serves the REST API on $UI_PORT. Sets SUBMIT_PID.
submit() {
  local name="$1"
  shift
  UI_PORT="$(free_port)"
  GNER_CONF_DIR="$ROOT/conf" timeout 900 java -Xmx2g "${SPARK_OPENS[@]}" -Dai.djl.offline=true \
    -Dlog4j.configurationFile="$ROOT/conf/log4j2.properties" -cp "$SPARK_CP" \
    org.apache.spark.deploy.SparkSubmit --master "$MASTER" --deploy-mode client --class org.gner.cli.GnerCli \
    --conf spark.executor.cores=1 --conf spark.executor.memory=1g \
    --conf "spark.executor.extraJavaOptions=${SPARK_OPENS[*]} -Dai.djl.offline=true" \
    --conf "spark.executorEnv.DJL_CACHE_DIR=$DJL_CACHE_DIR" \
    --conf spark.driver.host=127.0.0.1 --conf spark.ui.enabled=true --conf "spark.ui.port=$UI_PORT" \
    --conf spark.task.maxFailures=4 \
    "$APP_JAR" "$@" > "$WORK/$name.out" 2> "$WORK/$name.log" &
  SUBMIT_PID=$!
}

# The active stages' "numTasks numActiveTasks numCompleteTasks", one line each, from the driver's REST API.
active_stages() {
  local app
  app="$(curl -sf "http://127.0.0.1:$UI_PORT/api/v1/applications" | grep -o '"id" : "[^"]*"' | head -n 1 \
    | cut -d'"' -f4)" || return 0
  [[ -n "$app" ]] || return 0
  curl -sf "http://127.0.0.1:$UI_PORT/api/v1/applications/$app/stages?status=active" \
    | grep -oE '"num(Tasks|ActiveTasks|CompleteTasks)" : [0-9]+' | grep -oE '[0-9]+$' | paste - - - || true
}

# Waits for the decoding stage (this application's executor on worker 1 has loaded the model; 4 tasks)
# to have half its tasks done and one still running, then SIGKILLs worker 1's executor. Sets KILLED to
# what was killed and when.
kill_half_way() {
  local name="$1" tasks active complete pid app_dir
  KILLED=""
  for _ in $(seq 1 1200); do
    kill -0 "$SUBMIT_PID" 2>/dev/null || break
    app_dir="$(ls -td "$WORK"/worker-1/app-* 2>/dev/null | head -n 1 || true)"
    if [[ -n "$app_dir" ]] && grep -qs 'gner: loaded t5 model' "$app_dir"/*/stderr; then
      while read -r tasks active complete; do
        # the decoding stage: one task per partition, 4 for 2 executors of 1 core
        if [[ "$tasks" == 4 && "$active" -ge 1 && "$complete" -ge 2 ]]; then
          pid="$(pgrep -P "$WORKER1" java | head -n 1 || true)"
          if [[ -n "$pid" ]]; then
            kill -9 "$pid"
            KILLED="$name: executor pid $pid of worker 1 at $complete/$tasks tasks of the decoding stage"
            log "killed $KILLED"
            return 0
          fi
        fi
      done < <(active_stages)
    fi
    sleep 0.25
  done
  fail "$name: found no decoding stage half done to kill an executor in (see $WORK/$name.log)"
}

finish() {
  local name="$1"
  wait "$SUBMIT_PID" || { tail -n 20 "$WORK/$name.log" >&2; fail "$name failed (see $WORK/$name.log)"; }
}

# Tasks that failed or were lost, and model loads, from the driver log and run.json.
retried() {
  grep -cE 'Lost task|Resubmitted|failed [0-9]+ times|ExecutorLostFailure' "$WORK/$1.log" || true
}
loads() {
  sed -n '/"model_loads"/,/}/p' "$1" | grep -o '"[0-9]*" : [0-9]*' | tr '\n' ' ' || true
}

if [[ "$KILL" == 1 ]]; then
  cat > "$WORK/configs.json" <<'JSON'
[{"dataset name": "mit-movie", "max_num_instances": 800},
 {"dataset name": "mit-restaurant", "max_num_instances": 800}]
JSON
  test_java org.gner.testing.ClusterTestCorpus "$SHARED/datasets/supervised" 1600 "$WORK/docs.txt" \
    > /dev/null 2>&1 || fail "cannot write the corpus"
  mkdir -p "$WORK/inbox"
  split -d -n l/4 --additional-suffix=.txt "$WORK/docs.txt" "$WORK/inbox/part-"
  SUMMARY=()
  for run in clean killed; do
    log "evaluate ($run)"
    submit "evaluate-$run" evaluate --model "$MODEL" --data-dir "$SHARED/datasets/gner-zero-shot" \
      --datasets "$WORK/configs.json" --output "$WORK/evaluate-$run" --device cpu
    [[ "$run" == killed ]] && kill_half_way evaluate && SUMMARY+=("$KILLED")
    finish "evaluate-$run"
    log "annotate ($run)"
    submit "annotate-$run" annotate --model "$MODEL" --labels person,organization,location \
      --input "$WORK/docs.txt" --output "$WORK/annotate-$run" --device cpu
    [[ "$run" == killed ]] && kill_half_way annotate && SUMMARY+=("$KILLED")
    finish "annotate-$run"
    log "annotate --incremental ($run)"
    cp -r "$WORK/inbox" "$WORK/inbox-$run"
    submit "incremental-$run" annotate --incremental --model "$MODEL" --labels person,organization,location \
      --input "$WORK/inbox-$run" --output "$WORK/table-$run" --max-files-per-trigger 2 --device cpu
    [[ "$run" == killed ]] && kill_half_way incremental && SUMMARY+=("$KILLED")
    finish "incremental-$run"
  done
  cmp -s "$WORK/evaluate-clean/metrics.json" "$WORK/evaluate-killed/metrics.json" \
    || fail "evaluate: metrics.json differs"
  cmp -s "$WORK/evaluate-clean/predictions.jsonl" "$WORK/evaluate-killed/predictions.jsonl" \
    || fail "evaluate: predictions.jsonl differs"
  test_java org.gner.testing.CompareRuns annotations "$WORK/annotate-clean/annotations" \
    "$WORK/annotate-killed/annotations" 1600 > "$WORK/compare-annotate.txt" 2> "$WORK/compare.log" \
    || fail "annotate: $(cat "$WORK/compare-annotate.txt")"
  test_java org.gner.testing.CompareRuns delta "$WORK/table-clean" "$WORK/table-killed" 1600 2 \
    > "$WORK/compare-delta.txt" 2>> "$WORK/compare.log" || fail "annotate --incremental: $(cat "$WORK/compare-delta.txt")"
  cat "$WORK/compare-annotate.txt" "$WORK/compare-delta.txt" >&2
  OK=1
  echo "cluster-test --kill-executor PASSED: killed $(IFS=';'; echo "${SUMMARY[*]}"); tasks lost and retried (driver log lines)" \
    "evaluate $(retried evaluate-killed), annotate $(retried annotate-killed), incremental" \
    "$(retried incremental-killed); model loads per executor: evaluate $(loads "$WORK/evaluate-killed/run.json")," \
    "annotate $(loads "$WORK/annotate-killed/run.json"); metrics.json and predictions.jsonl identical;" \
    "annotations equal as sets, 1600 documents once; Delta table equal, one commit per batch"
  exit 0
fi

# 4. The application, submitted as on any cluster.
log "submitting evaluate"
EXECUTOR_OPTS="${SPARK_OPENS[*]} -Dai.djl.offline=true"
if ! GNER_CONF_DIR="$ROOT/conf" timeout 600 java -Xmx2g "${SPARK_OPENS[@]}" -Dai.djl.offline=true \
    -Dlog4j.configurationFile="$ROOT/conf/log4j2.properties" -cp "$SPARK_CP" \
    org.apache.spark.deploy.SparkSubmit --master "$MASTER" --deploy-mode client --class org.gner.cli.GnerCli \
    --conf spark.executor.cores=1 --conf spark.executor.memory=1g \
    --conf "spark.executor.extraJavaOptions=$EXECUTOR_OPTS" \
    --conf "spark.executorEnv.DJL_CACHE_DIR=$DJL_CACHE_DIR" \
    --conf spark.driver.host=127.0.0.1 \
    "$APP_JAR" evaluate --model "$MODEL" --data-dir "$SHARED/datasets/gner-zero-shot" \
    --datasets "$WORK/configs.json" --output "$WORK/out" --max-new-tokens 16 --device cpu \
    > "$WORK/driver.out" 2> "$WORK/driver.log"; then
  tail -n 20 "$WORK/driver.log" >&2
  fail "the application failed (see $WORK/driver.log)"
fi
cat "$WORK/driver.out" >&2

# 5. Checks.
OUT="$WORK/out"
for f in predictions/_SUCCESS metrics/_SUCCESS label_metrics/_SUCCESS metrics.json predictions.jsonl run.json; do
  [[ -e "$OUT/$f" ]] || fail "missing output $f"
done
lines="$(wc -l < "$OUT/predictions.jsonl")"
[[ "$lines" == 16 ]] || fail "predictions.jsonl has $lines lines, expected 16"
grep -q '"executors" : 2' "$OUT/run.json" || fail "run.json does not report 2 executors"
grep -q '"partitions" : 4' "$OUT/run.json" || fail "run.json does not report 4 partitions (2 tasks per executor)"
# model_loads: {"<executor id>" : <loads in that JVM>, ...}
loads="$(sed -n '/"model_loads"/,/}/p' "$OUT/run.json" | grep -o '"[0-9]*" : [0-9]*' || true)"
[[ "$(echo "$loads" | grep -c .)" == 2 ]] || fail "run.json model_loads should name 2 executors: $loads"
if echo "$loads" | grep -qv ' : 1$'; then
  fail "an executor loaded the model more than once: $loads"
fi
executor_logs=("$WORK"/worker-*/app-*/*/stderr)
loaded=0
for f in "${executor_logs[@]}"; do
  n="$(grep -c 'gner: loaded t5 model' "$f" || true)"
  [[ "$n" -le 1 ]] || fail "$f shows $n model loads"
  loaded=$((loaded + n))
done
[[ "$loaded" == 2 ]] || fail "expected one model load in each of 2 executor logs, found $loaded"

OK=1
log "PASSED: 2 executors, 4 tasks, 16 predictions, model loaded once per executor JVM ($(echo "$loads" | tr '\n' ' '))"
