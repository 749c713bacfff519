#!/usr/bin/env bash
# Template: submit gner-spark to a cluster. Build the application jar first (mvn -B -ntp package -DskipTests);
# it holds DJL, the tokenizers and libtorch (CPU); Spark itself is provided by the cluster.
set -euo pipefail

MASTER="${MASTER:-spark://spark-master:7077}"   # or yarn, k8s://..., local[*]
APP_JAR="${APP_JAR:-target/gner-spark-0.1.0-SNAPSHOT-app.jar}"

# Spark 4 on Java 17 already passes its module options to executors; DJL must stay offline
# (libtorch ships inside the jar), and executors log at WARN. The two Delta settings serve annotate's
# table (--format delta, --incremental); the jar carries Delta Lake.
spark-submit \
  --master "$MASTER" \
  --deploy-mode client \
  --class org.gner.cli.GnerCli \
  --conf spark.executor.memory=8g \
  --conf spark.executor.cores=2 \
  --conf spark.driver.extraJavaOptions=-Dai.djl.offline=true \
  --conf spark.executor.extraJavaOptions=-Dai.djl.offline=true \
  --conf spark.sql.shuffle.partitions=64 \
  --conf spark.sql.extensions=io.delta.sql.DeltaSparkSessionExtension \
  --conf spark.sql.catalog.spark_catalog=org.apache.spark.sql.delta.catalog.DeltaCatalog \
  "$APP_JAR" \
  score \
  --predictions "${PREDICTIONS:-hdfs:///gner/predictions.jsonl}" \
  --tokenizer "${TOKENIZER:-/opt/gner/flan-t5/tokenizer.json}" \
  --output "${OUTPUT:-hdfs:///gner/score}" \
  --overwrite
