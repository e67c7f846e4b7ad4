#!/usr/bin/env bash
# Browser test: the page of `gazette render` as headless Chromium builds it.
#
#   bash tests/browser/run.sh
#
# Renders the whole corpus (corpus/*/input.jsonl) and tests/browser/hostile.jsonl
# (script tags, entities, CR LF, emoji, combining marks, empty articles), has
# Chromium load each page from a file:// URL and dump its DOM, then checks
# with python3 (tests/browser/check_dom.py) that for every article the text
# Chromium shows is the article text exactly, that its <mark> elements are
# exactly the mentions of `gazette extract` on the same input (one each, by
# type and offsets), that its quote elements are its quotes with their
# speakers, that the page holds no script, handler or external resource, and
# that Chromium logged no console message or script error.
#
# Needs python3, and /usr/bin/chromium: when it is missing and this runs as
# root (as in CI), it runs `apt-get update && apt-get install -y chromium`.
# Builds target/release/gazette when it is missing. Work files go to a fresh
# ${TMPDIR:-/tmp}/gazette-browser.XXXXXX (kept after a failure, for a look).
# About 10 s once Chromium is installed. The last line is
# `browser: 1 passed, 0 failed` or `browser: 0 passed, 1 failed`.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)               # the repository root is tests/browser/../..
bin=$root/target/release/gazette
chromium=/usr/bin/chromium
TMP=$(mktemp -d "${TMPDIR:-/tmp}/gazette-browser.XXXXXX")

passed=0
finish() {
  local rc=$?
  if (( passed )); then
    rm -rf "$TMP"
    echo "browser: 1 passed, 0 failed"
  else
    echo "browser: FAILED (work files in $TMP)" >&2
    echo "browser: 0 passed, 1 failed"
    (( rc )) || rc=1
  fi
  exit "$rc"
}
trap finish EXIT

t0=$SECONDS
say() { printf 'browser: [%3ds] %s\n' $((SECONDS - t0)) "$*" >&2; }
die() { echo "browser: ERROR: $*" >&2; exit 1; }

command -v python3 >/dev/null || die "python3 not found"

# ---------------------------------------------------------------- gazette ---
if [[ ! -x $bin ]] || ! "$bin" render --help >/dev/null 2>&1; then
  say "no $bin (or one without \`render\`): cargo build --release"
  (cd "$root" && cargo build --release >&2)
fi
say "gazette: $bin"

# --------------------------------------------------------------- chromium ---
if [[ ! -x $chromium ]]; then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    say "no $chromium: apt-get update && apt-get install -y chromium"
    apt-get update >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >&2
  fi
  [[ -x $chromium ]] || die "$chromium not found (install Debian's chromium package, as root: apt-get install -y chromium)"
fi
say "chromium: $("$chromium" --version 2>/dev/null || echo unknown version)"

# Loads a page, writes its DOM and Chromium's log: dump PAGE.html DOM.html LOG.
dump() {
  local profile
  profile=$(mktemp -d "$TMP/profile.XXXXXX")
  timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --enable-logging=stderr --v=0 \
    --dump-dom "file://$1" >"$2" 2>"$3" \
    || { local rc=$?; cat "$3" >&2; die "chromium failed on $1 (exit $rc)"; }
  [[ -s $2 ]] || { cat "$3" >&2; die "chromium dumped no DOM for $1"; }
}

# ------------------------------------------------------------------ pages ---
cd "$root"
inputs=(corpus/*/input.jsonl)
failed=0
for set in corpus hostile; do
  if [[ $set == corpus ]]; then files=("${inputs[@]}"); else files=("$here/hostile.jsonl"); fi
  say "$set: gazette render ${files[*]#"$root/"} > $TMP/$set.html"
  "$bin" render "${files[@]}" >"$TMP/$set.html"
  "$bin" extract "${files[@]}" >"$TMP/$set-records.jsonl"
  "$bin" render "${files[@]}" | cmp -s - "$TMP/$set.html" || die "$set: two renders of the same input differ"
  say "$set: chromium --headless --dump-dom file://$TMP/$set.html"
  dump "$TMP/$set.html" "$TMP/$set-dom.html" "$TMP/$set-chromium.log"
  python3 "$here/check_dom.py" "$TMP/$set-dom.html" "$TMP/$set-chromium.log" "$TMP/$set-records.jsonl" "${files[@]}" >&2 \
    || failed=1
done
(( failed == 0 )) || exit 1
say "done"
passed=1
