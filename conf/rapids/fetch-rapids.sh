#!/usr/bin/env bash
# Fetches the RAPIDS Accelerator jar (com.nvidia:rapids-4-spark_2.13) into a known path:
#   target/rapids/rapids-4-spark_2.13-<version>.jar   (override the folder with RAPIDS_DIR)
# Only 26.08.1 is served to this project, and its parent pom is not, so Maven cannot use it as an
# ordinary dependency; `dependency:get -Dtransitive=false` fetches the jar alone, and builds refer
# to it as a system-scope jar (DESIGN.md §4, docs/GPU.md). It is a fat jar carrying its own Spark
# shims (3.5.0–3.5.9, 4.0.0–4.0.4, 4.1.1–4.1.3, 4.2.0; Scala 2.13) and native cuDF.
# Opt-in: nothing in the default build or in CI calls this.
set -euo pipefail
version=${RAPIDS_VERSION:-26.08.1}
root=$(cd "$(dirname "$0")/../.." && pwd)
dest=${RAPIDS_DIR:-$root/target/rapids}
repo=${MAVEN_REPO:-$HOME/.m2/repository}
jar="rapids-4-spark_2.13-$version.jar"
mvn -B -ntp dependency:get -Dartifact="com.nvidia:rapids-4-spark_2.13:$version" -Dtransitive=false
src="$repo/com/nvidia/rapids-4-spark_2.13/$version/$jar"
[ -f "$src" ] || { echo "fetch-rapids: $src not found after dependency:get (set MAVEN_REPO?)" >&2; exit 1; }
mkdir -p "$dest"
cp "$src" "$dest/$jar"
echo "$dest/$jar"
