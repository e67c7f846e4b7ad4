#!/usr/bin/env python3
"""Checks a page written by `gazette render`, as headless Chromium built it.

    check_dom.py DOM.html CHROMIUM.log RECORDS.jsonl INPUT.jsonl [INPUT.jsonl ...]

DOM.html is Chromium's --dump-dom of the page, RECORDS.jsonl the output of
`gazette extract` over the same INPUT files. For every article, in order:
the text of its <div class="text"> is the article text exactly; its <mark>
elements without the class `cont` are exactly its record's mentions (type,
start, end), one each; its quote elements without `cont` are its quotes,
with their speakers. The page has no script, no event handler attribute
and no external resource, and the log has no console message and no
script error. Prints one line of counts; exits 1 with the problems listed.
"""

import json
import re
import sys
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Page(HTMLParser):
    """Collects each article text block: its id, text, marks and quotes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.articles = []  # dicts: id, text, marks, quotes
        self.depth = 0  # element depth inside the current text block, 0 outside
        self.problems = []
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            self.scripts += 1
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler attribute {name}={value!r} on <{tag}>")
            if name in ("src", "href", "action", "srcset", "poster", "data") and value and not value.startswith("#"):
                self.problems.append(f"external resource {name}={value!r} on <{tag}>")
        if self.depth:
            if tag not in VOID:
                self.depth += 1
            classes = (a.get("class") or "").split()
            art = self.articles[-1]
            if tag == "mark" and "cont" not in classes:
                if not a.get("title"):
                    self.problems.append(f"{art['id']}: a mark without a tooltip")
                if not classes or classes[0] != a.get("data-type"):
                    self.problems.append(f"{art['id']}: mark class {classes} is not its data-type {a.get('data-type')}")
                art["marks"].append((a.get("data-type"), int(a.get("data-start", -1)), int(a.get("data-end", -1))))
            elif tag == "span" and classes == ["quote"]:
                art["quotes"].append((int(a.get("data-start", -1)), int(a.get("data-end", -1)), a.get("data-speaker")))
        elif tag == "div" and "text" in (a.get("class") or "").split():
            self.depth = 1
            self.articles.append({"id": a.get("data-id"), "text": [], "marks": [], "quotes": []})

    def handle_endtag(self, tag):
        if self.depth and tag not in VOID:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.articles[-1]["text"].append(data)


def marks_of(record):
    out = []
    for p in record["parties"]:
        kind = "party-person" if p["kind"] == "person" else "party-org"
        out += [(kind, m["start"], m["end"]) for m in p["mentions"]]
    out += [("court", m["start"], m["end"]) for c in record["courts"] for m in c["mentions"]]
    out += [("date", d["start"], d["end"]) for d in record["dates"]]
    out += [("product", m["start"], m["end"]) for p in record["products"] for m in p["mentions"]]
    return sorted(out)


def main(dom_path, log_path, records_path, *inputs):
    problems = []
    articles = []
    for path in inputs:
        with open(path, encoding="utf-8") as f:
            articles += [json.loads(line) for line in f if line.strip()]
    with open(records_path, encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    page = Page()
    with open(dom_path, encoding="utf-8", newline="") as f:
        page.feed(f.read())
    page.close()
    problems += page.problems
    if page.scripts:
        problems.append(f"{page.scripts} <script> element(s) in the page")
    if not (len(page.articles) == len(records) == len(articles)):
        problems.append(f"{len(page.articles)} text blocks, {len(records)} records, {len(articles)} articles")
    marks = quotes = 0
    for art, record, article in zip(page.articles, records, articles):
        rid = record.get("id")
        if "error" in record:
            problems.append(f"{rid}: error record {record['error']}")
            continue
        if art["id"] != rid:
            problems.append(f"text block {art['id']!r} where {rid!r} was expected")
        text = "".join(art["text"])
        if text != article["text"]:
            at = next((i for i, (a, b) in enumerate(zip(text, article["text"])) if a != b), min(len(text), len(article["text"])))
            problems.append(f"{rid}: visible text differs from the article at character {at}: {text[at:at + 40]!r} vs {article['text'][at:at + 40]!r}")
        want = marks_of(record)
        got = sorted(art["marks"])
        if got != want:
            missing = sorted(set(want) - set(got))[:5]
            extra = sorted(set(got) - set(want))[:5]
            problems.append(f"{rid}: {len(got)} marks for {len(want)} mentions; missing {missing}, extra {extra}")
        want_q = sorted((q["start"], q["end"], q["speaker"] or "") for q in record["quotes"])
        if sorted(art["quotes"]) != want_q:
            problems.append(f"{rid}: {len(art['quotes'])} quote elements for {len(want_q)} quotes (or speakers differ)")
        marks += len(got)
        quotes += len(art["quotes"])
    with open(log_path, encoding="utf-8", errors="replace") as f:
        log = f.read().splitlines()
    bad = re.compile(r"CONSOLE|Uncaught|SyntaxError|ReferenceError|TypeError|Content.Security.Policy|Refused to", re.I)
    problems += [f"log: {line.strip()[:200]}" for line in log if bad.search(line)]
    print(f"{dom_path}: {len(page.articles)} articles, {marks} marks for {sum(len(marks_of(r)) for r in records if 'error' not in r)} mentions, "
          f"{quotes} quotes, {len(log)} log lines, {len(problems)} problems")
    for p in problems:
        print(f"  problem: {p}")
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
