#!/usr/bin/env bash
# Takes the picture of the HTML view in the docs: renders articles with
# `gazette render` and has headless Chromium save the top 1200x1600 pixels.
#
#   bash tests/browser/screenshot.sh                    # the seed article -> docs/view.png
#   bash tests/browser/screenshot.sh out.png corpus/quotes/input.jsonl
#
# Arguments: the PNG to write (default docs/view.png), then the inputs to
# render (default corpus/seed/input.jsonl), as for `gazette render`.
# Needs /usr/bin/chromium (Debian: apt-get install -y chromium); builds
# target/release/gazette when it is missing.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=$root/target/release/gazette
chromium=/usr/bin/chromium
out=$(realpath -m "${1:-$root/docs/view.png}")
shift || true
(( $# )) || set -- "$root/corpus/seed/input.jsonl"

[[ -x $chromium ]] || { echo "screenshot: $chromium not found (apt-get install -y chromium)" >&2; exit 1; }
[[ -x $bin ]] || (cd "$root" && cargo build --release >&2)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gazette-screenshot.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
"$bin" render "$@" >"$tmp/view.html"
mkdir -p "$(dirname "$out")"
timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$tmp/profile" --hide-scrollbars --window-size=1200,1600 \
  --screenshot="$out" "file://$tmp/view.html" 2>"$tmp/chromium.log" \
  || { cat "$tmp/chromium.log" >&2; exit 1; }
[[ -s $out ]] || { cat "$tmp/chromium.log" >&2; echo "screenshot: no image written" >&2; exit 1; }
echo "screenshot: wrote $out ($(wc -c <"$out") bytes) from $*" >&2
