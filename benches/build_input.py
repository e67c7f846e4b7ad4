#!/usr/bin/env python3
"""Build a large, varied benchmark input for `gazette extract` from the corpus.

Usage:
  python3 build_input.py OUT.jsonl SIZE_MB CORPUS_DIR [MAKE_CORPUS.py SEED.txt]

Writes at least SIZE_MB * 10^6 bytes of JSON Lines ({"id", "date", "title",
"text"}) to OUT.jsonl, then prints one summary line on stdout:
  articles=N distinct=N bytes=N corpus_share=0.85 sources=N

Why not just repeat the corpus: the corpus has only a dozen or so articles, and
the same article repeated thousands of times would keep every cache and branch
predictor warm in a way real news never does. So each copy is varied, all
deterministically (fixed RNG seed, so every run benchmarks the same bytes):
  * company and person names are swapped between articles (names come from the
    corpus's gold.jsonl files; people get a given name from one person and a
    surname from another, so there are thousands of combinations),
  * all years are shifted by one offset per copy, month names rotated and days
    moved, and the "date" field moved the same way,
  * paragraphs after the lede are shuffled, and sometimes one is dropped,
  * ids are renumbered.
Each text is hashed; a duplicate is redrawn, so every article is distinct.

Optionally (MAKE_CORPUS.py SEED.txt given) about 15% of the articles come from
../shared/bench/make_corpus.py, interleaved; the corpus-derived ones stay the
large majority. Standard library only.
"""
import glob
import hashlib
import json
import os
import random
import re
import subprocess
import sys
import tempfile

RNG_SEED = 20240213
MIX_SHARE = 0.15  # share of articles taken from make_corpus.py, if available

# Organizations that are not companies (agencies, courts, news outlets) are
# never swapped: a company suing "the Nokia" instead of "the SEC" reads wrong,
# and the extractor's rules for government parties deserve their real input.
NOT_A_COMPANY = re.compile(
    r"\b(Commission|Department|Office|Division|Court|Authority|Agency|Bureau|"
    r"Administration|Ministry|Council|Service|Branch|Section|Force|Union|"
    r"States|Region|state|field|Attorney|Medicare|Reuters|Law360|Neighbors)\b")
COMPANY_SUFFIX = re.compile(
    r"\b(Inc\.?|LLC|LLP|Ltd\.?|Co\.?|Corp\.?|NV|A/S|Group|Global|Payments|"
    r"Holdings|Capital|Finance|Ventures|Systems|Supply|Services|Advisory|"
    r"Technology|Laboratories)$")
COMPANY_TAIL = re.compile(
    r"(,? (Inc\.?|LLC|LLP|Ltd\.?|Co\.?|Corp\.?|NV|A/S|Co Ltd))+$")

MONTHS = ["January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December"]
# Full names and the abbreviations news uses ("Sept." before "Sep").
MONTH_FORMS = {m: i for i, m in enumerate(MONTHS)}
for i, m in enumerate(MONTHS):
    MONTH_FORMS.setdefault(m[:3], i)
MONTH_FORMS["Sept"] = 8
# A month name counts only next to a number ("Feb 13", "March 2021",
# "13 February"), so the modal verb "May" at a sentence start is left alone.
MONTH_NAME = "|".join(sorted(MONTH_FORMS, key=len, reverse=True))
# One pass for "13 February", "Feb 13" / "Feb. 13" and "March 2021", so no
# date is moved twice.
MONTH_DATE = re.compile(
    r"\b(?:(?P<d1>\d{1,2})(?P<s1>\s+)(?P<m1>%s)\b"
    r"|(?P<m2>%s)(?P<dot>\.?)(?P<s2>\s+)(?:(?P<d2>\d{1,2})\b|(?=(?:19|20)\d\d\b)))"
    % (MONTH_NAME, MONTH_NAME))
YEAR = re.compile(r"\b(19[5-9]\d|20[0-3]\d)\b")
ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def month_form(original, index):
    """The month `index` written the way `original` was (full or abbreviated)."""
    full = MONTHS[index]
    if original in MONTHS:
        return full
    return "Sept" if index == 8 and original == "Sept" else full[:3]


