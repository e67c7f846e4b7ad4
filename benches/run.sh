#!/usr/bin/env bash
# Throughput, memory and start-up benchmark for `gazette extract`.
#
#   bash benches/run.sh [SIZE_MB]        (default 100; MB = 10^6 bytes)
#
# Progress goes to stderr; the report (machine, results, a Markdown table) to
# stdout, so `bash benches/run.sh > bench.md` keeps just the report.
# See benches/README.md for what each figure means.
set -euo pipefail

size_mb=${1:-100}
if ! [[ $size_mb =~ ^[0-9]+$ ]] || (( size_mb < 1 )); then
  echo "usage: bash benches/run.sh [SIZE_MB]   (a whole number of megabytes, default 100)" >&2
  exit 2
fi

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")                  # the repository root is benches/..
shared=$(dirname "$root")/shared         # the sibling ../shared, when present
work=${TMPDIR:-/tmp}/gazette-bench
mkdir -p "$work"

say()  { echo "bench: $*" >&2; }
die()  { echo "bench: ERROR: $*" >&2; exit 1; }
warnings=()
warn() { echo "bench: WARNING: $*" >&2; warnings+=("$*"); }

for tool in cargo python3 awk /usr/bin/time; do
  command -v "$tool" >/dev/null || die "$tool not found (GNU time is needed for peak RSS: apt-get install time)"
done
# grep reads to the end (no -q): stopping at the first match could kill time
# with SIGPIPE, which pipefail reports as "not GNU time".
/usr/bin/time -v true 2>&1 | grep "Maximum resident set size" >/dev/null \
  || die "/usr/bin/time is not GNU time (no -v 'Maximum resident set size')"

# ---------------------------------------------------------------- machine ---
cores=$(nproc)
cpu=$(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || true)
cpu=${cpu:-unknown CPU}
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo "no git")
# The tree is often being edited while we measure: say so, without taking the
# index lock (--no-optional-locks) so we never get in another git's way.
if [[ $commit != "no git" ]] && [[ -n $(git --no-optional-locks -C "$root" status --porcelain --untracked-files=no 2>/dev/null) ]]; then
  commit+="+dirty"
fi

# ------------------------------------------------------------------ build ---
say "cargo build --release in $root"
if ! (cd "$root" && cargo build --release --quiet) >&2; then
  die "cargo build --release failed (if someone is mid-edit, retry in a minute)"
fi
# Measure a private copy: a concurrent `cargo build` would otherwise swap the
# binary under us between runs.
bin=$work/gazette
cp "$root/target/release/gazette" "$bin"
version=$("$bin" --version 2>/dev/null || echo "gazette ?")
version=${version#gazette }                # "gazette 0.1.0" -> "0.1.0"

# ------------------------------------------------------------------ input ---
# Rebuilt only when the size, the corpus, or the generators change: building
# 100 MB takes ~10 s, and the same bytes make runs comparable across commits.
make_corpus=$shared/bench/make_corpus.py
seed_txt=$shared/seed/amazon-nokia.txt
mix_args=()
[[ -f $make_corpus && -f $seed_txt ]] && mix_args=("$make_corpus" "$seed_txt")
input=$work/input-${size_mb}MB.jsonl
quarter=$work/input-${size_mb}MB.quarter.jsonl
key=$( { cat "$here/build_input.py" "$root"/corpus/*/input.jsonl "$root"/corpus/*/gold.jsonl \
            ${mix_args[@]+"${mix_args[@]}"} 2>/dev/null || true; } | cksum | cut -d' ' -f1)
key="size=$size_mb mix=${#mix_args[@]} sum=$key"
if [[ -f $input && -f $quarter && -f $input.key && $(cat "$input.key") == "$key" ]]; then
  say "reusing $input"
else
  say "building $input (${size_mb} MB) from $root/corpus"
  rm -f "$input.key"
  python3 "$here/build_input.py" "$input.tmp" "$size_mb" "$root/corpus" ${mix_args[@]+"${mix_args[@]}"} \
    > "$input.summary" || die "build_input.py failed"
  mv "$input.tmp" "$input"
  # The memory-growth check runs on the first quarter of the same articles.
  head -n $(( $(wc -l < "$input") / 4 )) "$input" > "$quarter"
  echo "$key" > "$input.key"
fi
bytes=$(stat -c %s "$input")
articles=$(wc -l < "$input")
q_bytes=$(stat -c %s "$quarter")
q_articles=$(wc -l < "$quarter")
summary=$(cat "$input.summary")            # articles=.. distinct=.. corpus_share=..
field() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" <<<"$summary"; }
distinct=$(field distinct)
corpus_share=$(awk -v s="$(field corpus_share)" 'BEGIN { printf "%.0f%%", s * 100 }')
mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1e6 }'; }

