#!/usr/bin/env bash
# Spark GPU discovery script (spark.{worker,executor,driver}.resource.gpu.discoveryScript): prints
# the GPUs nvidia-smi sees as Spark's resource JSON, e.g. {"name": "gpu", "addresses": ["0", "1"]}.
# With no GPU it prints an empty address list and exits non-zero, so Spark refuses to start an
# executor that asked for a GPU instead of starting one without it.
set -euo pipefail
indices=$(nvidia-smi --query-gpu=index --format=csv,noheader 2>/dev/null || true)
addresses=""
for i in $indices; do
  addresses+="${addresses:+, }\"$i\""
done
echo "{\"name\": \"gpu\", \"addresses\": [$addresses]}"
[ -n "$addresses" ]