class DateShift:
    """One copy's calendar move: years + dy, months + dm (mod 12), days + dd."""

    def __init__(self, rng):
        self.dy = rng.randint(-15, 2)
        self.dm = rng.randint(0, 11)
        self.dd = rng.randint(0, 27)

    def day(self, d):
        # Days 1-28 move within 1-28 (valid in every month); 29-31 stay put.
        return (d - 1 + self.dd) % 28 + 1 if 1 <= d <= 28 else d

    def month(self, m0):
        return (m0 + self.dm) % 12

    def text(self, s):
        s = YEAR.sub(lambda m: str(int(m.group(1)) + self.dy), s)
        s = MONTH_DATE.sub(self._month_date, s)
        return s

    def _month_date(self, m):
        if m.group("m1"):
            name = m.group("m1")
            return "%d%s%s" % (self.day(int(m.group("d1"))), m.group("s1"),
                               month_form(name, self.month(MONTH_FORMS[name])))
        name = m.group("m2")
        day = m.group("d2")
        return "%s%s%s%s" % (month_form(name, self.month(MONTH_FORMS[name])), m.group("dot"),
                             m.group("s2"), "" if day is None else self.day(int(day)))

    def iso(self, s):
        m = ISO_DATE.match(s or "")
        if not m:
            return s
        return "%04d-%02d-%02d" % (int(m.group(1)) + self.dy,
                                   self.month(int(m.group(2)) - 1) + 1,
                                   self.day(int(m.group(3))))


def short_form(org):
    """What a later mention calls a company: its first alias that is a prefix of
    the name ("Lumenstack" for "Lumenstack Payments"), else the name without
    its legal suffix."""
    for a in org.get("aliases") or []:
        if org["name"].startswith(a + " ") and not COMPANY_TAIL.search(a):
            return a
    return COMPANY_TAIL.sub("", org["name"]) or org["name"]


def is_company(p):
    if p["kind"] != "organization" or NOT_A_COMPANY.search(p["name"]):
        return False
    return bool(COMPANY_SUFFIX.search(p["name"])) or short_form(p) != p["name"]


def split_person(name):
    """("Darren K.", "Whitlock"): given names and surname."""
    parts = name.split()
    return (" ".join(parts[:-1]), parts[-1]) if len(parts) > 1 else ("", parts[0])


class Source:
    """One corpus article, with the names in it that may be swapped."""

    def __init__(self, article, gold):
        self.article = article
        self.people = [p for p in gold if p["kind"] == "person" and " " in p["name"]]
        self.companies = [p for p in gold if is_company(p)]
        strings = set()
        for p in self.people + self.companies:
            strings.add(p["name"])
            strings.update(p.get("aliases") or [])
        # Longest first, so "Samsung Electronics Co." wins over "Samsung"; one
        # pass, so a name put in is never replaced again.
        self.pattern = None
        if strings:
            alts = "|".join(re.escape(s) for s in sorted(strings, key=len, reverse=True))
            self.pattern = re.compile(r"(?<![\w])(?:%s)(?![\w])" % alts)


def build_mapping(src, rng, pools):
    """Old string -> new string for one copy of `src`."""
    mapping = {}
    used_surnames, used_companies = set(), set()
    for p in src.people:
        if rng.random() < 0.15:  # some copies keep some original names
            continue
        for _ in range(20):
            given = split_person(rng.choice(pools["people"]))[0]
            surname = split_person(rng.choice(pools["people"]))[1]
            if surname not in used_surnames:
                break
        used_surnames.add(surname)
        old_given, old_surname = split_person(p["name"])
        mapping[p["name"]] = (given + " " + surname).strip()
        for a in p.get("aliases") or []:
            # "Whitlock" -> the new surname; another full name -> a new one.
            mapping[a] = surname if a == old_surname else (
                split_person(rng.choice(pools["people"]))[0] + " " + surname)
    for c in src.companies:
        if rng.random() < 0.15:
            continue
        for _ in range(20):
            new = rng.choice(pools["companies"])
            if new["name"] not in used_companies and new["name"] != c["name"]:
                break
        used_companies.add(new["name"])
        mapping[c["name"]] = new["name"]
        for a in c.get("aliases") or []:
            mapping[a] = short_form(new)
    return mapping