# One run at a time is best of 3 (the noise on shared machines is one-sided:
# interference only ever makes a run slower); a single run above 200 MB, where
# one run is long enough to average the noise out and three would take too long.
runs=3
(( bytes > 200000000 )) && runs=1

# ------------------------------------------------------------------ header ---
echo "# gazette benchmark"
echo
echo "machine : $cores cores, $cpu"
echo "gazette : $version, commit $commit"
echo "input   : $input"
if (( ${#mix_args[@]} )); then origin="$corpus_share derived from corpus/, the rest from make_corpus.py"
else origin="all derived from corpus/"; fi
echo "          $(mb "$bytes") MB, $articles articles ($distinct distinct; $origin)"
echo "timing  : wall clock, best of $runs; MB = 10^6 bytes; RSS from GNU time -v"
echo "load    : $(cut -d' ' -f1-3 /proc/loadavg) at start (1, 5, 15 min averages; other work skews timings)"
echo

# --------------------------------------------------------------- measuring ---
# run_gazette FILE THREADS -> globals WALL (seconds) and RSS (KiB).
# stdout goes to /dev/null so only extraction is measured, not a disk or pipe.
run_gazette() {
  local file=$1 threads=$2 t0 t1 rc=0 busy0 busy1
  busy0=$(busy_ticks)
  t0=$EPOCHREALTIME
  /usr/bin/time -v -o "$work/time.txt" "$bin" extract "$file" --threads "$threads" \
    >/dev/null 2>"$work/stderr.txt" || rc=$?
  t1=$EPOCHREALTIME
  busy1=$(busy_ticks)
  # Exit 1 means "some articles became error records": still a valid timing.
  (( rc <= 1 )) || die "gazette extract --threads $threads exited $rc: $(tail -3 "$work/stderr.txt")"
  WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
  RSS=$(awk -F': *' '/Maximum resident set size/ {print $2}' "$work/time.txt")
  CPU=$(awk -F': *' '/User time|System time/ { s += $2 } END { printf "%.2f", s }' "$work/time.txt")
  # The machine is shared: whatever CPU the whole system used beyond gazette's
  # own, averaged over the run, in cores. Near 0 means the timing is clean.
  OTHER=$(awk -v b0="$busy0" -v b1="$busy1" -v tck="$tck" -v c="$CPU" -v w="$WALL" \
    'BEGIN { o = ((b1 - b0) / tck - c) / w; printf "%.2f", o < 0 ? 0 : o }')
}

# Busy CPU ticks of the whole machine so far (user nice system irq softirq steal;
# steal is time the hypervisor gave to other guests).
tck=$(getconf CLK_TCK)
busy_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat; }

# best_of FILE THREADS -> BEST_WALL (min over runs), BEST_CPU and BEST_OTHER
# (of that run), BEST_RSS (max over runs).
best_of() {
  local i
  BEST_WALL=; BEST_CPU=; BEST_OTHER=; BEST_RSS=0
  for (( i = 1; i <= runs; i++ )); do
    run_gazette "$1" "$2"
    say "  --threads $2 run $i/$runs: ${WALL} s wall, ${CPU} s CPU, $(( RSS / 1024 )) MiB, other load ${OTHER} cores"
    if [[ -z $BEST_WALL ]] || awk -v a="$WALL" -v b="$BEST_WALL" 'BEGIN { exit !(a < b) }'; then
      BEST_WALL=$WALL; BEST_CPU=$CPU; BEST_OTHER=$OTHER
    fi
    if (( RSS > BEST_RSS )); then BEST_RSS=$RSS; fi
  done
}

# Correctness first, untimed: one record (or error record) per input line.
say "checking output line count (all threads)"
read -r out_lines out_errors < <("$bin" extract "$input" 2>/dev/null \
  | awk '/"error":\{"kind"/ { e++ } END { print NR, e + 0 }')
if (( out_lines != articles )); then
  warn "output has $out_lines lines for $articles input articles"
  lines_ok="MISMATCH ($out_lines out / $articles in)"
else
  lines_ok="ok ($out_lines = $articles)"
fi
(( out_errors == 0 )) || warn "$out_errors articles came out as error records"

thread_counts=(1 2)
(( cores > 2 )) && thread_counts+=("$cores")
declare -A wall cpu other rss
for t in "${thread_counts[@]}"; do
  say "gazette extract --threads $t on $(mb "$bytes") MB"
  best_of "$input" "$t"
  wall[$t]=$BEST_WALL
  cpu[$t]=$BEST_CPU
  other[$t]=$BEST_OTHER
  rss[$t]=$BEST_RSS
done
# Flag a figure that other processes on this shared machine may have skewed.
for t in "${thread_counts[@]}"; do
  if awk -v o="${other[$t]}" 'BEGIN { exit !(o > 0.25) }'; then
    warn "other processes used ${other[$t]} cores during the best --threads $t run: its figures may be low; rerun when the machine is quiet"
  fi
done

# Memory growth: the whole-input figure is the 1-thread runs above; if memory
# is per article (as it should be for a streaming extractor) a quarter of the
# input peaks at about the same RSS.
say "gazette extract --threads 1 on the first quarter ($(mb "$q_bytes") MB)"
run_gazette "$quarter" 1
q_wall=$WALL
q_cpu=$CPU
q_other=$OTHER
if awk -v o="$q_other" 'BEGIN { exit !(o > 0.25) }'; then
  warn "other processes used $q_other cores during the quarter-input run"
fi
q_rss=$RSS

# Start-up: one sentence through stdin, so the time is almost all process
# start and rule compilation. One untimed warm-up run loads the binary into
# the page cache; the median of 20 ignores the odd slow run.
say "start-up: 20 runs on one sentence"
tiny=$work/tiny.txt
echo "Acme Corp. sued Globex Inc. in the U.S. District Court in Delaware on Monday, March 4, 2024." > "$tiny"
"$bin" extract --format text < "$tiny" > /dev/null || die "gazette extract --format text failed on $tiny"
starts=()
for i in $(seq 20); do
  t0=$EPOCHREALTIME
  "$bin" extract --format text < "$tiny" > /dev/null
  t1=$EPOCHREALTIME
  starts+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) * 1000 }')")
