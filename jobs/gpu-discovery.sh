#!/usr/bin/env bash
# Spark GPU discovery script (spark.executor.resource.gpu.discoveryScript): prints the CUDA device
# indices of this node as Spark's resource JSON, e.g. {"name":"gpu","addresses":["0","1"]}.
# gner-spark's tasks use the first address Spark assigns them as their CUDA device index.
set -euo pipefail
addresses="$(nvidia-smi --query-gpu=index --format=csv,noheader 2>/dev/null | tr -d ' ' | grep -E '^[0-9]+$' \
  | sed 's/.*/"&"/' | paste -sd, - || true)"
echo "{\"name\":\"gpu\",\"addresses\":[${addresses}]}"
