#!/usr/bin/env bash
# Decides whether the RAPIDS Accelerator may be enabled on this machine, and enables it for a
# spark-submit command. The plugin calls System.exit when it finds no GPU, so it is enabled only
# when `nvidia-smi -L` lists one (DESIGN.md §4); never in CI.
#
#   conf/rapids/launch-check.sh                      prints "enable: <GPUs>" (exit 0) or
#                                                    "refuse: <reason>" (exit 1)
#   conf/rapids/launch-check.sh --args               on success prints the --conf arguments, one per line
#   conf/rapids/launch-check.sh --exec [--fallback-cpu] spark-submit ARGS...
#        runs the command with the RAPIDS arguments inserted after its first word; with no GPU it
#        refuses (exit 1), or with --fallback-cpu runs the command unchanged (CPU: the job's
#        engine=auto then runs the Java kernels) and says why on stderr.
#
# Environment: RAPIDS_JAR (default target/rapids/rapids-4-spark_2.13-26.08.1.jar, see
# fetch-rapids.sh); NVIDIA_SMI (default nvidia-smi).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
rapids_jar=${RAPIDS_JAR:-$root/target/rapids/rapids-4-spark_2.13-26.08.1.jar}
smi=${NVIDIA_SMI:-nvidia-smi}

# sets `reason` and returns non-zero when the plugin must not be enabled
detect() {
  local listing
  if ! listing=$("$smi" -L 2>&1); then
    reason="'$smi -L' failed or is missing (no NVIDIA driver?): ${listing:-no output}"
    return 1
  fi
  gpus=$(grep -E '^GPU [0-9]+: ' <<<"$listing" || true)
  if [ -z "$gpus" ]; then
    reason="'$smi -L' lists no GPU"
    return 1
  fi
  if [ ! -f "$rapids_jar" ]; then
    reason="GPU present but no plugin jar at $rapids_jar (run conf/rapids/fetch-rapids.sh or set RAPIDS_JAR)"
    return 1
  fi
  return 0
}

conf_args() {
  local key value
  while read -r key value; do
    case "$key" in ''|'#'*) continue ;; esac
    value=${value//@RAPIDS_DIR@/$here}
    value=${value//@RAPIDS_JAR@/$rapids_jar}
    printf -- '--conf\n%s=%s\n' "$key" "$value"
  done <"$here/spark-defaults.gpu.conf"
}

mode=${1:-}
case "$mode" in
  "")
    if detect; then
      echo "enable: $(tr '\n' ';' <<<"$gpus" | sed 's/;$//')"
    else
      echo "refuse: $reason"
      exit 1
    fi
    ;;
  --args)
    detect || { echo "refuse: $reason" >&2; exit 1; }
    conf_args
    ;;
  --exec)
    shift
    fallback=false
    if [ "${1:-}" = "--fallback-cpu" ]; then
      fallback=true
      shift
    fi
    [ $# -ge 1 ] || { echo "usage: launch-check.sh --exec [--fallback-cpu] spark-submit ARGS..." >&2; exit 2; }
    if detect; then
      mapfile -t extra < <(conf_args)
      echo "launch-check: RAPIDS enabled on: $gpus" >&2
      cmd=$1
      shift
      exec "$cmd" "${extra[@]}" "$@"
    fi
    if $fallback; then
      echo "launch-check: RAPIDS not enabled, running on the CPU: $reason" >&2
      exec "$@"
    fi
    echo "launch-check: refusing to enable RAPIDS: $reason" >&2
    exit 1
    ;;
  *)
    sed -n '2,17p' "$0"
    exit 2
    ;;
esac
