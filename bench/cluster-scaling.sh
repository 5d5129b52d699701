#!/usr/bin/env bash
# The distributed plan on a real Spark standalone cluster on loopback (conf/standalone-cluster.sh):
# the same sequence through the sites with one worker of one core, then two workers of one core;
# writes the section "A real standalone cluster" of docs/BENCHMARKS.md.
#
#   bench/cluster-scaling.sh [tokens=1048576] [runs=2]
#
# Each run starts a fresh cluster (master, workers, executor JVMs), so every run's executors start
# cold alike; the figure is the plan's own time as `zeta run` prints it (min of the runs), without
# the cluster's start. Input: one Gaussian sequence (d = 3, dv = 16), generated once locally.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOKENS="${1:-1048576}"
RUNS="${2:-2}"
WORK="$ROOT/target/cluster-scaling"
IN="$WORK/tokens-$TOKENS"
mkdir -p "$WORK"
if [[ ! -f "$IN/_SUCCESS" ]]; then
  "$ROOT/bin/zeta" generate --output "$IN" --tokens "$TOKENS" --sequences 1 --kind gaussian --d 3 --dv 16 \
    --partitions 8 --overwrite >&2
fi

declare -A BEST
for workers in 1 2; do
  best=""
  for run in $(seq 1 "$RUNS"); do
    line=$(WORKERS=$workers WORKER_CORES=1 WORKER_MEMORY=3g EXECUTOR_MEMORY=2g "$ROOT/conf/standalone-cluster.sh" \
      run --input "$IN" --output "$WORK/out" --overwrite \
      --conf spark.zeta.localEngine.maxTokens=0 --conf spark.sql.shuffle.partitions=8 2>&1 \
      | grep -E '^zeta run: [0-9]+ tokens' | tail -n 1)
    secs=$(echo "$line" | sed -n 's/.* sequences, \([0-9.]*\) s,.*/\1/p')
    echo "cluster-scaling: $workers worker(s), run $run: ${secs:-?} s  ($line)" >&2
    if [[ -z "$secs" ]]; then
      echo "cluster-scaling: the run printed no summary; logs in $ROOT/target/standalone-cluster" >&2
      exit 1
    fi
    if [[ -z "$best" ]] || awk "BEGIN{exit !($secs < $best)}"; then
      best=$secs
    fi
  done
  BEST[$workers]=$best
done

python3 - "$ROOT/docs/BENCHMARKS.md" "$TOKENS" "$RUNS" "${BEST[1]}" "${BEST[2]}" <<'PY'
import sys, datetime
path, tokens, runs, one, two = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
heading = "## A real standalone cluster: one worker against two"
body = f"""{heading}

Measured {datetime.date.today()} by `bench/cluster-scaling.sh {tokens} {runs}`: a Spark standalone cluster on
loopback started by `conf/standalone-cluster.sh` (master, workers and executor JVMs from the project's jars;
each worker 1 core, executors 2 GiB), one Gaussian sequence of {tokens:,} tokens (d = 3, dv = 16), the
distributed plan forced (`spark.zeta.localEngine.maxTokens=0`), 8 shuffle partitions. Each run starts a fresh
cluster; the time is the plan's own as `zeta run` prints it, min of {runs} runs. The 2-core VM runs the
master, the workers and the driver beside the executors.

| workers × cores | seconds | against one worker |
|---|---:|---:|
| 1 × 1 | {one:.1f} | 1.00 |
| 2 × 1 | {two:.1f} | **{two / one:.2f}** (target ≤ 0.6) |

"""
text = open(path, encoding="utf-8").read()
start = text.find(heading)
if start < 0:
    text = text.rstrip("\n") + "\n\n" + body
else:
    end = text.find("\n## ", start + len(heading))
    text = text[:start] + body + ("" if end < 0 else text[end + 1:])
open(path, "w", encoding="utf-8").write(text)
print(body)
PY
