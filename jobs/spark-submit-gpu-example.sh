#!/usr/bin/env bash
# Template: GNER zero-shot evaluation on a Spark cluster of GPU executors. Build the application jar
# first (mvn -B -ntp package -DskipTests); copy jobs/gpu-discovery.sh to every worker (the path in
# conf/spark-gpu.conf). Each executor loads the model once per GPU; each task runs on the GPU Spark
# assigned it.
#
# The application jar carries the CPU build of libtorch. For CUDA, give the executors a CUDA build of
# libtorch 2.7.1 the way DJL documents it (PYTORCH_LIBRARY_PATH, PYTORCH_VERSION, PYTORCH_FLAVOR), e.g.
# from a PyTorch 2.7.1 install: .../site-packages/torch/lib.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=jobs/spark-java-opts.sh
source "$ROOT/jobs/spark-java-opts.sh"
MASTER="${MASTER:-spark://spark-master:7077}"   # or yarn, k8s://...
APP_JAR="${APP_JAR:-$ROOT/target/gner-spark-0.1.0-SNAPSHOT-app.jar}"
LIBTORCH="${LIBTORCH:-/opt/libtorch-2.7.1-cu128/lib}"

spark-submit \
  --master "$MASTER" \
  --deploy-mode client \
  --class org.gner.cli.GnerCli \
  --properties-file "$ROOT/conf/spark-gpu.conf" \
  --conf "spark.driver.extraJavaOptions=${SPARK_OPENS[*]} -Dai.djl.offline=true" \
  --conf "spark.executor.extraJavaOptions=${SPARK_OPENS[*]} -Dai.djl.offline=true" \
  --conf "spark.executorEnv.PYTORCH_LIBRARY_PATH=$LIBTORCH" \
  --conf spark.executorEnv.PYTORCH_VERSION=2.7.1 \
  --conf spark.executorEnv.PYTORCH_FLAVOR=cu128 \
  --conf spark.executorEnv.MALLOC_MMAP_THRESHOLD_=33554432 \
  --conf spark.executorEnv.MALLOC_TRIM_THRESHOLD_=17179869184 \
  "$APP_JAR" \
  evaluate \
  --model "${MODEL:-dyyyyyyyy/GNER-T5-base}" \
  --data-dir "${DATA_DIR:-/shared/gner/data}" \
  --datasets "${DATASETS:-$ROOT/datasets/configs/task_adaptation/test_configs.json}" \
  --output "${OUTPUT:-hdfs:///gner/evaluate/gner-t5-base}" \
  --device gpu --dtype fp32 --batch-tokens 16384 \
  --overwrite