done
startup_ms=$(printf '%s\n' "${starts[@]}" | sort -g | awk '{ v[NR] = $1 } END { printf "%.1f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')

# Probe: the shared reference scanner on the same file, same run, same best-of
# rule, so the ratio survives the drift of absolute speed on shared machines.
probe=$shared/bench/probe.sh
probe_mbs=
if [[ -f $probe ]]; then
  say "probe: $probe (builds itself on first use)"
  for (( i = 1; i <= runs; i++ )); do
    if ! line=$(bash "$probe" "$input" 2>"$work/probe.log" | tail -n 1); then
      warn "probe.sh failed: $(tail -3 "$work/probe.log")"; probe_mbs=; break
    fi
    mbs=$(sed -n 's/^probe: \([0-9.]*\) MB\/s.*/\1/p' <<<"$line")
    [[ -n $mbs ]] || { warn "unexpected probe output: $line"; probe_mbs=; break; }
    say "  probe run $i/$runs: $line"
    if [[ -z $probe_mbs ]] || awk -v a="$mbs" -v b="$probe_mbs" 'BEGIN { exit !(a > b) }'; then
      probe_mbs=$mbs
    fi
  done
else
  say "no $probe: skipping the probe ratio"
fi

# ----------------------------------------------------------------- report ---
f_mbs()  { awk -v b="$bytes" -v w="$1" 'BEGIN { printf "%.2f", b / 1e6 / w }'; }
f_aps()  { awk -v n="$articles" -v w="$1" 'BEGIN { printf "%.0f", n / w }'; }
f_mib()  { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
f_ratio(){ awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

one_mbs=$(f_mbs "${wall[1]}")
probe_ratio=n/a
[[ -n $probe_mbs ]] && probe_ratio="$(f_ratio "$one_mbs" "$probe_mbs")x probe"
q_mbs=$(awk -v b="$q_bytes" -v w="$q_wall" 'BEGIN { printf "%.2f", b / 1e6 / w }')
growth=$(f_ratio "${rss[1]}" "$q_rss")
if awk -v g="$growth" 'BEGIN { exit !(g > 1.5) }'; then
  warn "peak RSS grows with input: $(f_mib "$q_rss") MiB on 1/4 -> $(f_mib "${rss[1]}") MiB on all"
fi

echo "## Results"
echo
# "other" is the load of other processes during that run, in cores (see above).
printf '%-32s %8s %8s %8s %11s %9s %6s\n' "run" "wall s" "CPU s" "MB/s" "articles/s" "peak MiB" "other"
for t in "${thread_counts[@]}"; do
  printf '%-32s %8.2f %8.2f %8s %11s %9s %6s\n' "gazette --threads $t" "${wall[$t]}" "${cpu[$t]}" \
    "$(f_mbs "${wall[$t]}")" "$(f_aps "${wall[$t]}")" "$(f_mib "${rss[$t]}")" "${other[$t]}"
done
printf '%-32s %8.2f %8.2f %8s %11s %9s %6s\n' "gazette --threads 1, first 1/4" "$q_wall" "$q_cpu" "$q_mbs" \
  "$(awk -v n="$q_articles" -v w="$q_wall" 'BEGIN { printf "%.0f", n / w }')" "$(f_mib "$q_rss")" "$q_other"
[[ -n $probe_mbs ]] && printf '%-32s %8s %8s %8s %11s %9s %6s\n' "probe (reference, 1 thread)" "-" "-" "$probe_mbs" "-" "-" "-"
echo
echo "1 thread          = $probe_ratio"
for t in "${thread_counts[@]:1}"; do
  echo "$t threads speed-up = $(f_ratio "${wall[1]}" "${wall[$t]}")x over 1 thread"
done
echo "start-up          = $startup_ms ms (median of 20, one sentence, rules compiled)"
echo "memory growth     = $(f_mib "$q_rss") MiB on 1/4 of input, $(f_mib "${rss[1]}") MiB on all (${growth}x)"
echo "output lines      = $lines_ok, error records: $out_errors"
echo

echo "## Markdown"
echo
echo "gazette $version ($commit) on $cores × $cpu; input $(mb "$bytes") MB, $articles articles, built by \`benches/run.sh $size_mb\`."
echo
echo "| Measure | Wall (s) | CPU (s) | MB/s | Articles/s | Peak RSS (MiB) |"
echo "|---|---:|---:|---:|---:|---:|"
for t in "${thread_counts[@]}"; do
  echo "| \`extract --threads $t\` | ${wall[$t]} | ${cpu[$t]} | $(f_mbs "${wall[$t]}") | $(f_aps "${wall[$t]}") | $(f_mib "${rss[$t]}") |"
done
echo "| \`extract --threads 1\`, first 1/4 of input | $q_wall | $q_cpu | $q_mbs | $(awk -v n="$q_articles" -v w="$q_wall" 'BEGIN { printf "%.0f", n / w }') | $(f_mib "$q_rss") |"
[[ -n $probe_mbs ]] && echo "| probe (reference scanner, 1 thread) | | | $probe_mbs | | |"
echo "| 1 thread vs probe | | | $probe_ratio | | |"
for t in "${thread_counts[@]:1}"; do
  echo "| $t threads vs 1 thread | | | $(f_ratio "${wall[1]}" "${wall[$t]}")x | | |"
done
echo "| start-up, one sentence (median of 20) | $startup_ms ms | | | | |"
echo "| peak RSS growth, all / first 1/4 | | | | | ${growth}x |"
echo "| output lines = input lines | ${lines_ok%% *} | | | | |"

if (( ${#warnings[@]} )); then
  echo
  echo "## Warnings"
  printf -- '- %s\n' "${warnings[@]}"
fi
