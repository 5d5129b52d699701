#!/usr/bin/env bash
# Sets the notebooks up inside the project (nothing goes to your home directory):
#   1. builds the project jars when they are missing or older than the sources;
#   2. resolves the Java Jupyter kernel (rapaio-jupyter-kernel) and XChart with Maven;
#   3. links every jar the notebooks need into notebooks/target/classpath/ (the notebooks' first
#      cell adds it with `%jar`);
#   4. writes the kernelspec `zeta-java` (kernel.json: JDK 17, Spark's --add-opens, headless AWT)
#      under $ZETA_JUPYTER_PATH (default notebooks/target/jupyter).
# Then open the notebooks with any Jupyter front end that sees that path, for example
#   JUPYTER_PATH=notebooks/target/jupyter jupyter lab notebooks/
# or run them headless with notebooks/run.sh.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
JDK17=/usr/lib/jvm/java-17-openjdk-amd64
if [[ -x "$JDK17/bin/java" ]]; then
  export JAVA_HOME="$JDK17"   # JDK 25 breaks Hadoop's UGI (DESIGN.md section 5)
fi
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
JUPYTER_DIR="${ZETA_JUPYTER_PATH:-$HERE/target/jupyter}"
TARGET="$ROOT/spark-job/target"

thin_jar() {
  ls "$TARGET"/zeta-spark-job-*.jar 2>/dev/null | grep -v -e '/original-' -e '-sources' -e '-tests' | head -n 1 || true
}

jar="$(thin_jar)"
if [[ -z "$jar" || ! -f "$TARGET/classpath.txt" ]] || [[ -n "$(find "$ROOT/kernels/src" "$ROOT/spark-job/src/main" \
      -newer "$jar" -name '*.java' -print -quit 2>/dev/null)" ]]; then
  echo "notebooks/setup.sh: building the project jars (mvn package, tests skipped)..." >&2
  (cd "$ROOT" && mvn -B -ntp -q -Dstyle.color=never -pl spark-job -am package -DskipTests) 2>&1 | sed -e 's/\x1b\[0m//g' >&2
  jar="$(thin_jar)"
fi

echo "notebooks/setup.sh: resolving the kernel and XChart..." >&2
(cd "$HERE" && mvn -B -ntp -q -Dstyle.color=never dependency:build-classpath \
    -Dmdep.outputFile="$HERE/target/extra-classpath.txt") 2>&1 | sed -e 's/\x1b\[0m//g' >&2
kernel_jar="$(tr ':' '\n' < "$HERE/target/extra-classpath.txt" | grep '/rapaio-jupyter-kernel-' | head -n 1)"
if [[ ! -f "$kernel_jar" ]]; then
  echo "notebooks/setup.sh: the kernel jar was not resolved (see notebooks/pom.xml)" >&2
  exit 1
fi

# the notebooks' classpath: the project's thin jar (kernels inside), Spark and its dependencies as
# the CLI uses them, and XChart; links, so nothing is copied
cp_dir="$HERE/target/classpath"
rm -rf "$cp_dir"
mkdir -p "$cp_dir"
{ echo "$jar"; tr ':' '\n' < "$TARGET/classpath.txt"; echo; tr ':' '\n' < "$HERE/target/extra-classpath.txt"; echo; } \
  | grep -v -e '/rapaio-jupyter-kernel-' -e '^$' | while read -r f; do
  if [[ -f "$f" ]]; then
    ln -sf "$f" "$cp_dir/$(basename "$f")"
  fi
done

# kernel.json: the kernel JVM runs the notebook code (JShell), so it gets Spark's --add-opens
spec="$JUPYTER_DIR/kernels/zeta-java"
mkdir -p "$spec"
python3 - "$spec/kernel.json" "$JAVA" "$kernel_jar" "$ROOT" <<'PY'
import json, re, sys
out, java, jar, root = sys.argv[1:5]
opens = re.search(r"<spark.add.opens>(.*?)</spark.add.opens>", open(root + "/pom.xml").read(), re.S).group(1).split()
argv = [java] + opens + ["-Xmx4g", "-Djava.awt.headless=true", "-Dfile.encoding=UTF-8",
                         "-Dlog4j.configurationFile=" + root + "/notebooks/log4j2.properties",
                         "-Dzeta.notebook.log=" + root + "/notebooks/target/kernel.log",
                         "-jar", jar, "{connection_file}"]
spec = {"argv": argv, "display_name": "Java 17 (zeta-spark)", "language": "java", "interrupt_mode": "message",
        "env": {"SPARK_LOCAL_IP": "127.0.0.1", "RJK_TIMEOUT_MILLIS": "-1", "RJK_COMPILER_OPTIONS": ""}}
json.dump(spec, open(out, "w"), indent=2)
PY

echo "notebooks/setup.sh: kernel 'zeta-java' written to $spec/kernel.json; classpath $cp_dir ($(ls "$cp_dir" | wc -l) jars)"
echo "open the notebooks:   JUPYTER_PATH=$JUPYTER_DIR jupyter lab $HERE   (or: jupyter notebook)"
echo "run them headless:    notebooks/run.sh"
