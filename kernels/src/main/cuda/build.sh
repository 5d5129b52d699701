#!/usr/bin/env bash
# Builds libzetacuda.so (CUDA kernels + JNI glue) with nvcc; called by the `cuda` Maven profile
# of kernels/pom.xml in process-classes, usable by hand:
#   bash kernels/src/main/cuda/build.sh <nvcc> <output dir> <JDK home>
# Fat binary: SASS for sm_80 (A100, also runs on 8.6/8.9) and sm_90 (H100/H200), plus compute_90
# PTX that newer GPUs JIT-compile. The CUDA runtime is linked statically, so at run time the
# library needs only the driver (libcuda.so.1), which the runtime opens itself. -fmad=false and
# -ffp-contract=off keep every double expression unfused, as in Java (docs/GPU.md). Per-thread
# default streams let the task threads of one executor use the GPU concurrently.
# Skips the build when the library is newer than every source (and this script).
set -euo pipefail
nvcc=${1:?usage: build.sh <nvcc> <output dir> <JDK home>}
outdir=${2:?usage: build.sh <nvcc> <output dir> <JDK home>}
jdk=${3:?usage: build.sh <nvcc> <output dir> <JDK home>}
here=$(cd "$(dirname "$0")" && pwd)
native="$here/../native"
lib="$outdir/libzetacuda.so"
sources=("$here"/*.cu "$here"/*.cuh "$here"/*.h "$native"/*.cpp "$here/build.sh")
if [ -f "$lib" ] && [ -z "$(find "${sources[@]}" -newer "$lib" -print -quit)" ]; then
  echo "[zeta-cuda] $lib is up to date"
  exit 0
fi
if [ ! -f "$jdk/include/jni.h" ]; then
  echo "[zeta-cuda] no jni.h under $jdk/include: pass a JDK home" >&2
  exit 1
fi
mkdir -p "$outdir"
start=$(date +%s)
"$nvcc" -O3 -std=c++17 -shared -cudart static -fmad=false --default-stream per-thread --threads 0 \
  -Xcompiler -fPIC,-ffp-contract=off,-fvisibility=hidden \
  -Xcompiler -static-libstdc++,-static-libgcc -Xlinker --exclude-libs,ALL \
  -gencode arch=compute_80,code=sm_80 \
  -gencode arch=compute_90,code=sm_90 \
  -gencode arch=compute_90,code=compute_90 \
  -I"$jdk/include" -I"$jdk/include/linux" \
  -o "$lib.tmp" "$here/zeta_forward.cu" "$native/zeta_jni.cpp"
mv "$lib.tmp" "$lib"
echo "[zeta-cuda] built $lib in $(( $(date +%s) - start ))s with $("$nvcc" --version | tail -n 2 | head -n 1)"
