#!/usr/bin/env bash
# Executes every notebook headless with the project's kernel (notebooks/setup.sh first) and checks
# what they must show; the executed copies go to notebooks/target/executed/ (the stored notebooks
# keep their outputs cleared). A kernel that fails to start is retried; any cell error fails.
#   notebooks/run.sh [NOTEBOOK.ipynb ...]      (default: all of notebooks/*.ipynb)
# Environment: ZETA_JUPYTER_PATH (as for setup.sh), ZETA_DATA_DIR (the real data, default ../shared/data),
# ZETA_NOTEBOOK_TIMEOUT (seconds per cell, default 300).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
JUPYTER_DIR="${ZETA_JUPYTER_PATH:-$HERE/target/jupyter}"
if [[ ! -f "$JUPYTER_DIR/kernels/zeta-java/kernel.json" ]]; then
  echo "notebooks/run.sh: no kernel at $JUPYTER_DIR/kernels/zeta-java; run notebooks/setup.sh first" >&2
  exit 1
fi
if ! command -v jupyter-nbconvert >/dev/null 2>&1; then
  echo "notebooks/run.sh: jupyter-nbconvert is missing (Debian: apt-get install jupyter-nbconvert python3-nbclient jupyter-client)" >&2
  exit 1
fi
export JUPYTER_PATH="$JUPYTER_DIR${JUPYTER_PATH:+:$JUPYTER_PATH}"
out="$HERE/target/executed"
mkdir -p "$out"
if [[ $# -eq 0 ]]; then
  set -- "$HERE"/*.ipynb
fi

status=0
for nb in "$@"; do
  nb="$(cd "$(dirname "$nb")" && pwd)/$(basename "$nb")"
  name="$(basename "$nb")"
  ok=0
  for attempt in 1 2 3; do
    start=$(date +%s)
    log="$out/${name%.ipynb}.log"
    if (cd "$HERE" && jupyter-nbconvert --to notebook --execute --ExecutePreprocessor.kernel_name=zeta-java \
          --ExecutePreprocessor.timeout="${ZETA_NOTEBOOK_TIMEOUT:-300}" --ExecutePreprocessor.startup_timeout=60 \
          --output-dir "$out" "$nb") >"$log" 2>&1; then
      echo "notebooks/run.sh: $name executed in $(( $(date +%s) - start )) s"
      ok=1
      break
    fi
    # retry only a kernel that did not start; a cell error is final
    if grep -q -e "Kernel didn't respond" -e "kernel died" -e "TimeoutError" -e "RuntimeError: Kernel" "$log" \
        && ! grep -q "CellExecutionError" "$log"; then
      echo "notebooks/run.sh: $name: the kernel did not start (attempt $attempt), retrying" >&2
      continue
    fi
    break
  done
  if [[ $ok -eq 0 ]]; then
    echo "notebooks/run.sh: $name FAILED; the end of $log:" >&2
    tail -n 40 "$log" >&2
    status=1
  fi
done
if [[ $status -ne 0 ]]; then
  exit $status
fi
python3 "$HERE/check_outputs.py" "$out" "$@"
