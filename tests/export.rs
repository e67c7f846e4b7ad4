//! Exports (`gazette::export`): TSV rows read back to the record's mentions,
//! brat standoff parses by the spec's grammar and matches its `.txt`, CoNLL
//! tags are valid IOB2 over the article's own characters. Each check runs
//! on the whole corpus, on hostile articles and on random text.

use std::collections::HashSet;

use gazette::export;
use gazette::record::{CourtOut, DateOut, MentionOut, PartyOut, ProductOut, QuoteOut};
use gazette::{Article, Extractor, Options, Record, RuleSet};
use proptest::prelude::*;

/// The built-in rules with `--explain`, so that the `rule` column is filled.
fn extractor() -> &'static Extractor {
    static EXTRACTOR: std::sync::OnceLock<Extractor> = std::sync::OnceLock::new();
    EXTRACTOR.get_or_init(|| {
        Extractor::new(RuleSet::builtin().expect("built-in rules load"), Options { explain: true, ..Default::default() })
    })
}

fn corpus() -> Vec<Article> {
    crate::util::corpus_articles()
}

/// Characters `[start, end)` of `text`.
fn chars(text: &str, start: usize, end: usize) -> String {
    text.chars().skip(start).take(end.saturating_sub(start)).collect()
}

/// Undoes the TSV escapes; any other backslash sequence is a failure.
fn unescape(field: &str) -> String {
    let mut out = String::new();
    let mut it = field.chars();
    while let Some(c) = it.next() {
        if c != '\\' {
            assert!(!matches!(c, '\t' | '\n' | '\r'), "raw control character in field {field:?}");
            out.push(c);
            continue;
        }
        match it.next() {
            Some('\\') => out.push('\\'),
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            other => panic!("bad escape \\{other:?} in {field:?}"),
        }
    }
    out
}

/// A TSV row read back: type, start, end, text, value, rule.
type Row = (String, usize, usize, String, String, String);

/// The rows of every mention, read from the record independently of the
/// exporter.
fn expected_rows(r: &Record) -> Vec<Row> {
    let mut rows: Vec<Row> = Vec::new();
    let row = |t: &str, m: &MentionOut, v: &str| {
        (t.to_string(), m.start, m.end, m.text.clone(), v.to_string(), m.rule.clone().unwrap_or_default())
    };
    for p in &r.parties {
        let t = if p.kind == "person" { "party-person" } else { "party-org" };
        rows.extend(p.mentions.iter().map(|m| row(t, m, &p.name)));
    }
    for c in &r.courts {
        rows.extend(c.mentions.iter().map(|m| row("court", m, c.id.as_deref().unwrap_or(&c.name))));
    }
    for d in &r.dates {
        let value = d.value.clone().unwrap_or_default();
        rows.push(("date".into(), d.start, d.end, d.text.clone(), value, d.rule.clone().unwrap_or_default()));
    }
    for p in &r.products {
        rows.extend(p.mentions.iter().map(|m| row("product", m, &p.name)));
    }
    for q in &r.quotes {
        let speaker = q.speaker.clone().unwrap_or_default();
        rows.push(("quote".into(), q.start, q.end, q.text.clone(), speaker.clone(), String::new()));
        if let Some(m) = &q.speaker_mention {
            rows.push(row("speaker", m, &speaker));
        }
    }
    rows
}

/// The TSV of `record` has 7 fields a row and reads back to its mentions.
fn check_tsv(record: &Record, text: &str) {
    assert_eq!(export::tsv_header().split('\t').count(), 7);
    let out = export::tsv(record);
    assert!(out.is_empty() || out.ends_with('\n'));
    let mut rows = Vec::new();
    for line in out.lines() {
        let fields: Vec<&str> = line.split('\t').collect();
        assert_eq!(fields.len(), 7, "row {line:?}");
        assert_eq!(unescape(fields[0]), record.id);
        let (start, end) = (fields[2].parse::<usize>().expect("start"), fields[3].parse::<usize>().expect("end"));
        let mention = unescape(fields[4]);
        assert_eq!(chars(text, start, end), mention, "{}: offsets {start}..{end}", record.id);
        rows.push((fields[1].to_string(), start, end, mention, unescape(fields[5]), unescape(fields[6])));
    }
    assert_eq!(rows, expected_rows(record), "{}", record.id);
}

