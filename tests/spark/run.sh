#!/usr/bin/env bash
# Spark test: examples/spark/gazette_spark.py in Spark local mode with two
# workers (local[2], 8 partitions) must write the same records, byte for
# byte once sorted by id, as one `gazette extract --threads 1` process over
# the same input, error records of bad lines included, with custom rules
# shipped as an archive.
#
#   bash tests/spark/run.sh
#
# Needs python3 (with venv), Java 17+ and PyPI: pyspark is installed into
# ${GAZETTE_CACHE:-$HOME/.cache/gazette}/spark/venv on the first run (~30 s,
# ~500 MB) and reused after. Work files go to ${TMPDIR:-/tmp}/gazette-spark-test
# (kept for a look after a failure). Environment:
#   GAZETTE_SPARK_ARTICLES  articles in the input (default 3000)
#   GAZETTE_PYSPARK         pip requirement (default pyspark==4.3.0)
# The last line is `spark: 1 passed, 0 failed` or `spark: 0 passed, 1 failed`.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)               # the repository root is tests/spark/../..
cache=${GAZETTE_CACHE:-$HOME/.cache/gazette}/spark
work=${TMPDIR:-/tmp}/gazette-spark-test
articles=${GAZETTE_SPARK_ARTICLES:-3000}
partitions=8
pyspark_req=${GAZETTE_PYSPARK:-pyspark==4.3.0}

passed=0
finish() {
  local rc=$?
  if (( passed )); then
    echo "spark: 1 passed, 0 failed"
  else
    echo "spark: FAILED (work files in $work)" >&2
    echo "spark: 0 passed, 1 failed"
    (( rc )) || rc=1
  fi
  exit "$rc"
}
trap finish EXIT

t0=$SECONDS
say()  { printf 'spark: [%3ds] %s\n' $((SECONDS - t0)) "$*" >&2; }
die()  { echo "spark: ERROR: $*" >&2; exit 1; }

# ------------------------------------------------------------------ java ---
if ! command -v java >/dev/null; then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    say "no java: apt-get install openjdk-17-jre-headless"
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >&2
  fi
  command -v java >/dev/null || die "java not found (Spark needs Java 17 or later)"