def vary(src, rng, pools):
    """One varied copy of a source article (a dict without the id yet)."""
    art = src.article
    mapping = build_mapping(src, rng, pools)
    shift = DateShift(rng)

    def rewrite(s):
        if src.pattern is not None and mapping:
            s = src.pattern.sub(lambda m: mapping.get(m.group(0), m.group(0)), s)
        return shift.text(s)

    paras = art["text"].split("\n\n")
    lede, rest = paras[:1], paras[1:]
    if rest and rng.random() < 0.8:
        rng.shuffle(rest)
    if len(rest) > 4 and rng.random() < 0.3:
        del rest[rng.randrange(len(rest))]
    out = {"date": shift.iso(art.get("date")), "title": rewrite(art.get("title") or ""),
           "text": rewrite("\n\n".join(lede + rest))}
    if not art.get("date"):
        del out["date"]
    if not art.get("title"):
        del out["title"]
    return out


def load_corpus(corpus_dir):
    sources, no_gold = [], []
    for path in sorted(glob.glob(os.path.join(corpus_dir, "*", "input.jsonl"))):
        gold_path = os.path.join(os.path.dirname(path), "gold.jsonl")
        gold = {}
        if os.path.exists(gold_path):
            with open(gold_path, encoding="utf-8") as f:
                for line in f:
                    if line.strip():
                        g = json.loads(line)
                        gold[g["id"]] = g.get("parties") or []
        else:
            no_gold.append(path)
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    art = json.loads(line)
                    if art.get("text"):
                        sources.append(Source(art, gold.get(art.get("id"), [])))
    if no_gold:
        print("build_input: no gold.jsonl next to %s: names there are not swapped"
              % ", ".join(no_gold), file=sys.stderr)
    return sources


def mix_in_docs(make_corpus, seed_txt, n, tmpdir):
    """Lines from make_corpus.py (N varied copies of one seed article), or []."""
    out = os.path.join(tmpdir, "mix.jsonl")
    try:
        subprocess.run([sys.executable, make_corpus, seed_txt, out, str(n), "42"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    except (subprocess.CalledProcessError, OSError) as e:
        print("build_input: make_corpus.py failed (%s); not mixing it in" % e, file=sys.stderr)
        return []
    with open(out, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def main(argv):
    if len(argv) not in (4, 6):
        sys.exit(__doc__)
    out_path, size_mb, corpus_dir = argv[1], float(argv[2]), argv[3]
    target = int(size_mb * 1e6)
    rng = random.Random(RNG_SEED)
    sources = load_corpus(corpus_dir)
    if not sources:
        sys.exit("build_input: no articles in %s/*/input.jsonl" % corpus_dir)
    pools = {
        "people": sorted({p["name"] for s in sources for p in s.people}),
        "companies": sorted({c["name"]: c for s in sources for c in s.companies}.values(),
                            key=lambda c: c["name"]),
    }
    if len(pools["people"]) < 2 or len(pools["companies"]) < 2:
        pools["people"] = pools["people"] * 2 or ["Jane Doe", "John Roe"]
        pools["companies"] = pools["companies"] * 2 or [{"name": "Acme Corp."}]

    avg = sum(len(s.article["text"]) for s in sources) / len(sources)
    with tempfile.TemporaryDirectory() as tmpdir:
        mix = []
        if len(argv) == 6:
            mix = mix_in_docs(argv[4], argv[5], max(1, int(MIX_SHARE * target / avg)), tmpdir)
        # Every k-th article is a mixed-in one, spread evenly through the file.
        every = int(round(1 / MIX_SHARE)) if mix else 0

        seen, written, n, n_mix, n_dup = set(), 0, 0, 0, 0
        with open(out_path, "w", encoding="utf-8") as out:
            while written < target:
                n += 1
                if every and n % every == 0 and n_mix < len(mix):
                    doc = dict(mix[n_mix])
                    n_mix += 1
                    src_id = "make_corpus"
                else:
                    src = sources[(n - 1) % len(sources)]  # round-robin: even mix of topics
                    for _ in range(10):
                        doc = vary(src, rng, pools)
                        digest = hashlib.blake2b(doc["text"].encode(), digest_size=12).digest()
                        if digest not in seen:
                            break
                        n_dup += 1
                    seen.add(digest)
                    src_id = src.article.get("id", "article")
                doc = {"id": "bench-%07d-%s" % (n, src_id), **{k: v for k, v in doc.items() if k != "id"}}
                line = json.dumps(doc, ensure_ascii=False) + "\n"
                out.write(line)
                written += len(line.encode("utf-8"))
    share = (n - n_mix) / n
    print("articles=%d distinct=%d bytes=%d corpus_share=%.2f sources=%d redrawn=%d"
          % (n, len(seen) + n_mix, written, share, len(sources), n_dup))


if __name__ == "__main__":
    main(sys.argv)