/// The entity types that `annotation.conf` declares.
fn conf_entities() -> HashSet<String> {
    let conf = export::brat_conf();
    let mut section = "";
    let mut types = HashSet::new();
    for line in conf.lines().map(str::trim) {
        if line.starts_with('[') {
            section = line;
        } else if section == "[entities]" && !line.is_empty() && !line.starts_with('#') {
            types.insert(line.to_string());
        }
    }
    for s in ["[entities]", "[relations]", "[events]", "[attributes]"] {
        assert!(conf.contains(s), "annotation.conf lacks {s}");
    }
    types
}

/// The brat export of `record` follows the standoff grammar and its text.
fn check_brat(record: &Record, article: &Article) {
    let (txt, ann) = export::brat(record, article);
    assert_eq!(txt, article.text);
    let types = conf_entities();
    let line_breaks = ['\t', '\n', '\r', '\u{b}', '\u{c}', '\u{1c}', '\u{1d}', '\u{1e}', '\u{85}', '\u{2028}', '\u{2029}'];
    let (mut t_count, mut note_count) = (0, 0);
    assert!(ann.is_empty() || ann.ends_with('\n'));
    for line in ann.split_terminator('\n') {
        assert!(!line.contains(&line_breaks[1..]), "a line break inside {line:?}");
        let fields: Vec<&str> = line.split('\t').collect();
        assert_eq!(fields.len(), 3, "{line:?}");
        if let Some(n) = fields[0].strip_prefix('T') {
            t_count += 1;
            assert_eq!(n.parse::<usize>().ok(), Some(t_count), "T ids are sequential: {line:?}");
            let (kind, spans) = fields[1].split_once(' ').expect("TYPE START END");
            assert!(types.contains(kind), "{kind} is not in annotation.conf");
            let mut pieces = Vec::new();
            let mut last_end = None;
            for span in spans.split(';') {
                let (s, e) = span.split_once(' ').expect("START END");
                let (s, e) = (s.parse::<usize>().expect("START"), e.parse::<usize>().expect("END"));
                assert!(s < e, "{line:?}: empty or reversed fragment");
                assert!(last_end.is_none_or(|l| l < s), "{line:?}: fragments overlap or touch");
                last_end = Some(e);
                let piece = chars(&txt, s, e);
                assert_eq!(piece.chars().count(), e - s, "{line:?}: past the end of the text");
                pieces.push(piece);
            }
            assert_eq!(fields[2], pieces.join(" "), "{line:?}: text differs from the .txt");
        } else if let Some(n) = fields[0].strip_prefix('#') {
            note_count += 1;
            assert_eq!(n.parse::<usize>().ok(), Some(note_count), "note ids are sequential: {line:?}");
            let target = fields[1].strip_prefix("AnnotatorNotes T").expect("AnnotatorNotes T{n}");
            let target: usize = target.parse().expect("T id");
            assert!((1..=t_count).contains(&target), "{line:?}: note on a missing annotation");
            assert!(!fields[2].trim().is_empty());
        } else {
            panic!("unexpected line {line:?}");
        }
    }
    let annotated = expected_rows(record)
        .iter()
        .filter(|r| r.0 != "speaker" && chars(&article.text, r.1, r.2).chars().any(|c| !line_breaks.contains(&c)))
        .count();
    assert_eq!(t_count, annotated, "{}: one T line per mention", record.id);
}

/// IOB2 label of a TSV type.
fn label(kind: &str) -> Option<&'static str> {
    match kind {
        "party-org" => Some("ORG"),
        "party-person" => Some("PER"),
        "court" => Some("COURT"),
        "date" => Some("DATE"),
        "product" => Some("PRODUCT"),
        _ => None,
    }
}