fi
java_version=$(java -version 2>&1 | head -n1)
[[ $java_version =~ \"([0-9]+) ]] && (( BASH_REMATCH[1] >= 17 )) \
  || die "Spark 4 needs Java 17 or later; java -version says: $java_version"
export JAVA_HOME=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
say "java: $java_version (JAVA_HOME=$JAVA_HOME)"

# --------------------------------------------------------------- pyspark ---
venv=$cache/venv
if ! "$venv/bin/python" -c "import pyspark" 2>/dev/null; then
  say "installing $pyspark_req into $venv"
  rm -rf "$venv"
  mkdir -p "$cache"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "$pyspark_req" >&2
fi
say "pyspark $("$venv/bin/python" -c 'import pyspark; print(pyspark.__version__)') from $venv"

# ---------------------------------------------------------------- gazette ---
if [[ ! -x $root/target/release/gazette ]]; then
  say "cargo build --release"
  (cd "$root" && cargo build --release --quiet) >&2 || die "cargo build --release failed"
fi
rm -rf "$work"
mkdir -p "$work/rules"
# A private copy: a concurrent `cargo build` must not swap the binary between
# the two runs. Both runs use this one file.
cp "$root/target/release/gazette" "$work/gazette"

# -------------------------------------------------------------- the input ---
python3 "$here/build_input.py" "$root/corpus" "$articles" "$work/input.jsonl" > "$work/input.txt"
read -r n_articles n_bad _ < <(tr '=' ' ' < "$work/input.txt" | awk '{print $2, $4, $6}')
say "input: $(cat "$work/input.txt")"

# Custom rules, shipped to the executors as rules.zip#rules: products the
# built-in rules do not know (the zip holds the .jsonl files at its top).
cat > "$work/rules/spark-test.products.jsonl" <<'EOF'
# Products of corpus/enforcement that the built-in rules do not know.
{"id": "product.sparktest.tapledger", "label": "product", "patterns": ["TapLedger"]}
{"id": "product.sparktest.flowguard", "label": "product", "patterns": ["FlowGuard"]}
{"id": "product.sparktest.harrowsend", "label": "product", "patterns": ["HarrowSend"]}
EOF
"$work/gazette" rules check "$work/rules" > "$work/rules-check.txt" 2>&1 \
  || { cat "$work/rules-check.txt" >&2; die "gazette rules check failed on the test rules"; }
(cd "$work/rules" && python3 -m zipfile -c ../rules.zip ./*.jsonl)

# ------------------------------------------------------ one gazette process ---
say "single process: gazette extract --threads 1 --rules rules < input.jsonl"
t=$SECONDS
set +e
"$work/gazette" extract --threads 1 --rules "$work/rules" < "$work/input.jsonl" > "$work/single.jsonl" 2> "$work/single.err"
rc=$?
set -e
# Exit 1: some lines became error records, as they should.
(( rc == 1 )) || { cat "$work/single.err" >&2; die "gazette extract exited $rc, expected 1 (error records)"; }
say "single process: $(wc -l < "$work/single.jsonl") lines in $((SECONDS - t)) s"

# ------------------------------------------------------------------ spark ---
say "spark-submit --master local[2], $partitions partitions"
t=$SECONDS
mkdir -p "$work/spark-local"
export SPARK_LOCAL_IP=127.0.0.1
export PYSPARK_PYTHON=$venv/bin/python PYSPARK_DRIVER_PYTHON=$venv/bin/python
# Loopback only; no UI; temporary files under $work.
spark_conf=(--conf spark.driver.host=127.0.0.1 --conf spark.driver.bindAddress=127.0.0.1
            --conf spark.ui.enabled=false --conf spark.local.dir="$work/spark-local"
            --driver-java-options "-Djava.io.tmpdir=$work/spark-local")
if ! (cd "$work" && "$venv/bin/spark-submit" "${spark_conf[@]}" \
        --master 'local[2]' \
        --files "$work/gazette" \
        --archives "$work/rules.zip#rules" \
        "$root/examples/spark/gazette_spark.py" \
        --rules rules --partitions "$partitions" --format jsonl,parquet \
        "$work/input.jsonl" "$work/out") > "$work/spark.out" 2> "$work/spark.log"; then
  tail -n 40 "$work/spark.log" >&2
  die "spark-submit failed (log: $work/spark.log)"
fi
cat "$work/spark.out" >&2
say "spark: done in $((SECONDS - t)) s"

# ---------------------------------------------------------------- compare ---
parts=$(ls "$work/out/records" | grep -c '^part-')
(( parts >= partitions )) || die "expected at least $partitions part files, found $parts"
[[ -f $work/out/records.parquet/_SUCCESS ]] || die "no Parquet output"
cat "$work/out/records"/part-* "$work/out/errors"/part-* > "$work/spark.jsonl"

# Sort by each line's id, then by the whole line.
sort_by_id() {
  python3 -c '
import json, sys
lines = open(sys.argv[1], "rb").read().splitlines(keepends=True)
lines.sort(key=lambda l: (json.loads(l)["id"], l))
sys.stdout.buffer.writelines(lines)' "$1" > "$2"
}
sort_by_id "$work/single.jsonl" "$work/single.sorted.jsonl"
sort_by_id "$work/spark.jsonl" "$work/spark.sorted.jsonl"

n_single=$(wc -l < "$work/single.jsonl")
n_errors=$(cat "$work/out/errors"/part-* | wc -l)
n_custom=$(grep -c '"name":"TapLedger","owner"' "$work/single.jsonl" || true)
say "single: $n_single lines; spark: $(wc -l < "$work/spark.jsonl") lines ($n_errors error records)"
(( n_single == n_articles + n_bad )) || die "single process wrote $n_single lines for $n_articles articles + $n_bad bad lines"
(( n_errors == n_bad )) || die "spark wrote $n_errors error records, expected $n_bad"
(( n_custom > 0 )) || die "the custom rules found nothing: were they loaded?"

if ! cmp "$work/single.sorted.jsonl" "$work/spark.sorted.jsonl" >&2; then
  diff <(cut -c1-200 "$work/single.sorted.jsonl") <(cut -c1-200 "$work/spark.sorted.jsonl") | head -n 20 >&2 || true
  die "Spark's records differ from one gazette process's"
fi
say "identical: $n_single records (sorted by id), $n_errors of them error records:"
cat "$work/out/errors"/part-* >&2

# The Parquet copy: the same values (nothing lost to the job's schema).
say "spark-submit tests/spark/check_parquet.py"
t=$SECONDS
if ! (cd "$work" && "$venv/bin/spark-submit" "${spark_conf[@]}" --master 'local[2]' \
        "$here/check_parquet.py" "$work/out/records.parquet" "$work/out/records") \
        > "$work/parquet.out" 2> "$work/parquet.log"; then
  cat "$work/parquet.out" >&2
  grep '^parquet:' "$work/parquet.log" >&2 || tail -n 20 "$work/parquet.log" >&2
  die "the Parquet records differ from the JSON Lines ones"
fi
say "$(cat "$work/parquet.out") ($((SECONDS - t)) s)"
say "total $((SECONDS - t0)) s"
passed=1
