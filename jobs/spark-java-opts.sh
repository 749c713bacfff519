# Sourced by the jobs/ scripts (after they set ROOT): Spark's own module options for Java 17 (Kryo and
# Spark's off-heap code need them), for every JVM that runs Spark: the launcher, daemons, drivers and
# executors. The list is the pom's spark.java.opens, which the build writes to target/.
SPARK_OPENS_FILE="$ROOT/target/spark-java-opts.txt"
if [[ ! -f "$SPARK_OPENS_FILE" ]]; then
  echo "gner: not built yet; run: mvn -B -ntp package -DskipTests" >&2
  exit 2
fi
# shellcheck disable=SC2034
read -r -a SPARK_OPENS < "$SPARK_OPENS_FILE"
