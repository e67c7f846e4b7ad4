#!/usr/bin/env bash
# Time extraction of one article full of numbers, dates and near-dates at two
# sizes, to show that the date rules stay linear in the article's length
# (issue: dates). Usage: bash benches/numbers.sh [MB=10]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mb=${1:-10}
work=${TMPDIR:-/tmp}/gazette-bench
mkdir -p "$work"
(cd "$root" && cargo build --release --quiet)
bin="$root/target/release/gazette"

# One paragraph-free article of sentences dense with numbers: full dates,
# relative dates, case numbers, statutes, sums, phone numbers, percentages.
make() {
  python3 - "$1" "$2" <<'PY'
import json, random, sys
size, out = float(sys.argv[1]), sys.argv[2]
rnd = random.Random(7)
months = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]
parts = []
total = 0
while total < size * 1e6:
    y, m, d = rnd.randint(1990, 2030), rnd.choice(months), rnd.randint(1, 28)
    s = rnd.choice([
        f"On {m} {d}, {y} the court in Case No. 1:{y % 100:02d}-cv-{rnd.randint(1, 99999):05d} ruled ",
        f"under the Securities Act of {y} it paid ${rnd.randint(1, 9)},{rnd.randint(100, 999)} or {rnd.randint(1, 99)}% ",
        f"call 202-514-{rnd.randint(1000, 9999)} about the {rnd.choice(['early', 'mid-', 'late'])} {y // 10 * 10}s or Q{rnd.randint(1, 4)} {y} ",
        f"since {d} {m.rstrip('.')} {y}, last week, on Tuesday and {rnd.randint(2, 20)} years ago, ",
        f"in fiscal {y}, 07/{d:02d}/{y}, {y}-0{rnd.randint(1, 9)}-{d:02d} and 24/7 ",
    ])
    parts.append(s)
    total += len(s)
with open(out, "w") as f:
    f.write(json.dumps({"id": "numbers", "date": "2024-07-31", "text": "".join(parts)}) + "\n")
PY
}

time_it() {  # best of 3, seconds
  local best=
  for _ in 1 2 3; do
    local s e
    s=$(date +%s.%N); "$bin" extract --threads 1 "$1" > /dev/null; e=$(date +%s.%N)
    best=$(python3 -c "b='$best'; t=$e-$s; print(t if not b else min(float(b), t))")
  done
  echo "$best"
}

small="$work/numbers-$(python3 -c "print($mb/4)")MB.jsonl"
large="$work/numbers-${mb}MB.jsonl"
[ -f "$small" ] || make "$(python3 -c "print($mb/4)")" "$small"
[ -f "$large" ] || make "$mb" "$large"
ts=$(time_it "$small"); tl=$(time_it "$large")
dates=$("$bin" extract "$large" | python3 -c "import json,sys; print(len(json.loads(sys.stdin.read())['dates']))")
python3 - "$small" "$large" "$ts" "$tl" "$dates" <<'PY'
import os, sys
small, large, ts, tl, dates = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
ms, ml = os.path.getsize(small) / 1e6, os.path.getsize(large) / 1e6
print(f"one article of {ms:.1f} MB: {ts:.2f} s ({ms / ts:.1f} MB/s)")
print(f"one article of {ml:.1f} MB: {tl:.2f} s ({ml / tl:.1f} MB/s), {dates} dates found")
print(f"4x the length took {tl / ts:.2f}x the time (linear: about 4; quadratic: about 16)")
PY
