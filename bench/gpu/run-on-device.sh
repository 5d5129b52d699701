#!/usr/bin/env bash
# GPU runbook (docs/GPU.md, docs/BENCHMARKS.md "GPU"): build here, carry, run on a GPU machine.
#
# 1. On the build machine (has nvcc and Maven, no GPU), from the repository root:
#        bash bench/gpu/run-on-device.sh prepare
#    builds the kernels jar with libzetacuda.so inside, a jlink'd JRE (java.base, java.logging,
#    jdk.unsupported) in target/jre, and target/gpu-bench/ (the jar, the test classes and the JUnit
#    jars). Carry exactly these two ignored paths to the GPU machine:
#        target/jre   target/gpu-bench
#    (together about 40 MB; the GPU machine needs no Maven, no JDK and no CUDA toolkit, only the
#    NVIDIA driver, because the CUDA runtime is linked statically into the library).
#
# 2. On the GPU machine, from the repository root, one step per call (each fits in 10 minutes);
#    results land in $OUT (default target/gpu-bench/out):
#        bash bench/gpu/run-on-device.sh check    # nvidia-smi, GpuDetector --native
#        bash bench/gpu/run-on-device.sh suite    # GpuEqualityTest & co. via JUnit, no Maven
#        bash bench/gpu/run-on-device.sh bench [sizes]   # GpuBenchmark, default 64K..4M
#        bash bench/gpu/run-on-device.sh flash    # PyTorch flash baseline, if PyTorch is there
#    With the `run` device tool: command "bash bench/gpu/run-on-device.sh suite",
#    carry ["target/jre", "target/gpu-bench"], timeout 600.
#
# 3. Copy the tables from $OUT/gpu-benchmark.md and $OUT/flash-baseline.md into
#    docs/BENCHMARKS.md, section "GPU", with the device line and the date.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
bench=target/gpu-bench
java=target/jre/bin/java
out=${OUT:-$bench/out}

die() {
  echo "run-on-device: $*" >&2
  exit 1
}

need_carried() {
  [ -x "$java" ] || die "no $java: run 'prepare' on the build machine and carry target/jre"
  [ -f "$bench/zeta-kernels.jar" ] || die "no $bench/zeta-kernels.jar: run 'prepare' and carry $bench"
  mkdir -p "$out"
}

case "${1:-}" in
  prepare)
    export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}
    "$JAVA_HOME/bin/java" -version 2>&1 | grep -q '"17' || die "JAVA_HOME must be a JDK 17 (is $JAVA_HOME)"
    mvn -B -ntp -pl kernels package -DskipTests
    jar=$(ls kernels/target/zeta-kernels-*.jar | grep -v -e sources -e tests | head -n 1)
    listing=$("$JAVA_HOME/bin/jar" tf "$jar")
    grep -qx 'native/linux-x86_64/libzetacuda.so' <<<"$listing" \
      || die "$jar holds no libzetacuda.so: build where nvcc exists (/usr/local/cuda/bin/nvcc or -Dnvcc=PATH)"
    rm -rf "$bench" target/jre
    mkdir -p "$bench"
    cp "$jar" "$bench/zeta-kernels.jar"
    cp -r kernels/target/test-classes "$bench/test-classes"
    mvn -B -ntp -q -pl kernels dependency:copy-dependencies -DincludeScope=test \
      -DoutputDirectory="$root/$bench/test-libs"
    "$JAVA_HOME/bin/jlink" --add-modules java.base,java.logging,jdk.unsupported \
      --strip-debug --no-man-pages --no-header-files --compress=2 --output target/jre
    du -sh target/jre "$bench"
    echo "carry: target/jre $bench"
    ;;
  check)
    need_carried
    { nvidia-smi -L && nvidia-smi; } 2>&1 | tee "$out/nvidia-smi.txt" || true
    "$java" -cp "$bench/zeta-kernels.jar" io.zetaspark.kernels.gpu.GpuDetector --native 2>&1 | tee "$out/detector.txt"
    ;;
  suite)
    need_carried
    # zeta.cuda.skip=false: the jar holds the library, so the tests require it to load
    "$java" -Xmx24g -Dzeta.cuda.skip=false \
      -cp "$bench/zeta-kernels.jar:$bench/test-classes:$bench/test-libs/*" \
      io.zetaspark.kernels.gpu.GpuSuiteMain 2>&1 | tee "$out/gpu-suite.txt"
    ;;
  bench)
    need_carried
    sizes=${2:-65536,262144,1048576,4194304}
    "$java" -Xmx64g -cp "$bench/zeta-kernels.jar" io.zetaspark.kernels.bench.GpuBenchmark \
      --sizes "$sizes" --out "$out/gpu-benchmark.md" 2>&1 | tee "$out/gpu-benchmark.log"
    ;;
  flash)
    mkdir -p "$out"
    if python3 -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then
      python3 bench/gpu/flash_baseline.py --out "$out/flash-baseline.md" 2>&1 | tee "$out/flash-baseline.log"
    else
      echo "PyTorch with CUDA is not installed on this machine: flash baseline not measured" | tee "$out/flash-baseline.md"
      exit 1
    fi
    ;;
  *)
    sed -n '2,27p' "$0"
    exit 2
    ;;
esac