/// The CoNLL export is valid IOB2 over the article's characters, and every
/// entity mention begins at a B- tag unless it shares a token with another.
fn check_conll(article: &Article, record: &Record) {
    let out = export::conll(extractor(), article, record);
    let mut lines = out.split_terminator('\n');
    assert_eq!(lines.next().map(unescape), Some(format!("-DOCSTART- {}", article.id)));
    assert_eq!(lines.next(), Some(""));
    let mut tokens: Vec<(usize, usize, String)> = Vec::new();
    let mut previous: Option<String> = None;
    let mut blank = true;
    for line in lines {
        if line.is_empty() {
            assert!(!blank, "an empty sentence");
            blank = true;
            previous = None;
            continue;
        }
        blank = false;
        let fields: Vec<&str> = line.split('\t').collect();
        assert_eq!(fields.len(), 4, "{line:?}");
        let (start, end) = (fields[1].parse::<usize>().expect("start"), fields[2].parse::<usize>().expect("end"));
        assert!(start < end && tokens.last().is_none_or(|t| t.1 <= start), "{line:?}: tokens in order");
        let token = unescape(fields[0]);
        assert_eq!(chars(&article.text, start, end), token, "{line:?}");
        assert!(token.chars().any(|c| !c.is_whitespace()), "{line:?}: a whitespace token");
        let tag = fields[3];
        if tag != "O" {
            let (prefix, name) = tag.split_once('-').expect("B-X or I-X");
            assert!(["ORG", "PER", "COURT", "DATE", "PRODUCT"].contains(&name), "{line:?}");
            match prefix {
                "B" => {}
                "I" => assert!(
                    previous.as_deref().is_some_and(|p| p.len() > 2 && &p[2..] == name),
                    "{line:?}: I- after {previous:?}"
                ),
                _ => panic!("{line:?}: bad tag"),
            }
        }
        previous = Some(tag.to_string());
        tokens.push((start, end, tag.to_string()));
    }
    assert!(blank, "the last sentence ends with a blank line");

    let touched = |s: usize, e: usize| -> Vec<usize> {
        (0..tokens.len()).filter(|&i| tokens[i].0 < e && s < tokens[i].1).collect()
    };
    let mentions: Vec<(&'static str, Vec<usize>)> =
        expected_rows(record).iter().filter_map(|r| label(&r.0).map(|l| (l, touched(r.1, r.2)))).collect();
    for (i, (name, covered)) in mentions.iter().enumerate() {
        let Some(&first) = covered.first() else { continue };
        let sharing: Vec<&Vec<usize>> = mentions
            .iter()
            .enumerate()
            .filter(|(j, (_, other))| *j != i && other.iter().any(|t| covered.contains(t)))
            .map(|(_, (_, other))| other)
            .collect();
        let tag = &tokens[first].2;
        if !sharing.is_empty() {
            // Overlapping mentions: one of them wins its tokens (the others
            // are dropped), so some token of the group is tagged.
            let group = covered.iter().chain(sharing.iter().flat_map(|o| o.iter()));
            assert!(group.into_iter().any(|&t| tokens[t].2 != "O"), "{}: an overlapping group with no tag", record.id);
        } else {
            assert_eq!(tag, &format!("B-{name}"), "{}: mention at token {first}", record.id);
            for &t in &covered[1..] {
                assert!(tokens[t].2.ends_with(name), "{}: token {t} inside a {name}", record.id);
            }
        }
    }
}

#[test]
fn export_corpus_tsv_round_trips() {
    let articles = corpus();
    assert!(articles.len() > 30);
    let mut rows = 0;
    for article in &articles {
        let record = extractor().extract(article);
        check_tsv(&record, &article.text);
        for row in export::tsv(&record).lines() {
            let fields: Vec<&str> = row.split('\t').collect();
            // With --explain every entity mention names its rule.
            assert!(["quote", "speaker"].contains(&fields[1]) || !fields[6].is_empty(), "{row:?} names no rule");
            rows += 1;
        }
    }
    assert!(rows > 500, "only {rows} rows");
}

#[test]
fn export_corpus_brat_is_valid_standoff() {
    for article in corpus() {
        check_brat(&extractor().extract(&article), &article);
    }
}

#[test]
fn export_corpus_conll_is_valid_iob2() {
    let mut entities = 0;
    for article in corpus() {
        let record = extractor().extract(&article);
        check_conll(&article, &record);
        entities += export::conll(extractor(), &article, &record).matches("\tB-").count();
    }
    assert!(entities > 300, "only {entities} entities tagged");
}

/// The seed article's first rows and annotations, byte for byte.
#[test]
fn export_seed_looks_as_documented() {
    let article = corpus().into_iter().find(|a| a.id == "amazon-nokia").expect("seed article");
    let record = extractor().extract(&article);
    let tsv = export::tsv(&record);
    assert!(tsv.starts_with("amazon-nokia\tparty-org\t0\t6\tAmazon\tAmazon\t"), "{tsv}");
    assert!(tsv.contains("\tcourt\t44\t66\tDelaware federal court\tded\t"), "{tsv}");
    let (_, ann) = export::brat(&record, &article);
    assert!(ann.starts_with("T1\tOrganization 0 6\tAmazon\n#1\tAnnotatorNotes T1\tAmazon (plaintiff, defendant)\n"), "{ann}");
    assert!(ann.contains("\tCourt 44 66\tDelaware federal court\n"), "{ann}");
    let conll = export::conll(extractor(), &article, &record);
    assert!(conll.starts_with("-DOCSTART- amazon-nokia\n\nAmazon\t0\t6\tB-ORG\n"), "{conll}");
    assert!(conll.contains("Delaware\t44\t52\tB-COURT\nfederal\t53\t60\tI-COURT\ncourt\t61\t66\tI-COURT\n"), "{conll}");
}

/// Tabs, line breaks, backslashes, emoji and combining marks in the text,
/// in the id and inside quotes: every export still holds.
#[test]
fn export_hostile_article() {
    let text = "Acme\u{301} Corp.\tsued Beta\\Gamma Inc. in Delaware federal court on July 30, 2024.\r\n\
                \"We will\tfight this \\ all the way 👩‍⚖️,\" said Acme spokesman José\u{301} Garcia.\n\
                Beta Inc. said in a statement: \"Nothing\u{2028}here.\" 🚀🚀\u{0}\n\n\t\u{301}x";
    let mut article = Article::new("hostile\tid\n\\1", text);
    article.date = Some("2024-07-31".into());
    let record = extractor().extract(&article);
    assert!(!record.quotes.is_empty() && !record.courts.is_empty(), "{record:?}");
    let tsv = export::tsv(&record);
    assert!(tsv.starts_with("hostile\\tid\\n\\\\1\t"), "{tsv}");
    assert!(tsv.contains("We will\\tfight this \\\\ all the way"), "{tsv}");
    check_tsv(&record, &article.text);
    check_brat(&record, &article);
    check_conll(&article, &record);
}

fn mention(text: &str, start: usize) -> MentionOut {
    MentionOut { start, end: start + text.chars().count(), text: text.to_string(), rule: None }
}

fn empty_record(id: &str) -> Record {
    Record {
        id: id.into(),
        reference_date: None,
        parties: vec![],
        courts: vec![],
        dates: vec![],
        products: vec![],
        quotes: vec![],
        cases: vec![],
    }
}

/// A record whose fields hold every character TSV escapes, and whose
/// mentions cross lines: TSV escapes them, brat cuts them into fragments.
#[test]
fn export_escapes_and_fragments_by_hand() {
    let text = "Big\nCo\tLtd said \\ \"a\r\nb\" in Court\u{2028}One.";
    let article = Article::new("synthetic", text);
    let mut record = empty_record("synthetic");
    record.parties.push(PartyOut {
        name: "Big\nCo\tLtd".into(),
        kind: "organization",
        roles: vec!["defendant"],
        mentions: vec![mention("Big\nCo\tLtd", 0)],
    });
    record.courts.push(CourtOut {
        name: "Court\u{2028}One".into(),
        id: None,
        country: None,
        mentions: vec![mention("Court\u{2028}One", 28)],
    });
    record.quotes.push(QuoteOut {
        text: "a\r\nb".into(),
        speaker: Some("Big\\Co".into()),
        start: 19,
        end: 23,
        speaker_mention: Some(mention("Big", 0)),
    });
    record.dates.push(DateOut {
        text: String::new(),
        value: None,
        grain: None,
        modifier: None,
        start: 3,
        end: 3,
        rule: Some("r\t1".into()),
    });
    assert_eq!(chars(text, 19, 23), "a\r\nb");
    assert_eq!(chars(text, 28, 37), "Court\u{2028}One");
    assert_eq!(
        export::tsv(&record),
        "synthetic\tparty-org\t0\t10\tBig\\nCo\\tLtd\tBig\\nCo\\tLtd\t\n\
         synthetic\tcourt\t28\t37\tCourt\u{2028}One\tCourt\u{2028}One\t\n\
         synthetic\tdate\t3\t3\t\t\tr\\t1\n\
         synthetic\tquote\t19\t23\ta\\r\\nb\tBig\\\\Co\t\n\
         synthetic\tspeaker\t0\t3\tBig\tBig\\\\Co\t\n"
    );
    check_tsv(&record, text);
    let (_, ann) = export::brat(&record, &article);
    assert_eq!(
        ann,
        "T1\tOrganization 0 3;4 6;7 10\tBig Co Ltd\n\
         #1\tAnnotatorNotes T1\tBig Co Ltd (defendant)\n\
         T2\tCourt 28 33;34 37\tCourt One\n\
         #2\tAnnotatorNotes T2\tCourt One\n\
         T3\tQuote 19 20;22 23\ta b\n\
         #3\tAnnotatorNotes T3\tBig\\Co\n"
    );
    check_brat(&record, &article);
    check_conll(&article, &record);
}

/// Overlaps: the longer mention wins, then party, court, date, product; a
/// token only partly inside a mention is inside it.
#[test]
fn export_conll_resolves_overlaps() {
    let text = "Nokia CloudBand runs at Acme.";
    let article = Article::new("synthetic-overlap", text);
    let mut record = empty_record("synthetic-overlap");
    record.parties.push(PartyOut {
        name: "Nokia".into(),
        kind: "organization",
        roles: vec![],
        mentions: vec![mention("Nokia", 0), mention("Ac", 24)],
    });
    record.products.push(ProductOut {
        name: "Nokia CloudBand".into(),
        owner: None,
        mentions: vec![mention("Nokia CloudBand", 0)],
    });
    record.dates.push(DateOut {
        text: "runs".into(),
        value: None,
        grain: None,
        modifier: None,
        start: 16,
        end: 20,
        rule: None,
    });
    record.courts.push(CourtOut { name: "R".into(), id: None, country: None, mentions: vec![mention("runs", 16)] });
    let conll = export::conll(extractor(), &article, &record);
    assert_eq!(
        conll,
        "-DOCSTART- synthetic-overlap\n\n\
         Nokia\t0\t5\tB-PRODUCT\nCloudBand\t6\t15\tI-PRODUCT\nruns\t16\t20\tB-COURT\nat\t21\t23\tO\n\
         Acme\t24\t28\tB-ORG\n.\t28\t29\tO\n\n"
    );
    check_conll(&article, &record);
}

/// A record that does not belong to the article (offsets past its end)
/// exports without a panic.
#[test]
fn export_mismatched_record_does_not_panic() {
    let long = Article::new("long", "Amazon sued Nokia in Delaware federal court on Tuesday.");
    let record = extractor().extract(&long);
    let short = Article::new("long", "Amazon.");
    let _ = export::tsv(&record);
    let (_, ann) = export::brat(&record, &short);
    assert!(ann.lines().all(|l| !l.contains("Nokia")), "{ann}");
    let conll = export::conll(extractor(), &short, &record);
    assert!(conll.contains("Amazon\t0\t6\tB-ORG\n"), "{conll}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Random text built from names, courts, dates, quote marks and hostile
    /// characters: all three exports hold.
    #[test]
    fn export_random_articles_hold(pieces in proptest::collection::vec(0usize..22, 0..60)) {
        const PIECES: [&str; 22] = [
            "Amazon", " sued ", "Nokia", " in ", "Delaware federal court", " on July 30, 2024", ".", " \"", "\u{201c}",
            "\u{201d}", "\t", "\n", "\r\n", "\\", "👩‍⚖️", "e\u{301}", " said ", "the U.S. Supreme Court", " Apple's iPhone 15",
            "\u{2028}", " Mr. John G. Smith", " ",
        ];
        let text: String = pieces.iter().map(|&i| PIECES[i]).collect();
        let mut article = Article::new("random\t1", text);
        article.date = Some("2024-07-31".into());
        let record = extractor().extract(&article);
        check_tsv(&record, &article.text);
        check_brat(&record, &article);
        check_conll(&article, &record);
    }
}
