#!/usr/bin/env python3
"""Build the Spark test's input from the corpus.

    python3 build_input.py CORPUS_DIR ARTICLES OUT.jsonl

Writes ARTICLES articles, copies of those of CORPUS_DIR/*/input.jsonl in
turn, each with a new unique id (`<id>~<copy>`) and, for variety in the
records, a date moved
by whole years (some copies lose the date, so the dateline or nothing is the
reference). Bad lines are put in the middle of the input, where they fall
inside a later Spark partition: their error records must come out of Spark
exactly as out of one gazette process, positions included. Prints
`articles=N bad=N bytes=N`. Standard library only; deterministic.
"""
import glob
import json
import os
import sys

# Each must give gazette an error record (or, for the blank lines, nothing).
BAD_LINES = [
    "this line is not JSON {",                            # json, id <stdin>:N
    '{"id": "spark-no-text", "title": "no text field"}',  # no_text, id kept
    "[1, 2, 3]",                                          # json: not an object
    "",                                                   # blank: no record
    '{"id": "spark-text-not-string", "text": 42}',        # no_text
]


def main(corpus, count, out):
    articles = []
    for path in sorted(glob.glob(os.path.join(corpus, "*", "input.jsonl"))):
        with open(path, encoding="utf-8") as f:
            articles += [json.loads(line) for line in f if line.strip()]
    if not articles:
        sys.exit("build_input.py: no articles under %s/*/input.jsonl" % corpus)
    lines = []
    for n in range(count):
        copy, i = divmod(n, len(articles))
        b = dict(articles[i])
        b["id"] = "%s~%04d" % (b["id"], copy)
        date = b.get("date")
        if date and copy % 7 == 6:
            del b["date"]
        elif date:
            b["date"] = "%04d%s" % (int(date[:4]) - copy % 5, date[4:])
        lines.append(json.dumps(b, ensure_ascii=copy % 2 == 0))
    # Spread the bad lines over the middle of the input.
    step = len(lines) // (2 * len(BAD_LINES))
    for k, bad in enumerate(BAD_LINES):
        lines.insert(len(lines) // 2 + k * step, bad)
    data = ("\n".join(lines) + "\n").encode("utf-8")
    with open(out, "wb") as f:
        f.write(data)
    bad = sum(1 for b in BAD_LINES if b.strip())
    print("articles=%d bad=%d bytes=%d" % (len(lines) - len(BAD_LINES), bad, len(data)))


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3])
