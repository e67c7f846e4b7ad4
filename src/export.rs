//! Exports of a record to formats other tools read: TSV (one row per
//! mention), brat standoff (a `.txt` and `.ann` pair per article) and
//! CoNLL-style IOB2 tags (one token per line).
//!
//! All three use the record's offsets, which count Unicode scalar values
//! (Python `str` indices), as brat and spaCy do. None of them panics on any
//! record or article, even a record that belongs to another text: offsets
//! beyond the text are clamped, and text is always taken from the article.

use std::borrow::Cow;
use std::cmp::Reverse;

use crate::document::Document;
use crate::extractor::Extractor;
use crate::input::Article;
use crate::record::{CharIndex, Record};

/// What a flattened mention is a mention of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Organization,
    Person,
    Court,
    Date,
    Product,
    Quote,
    Speaker,
}

impl Kind {
    /// The `type` column of the TSV export.
    fn tsv(self) -> &'static str {
        match self {
            Kind::Organization => "party-org",
            Kind::Person => "party-person",
            Kind::Court => "court",
            Kind::Date => "date",
            Kind::Product => "product",
            Kind::Quote => "quote",
            Kind::Speaker => "speaker",
        }
    }

    /// The brat entity type; speakers are a note on their quote instead.
    fn brat(self) -> Option<&'static str> {
        match self {
            Kind::Organization => Some("Organization"),
            Kind::Person => Some("Person"),
            Kind::Court => Some("Court"),
            Kind::Date => Some("Date"),
            Kind::Product => Some("Product"),
            Kind::Quote => Some("Quote"),
            Kind::Speaker => None,
        }
    }

    /// The IOB2 label and the rank among overlapping mentions of the same
    /// length (lower wins); quotes and speakers are not tagged.
    fn conll(self) -> Option<(&'static str, u8)> {
        match self {
            Kind::Organization => Some(("ORG", 0)),
            Kind::Person => Some(("PER", 0)),
            Kind::Court => Some(("COURT", 1)),
            Kind::Date => Some(("DATE", 2)),
            Kind::Product => Some(("PRODUCT", 3)),
            Kind::Quote | Kind::Speaker => None,
        }
    }
}

/// One mention of any entity, with its entity's normalized value.
struct Flat<'r> {
    kind: Kind,
    start: usize,
    end: usize,
    text: &'r str,
    value: Option<&'r str>,
    rule: Option<&'r str>,
    roles: &'r [&'static str],
}

/// Every mention of the record, entity by entity in record order: parties,
/// courts, dates, products, then each quote followed by its speaker mention.
fn flatten(record: &Record) -> Vec<Flat<'_>> {
    let mut out = Vec::new();
    for p in &record.parties {
        let kind = if p.kind == "person" { Kind::Person } else { Kind::Organization };
        out.extend(p.mentions.iter().map(|m| Flat {
            kind,
            start: m.start,
            end: m.end,
            text: &m.text,
            value: Some(&p.name),
            rule: m.rule.as_deref(),
            roles: &p.roles,
        }));
    }
    for c in &record.courts {
        let value = c.id.as_deref().unwrap_or(&c.name);
        out.extend(c.mentions.iter().map(|m| Flat {
            kind: Kind::Court,
            start: m.start,
            end: m.end,
            text: &m.text,
            value: Some(value),
            rule: m.rule.as_deref(),
            roles: &[],
        }));
    }
    for d in &record.dates {
        out.push(Flat {
            kind: Kind::Date,
            start: d.start,
            end: d.end,
            text: &d.text,
            value: d.value.as_deref(),
            rule: d.rule.as_deref(),
            roles: &[],
        });
    }
    for p in &record.products {
        out.extend(p.mentions.iter().map(|m| Flat {
            kind: Kind::Product,
            start: m.start,
            end: m.end,
            text: &m.text,
            value: Some(&p.name),
            rule: m.rule.as_deref(),
            roles: &[],
        }));
    }
    for q in &record.quotes {
        let speaker = q.speaker.as_deref();
        out.push(Flat { kind: Kind::Quote, start: q.start, end: q.end, text: &q.text, value: speaker, rule: None, roles: &[] });
        if let Some(m) = &q.speaker_mention {
            out.push(Flat {
                kind: Kind::Speaker,
                start: m.start,
                end: m.end,
                text: &m.text,
                value: speaker,
                rule: m.rule.as_deref(),
                roles: &[],
            });
        }
    }
    out
}

/// A field with `\` `\t` `\n` `\r` written as `\\` `\t` `\n` `\r`.
fn escape(field: &str) -> Cow<'_, str> {
    if !field.contains(['\\', '\t', '\n', '\r']) {
        return Cow::Borrowed(field);
    }
    let mut out = String::with_capacity(field.len() + 8);
    for c in field.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// The header line of [`tsv`] (without its newline): `id`, `type`, `start`,
/// `end`, `text`, `value`, `rule`, separated by tabs.
pub fn tsv_header() -> &'static str {
    "id\ttype\tstart\tend\ttext\tvalue\trule"
}

/// The mentions of a record as tab-separated values, one row per mention,
/// each ending in `\n`, in the columns of [`tsv_header`] (which is not
/// included, so rows of many records concatenate).
///
/// The format is IANA `text/tab-separated-values`
/// (<https://www.iana.org/assignments/media-types/text/tab-separated-values>),
/// whose fields may hold no tab or line break. Inside every field a tab,
/// newline, carriage return and backslash are therefore escaped as `\t`,
/// `\n`, `\r` and `\\` (the escapes of "linear TSV",
/// <http://dataprotocols.org/linear-tsv/>, which jq's `@tsv` and the text
/// format of PostgreSQL's `COPY` also write), so every row has exactly
/// seven fields; undo the escapes to get the text back. Unlike linear TSV,
/// a null is an empty field, not `\N`.
///
/// Columns:
/// - `id`: the article's id.
/// - `type`: `party-org`, `party-person`, `court`, `date`, `product`,
///   `quote`, or `speaker` (the words naming a quote's speaker; its row
///   follows its quote's).
/// - `start`, `end`: character offsets (Unicode scalar values, as Python
///   `str` indices), `text[start:end]` is `text`.
/// - `text`: the mention as written.
/// - `value`: the normalized value: the party's name, the court's id (its
///   name when the id is null), the date's TIMEX3 value, the product's
///   name, the quote's (and speaker's) speaker; empty when null.
/// - `rule`: the rule that found the mention (with `--explain`), else empty.
///
/// Rows come entity by entity in record order (parties, courts, dates,
/// products, quotes), each entity's mentions in the record's order.
pub fn tsv(record: &Record) -> String {
    let id = escape(&record.id);
    let mut out = String::new();
    for m in flatten(record) {
        let fields = [
            id.as_ref(),
            m.kind.tsv(),
            &m.start.to_string(),
            &m.end.to_string(),
            &escape(m.text),
            &escape(m.value.unwrap_or("")),
            &escape(m.rule.unwrap_or("")),
        ];
        out.push_str(&fields.join("\t"));
        out.push('\n');
    }
    out
}

/// Characters that end a line for some reader of `.ann` files (Python's
/// `str.splitlines`), plus the tab that separates its fields.
fn is_break(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{b}' | '\u{c}' | '\u{1c}'..='\u{1e}' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// Byte offsets of chosen character offsets of a text, found in one pass;
/// offsets past the end map to the text's length.
struct ByteOffsets {
    map: Vec<(usize, usize)>,
    len: usize,
}

impl ByteOffsets {
    fn new(text: &str, mut chars: Vec<usize>) -> ByteOffsets {
        chars.sort_unstable();
        chars.dedup();
        let mut map = Vec::with_capacity(chars.len());
        let mut wanted = chars.into_iter().peekable();
        for (c, (b, _)) in text.char_indices().enumerate() {
            if wanted.peek().is_none() {
                break;
            }
            if wanted.next_if_eq(&c).is_some() {
                map.push((c, b));
            }
        }
        ByteOffsets { map, len: text.len() }
    }

    fn byte(&self, char_offset: usize) -> usize {
        self.map.binary_search_by_key(&char_offset, |p| p.0).map_or(self.len, |i| self.map[i].1)
    }
}

/// The fragments of a mention's characters `[start, end)` of `text`, split
/// at line breaks and tabs: `(start, end, text)` of each non-empty piece.
fn fragments<'t>(text: &'t str, offsets: &ByteOffsets, start: usize, end: usize) -> Vec<(usize, usize, &'t str)> {
    let (from, to) = (offsets.byte(start), offsets.byte(end));
    let Some(slice) = text.get(from..to.max(from)) else { return Vec::new() };
    let mut out = Vec::new();
    let (mut piece_char, mut piece_byte, mut chars) = (start, 0, 0);
    for (b, c) in slice.char_indices() {
        if is_break(c) {
            if b > piece_byte {
                out.push((piece_char, start + chars, &slice[piece_byte..b]));
            }
            piece_char = start + chars + 1;
            piece_byte = b + c.len_utf8();
        }
        chars += 1;
    }
    if slice.len() > piece_byte {
        out.push((piece_char, start + chars, &slice[piece_byte..]));
    }
    out
}

/// A note with every line break or tab replaced by a space.
fn one_line(note: &str) -> String {
    note.chars().map(|c| if is_break(c) { ' ' } else { c }).collect()
}

/// A record as brat standoff annotation
/// (<https://brat.nlplab.org/standoff.html>): the `.txt` content and the
/// `.ann` content, in that order.
///
/// The `.txt` content is the article's text as is; brat counts offsets in
/// characters of it, like the record. (A tool that reads the `.txt` with
/// newline translation would see `\r\n` as one character and shift later
/// offsets; brat itself does not translate.)
///
/// The `.ann` content has one text-bound annotation per mention,
/// `T{n}\t{Type} {start} {end}\t{text}`, numbered from `T1` in the order of
/// [`tsv`], with types `Organization`, `Person`, `Court`, `Date`, `Product`
/// and `Quote` (speaker mentions are not annotations; the speaker is a note
/// on the quote). A mention whose text holds a line break or a tab is
/// written with brat's discontinuous syntax, `T{n}\t{Type} {s1} {e1};{s2}
/// {e2}\t{text1} {text2}`, cut at those characters, whose text the spec
/// joins with a space; `text` always equals the `.txt` at the offsets.
/// Mentions with no characters are left out.
///
/// After a `T` line comes, when there is something to say, a note
/// `#{k}\tAnnotatorNotes T{n}\t{note}`, numbered from `#1`: the party's
/// name with its roles in brackets (`Amazon (plaintiff, defendant)`), the
/// court's id (its name when the id is null), the date's TIMEX3 value, the
/// product's name, the quote's speaker. Notes have line breaks and tabs
/// turned to spaces. [`brat_conf`] is the matching `annotation.conf`.
pub fn brat(record: &Record, article: &Article) -> (String, String) {
    let text = article.text.as_str();
    let mentions = flatten(record);
    let offsets = ByteOffsets::new(text, mentions.iter().flat_map(|m| [m.start, m.end]).collect());
    let mut ann = String::new();
    let (mut t, mut notes) = (0, 0);
    for m in &mentions {
        let Some(kind) = m.kind.brat() else { continue };
        let pieces = fragments(text, &offsets, m.start, m.end);
        if pieces.is_empty() {
            continue;
        }
        t += 1;
        let spans: Vec<String> = pieces.iter().map(|(s, e, _)| format!("{s} {e}")).collect();
        let words: Vec<&str> = pieces.iter().map(|p| p.2).collect();
        ann.push_str(&format!("T{t}\t{kind} {}\t{}\n", spans.join(";"), words.join(" ")));
        let note = match m.value {
            Some(v) if !m.roles.is_empty() => format!("{v} ({})", m.roles.join(", ")),
            Some(v) => v.to_string(),
            None => String::new(),
        };
        let note = one_line(&note);
        if !note.trim().is_empty() {
            notes += 1;
            ann.push_str(&format!("#{notes}\tAnnotatorNotes T{t}\t{note}\n"));
        }
    }
    (article.text.clone(), ann)
}

/// The brat `annotation.conf` (<https://brat.nlplab.org/configuration.html>)
/// for the `.ann` files of [`brat`]: the six entity types, no relations,
/// events or attributes, and an `<OVERLAP>` rule that lets annotations of
/// any types nest or cross (a product inside a quote). Notes need no
/// configuration.
pub fn brat_conf() -> String {
    "# brat annotation.conf for gazette exports (gazette extract --format brat)\n\
     [entities]\n\
     Organization\n\
     Person\n\
     Court\n\
     Date\n\
     Product\n\
     Quote\n\
     \n\
     [relations]\n\
     <OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>\n\
     \n\
     [events]\n\
     \n\
     [attributes]\n"
        .to_string()
}

/// A record as CoNLL-style IOB2 tags, one token per line
/// (the CoNLL-2003 layout, <https://aclanthology.org/W03-0419/>, with the
/// IOB2 scheme of Tjong Kim Sang and Veenstra,
/// <https://aclanthology.org/E99-1023/>).
///
/// The first line is `-DOCSTART- {id}`, then a blank line; then each
/// sentence of the article's document (`Document`, the extractor's own
/// sentences and word tokens, whitespace left out) as one line per token,
/// followed by a blank line. A token line has four tab-separated columns:
/// the token, its start and end (character offsets, as in the record) and
/// its tag: `B-`/`I-` with `ORG`, `PER`, `COURT`, `DATE` or `PRODUCT`, or
/// `O`. Tokens and the id are escaped as in [`tsv`] (`\t`, `\n`, `\r`,
/// `\\`); a token can hold a space (a combining mark after a space).
///
/// A token that is only partly inside a mention counts as inside. When
/// mentions share a token, the longer one is tagged and the other dropped;
/// at equal length the order is party, court, date, product, then the
/// earlier one. A mention's first token is `B-`, as is its first token in a
/// new sentence, so every sentence reads as valid IOB2 on its own. Quotes
/// are not tagged.
pub fn conll(extractor: &Extractor, article: &Article, record: &Record) -> String {
    let text = article.text.as_str();
    let doc = Document::new(text, &extractor.rules().abbreviations);
    let index = CharIndex::new(text);
    let tokens: Vec<(usize, usize)> =
        doc.tokens.iter().map(|t| (index.char_at(t.span.start), index.char_at(t.span.end))).collect();

    let mut mentions: Vec<(&str, u8, usize, usize)> = flatten(record)
        .into_iter()
        .filter_map(|m| m.kind.conll().map(|(label, rank)| (label, rank, m.start, m.end)))
        .collect();
    mentions.sort_by_key(|&(_, rank, start, end)| (Reverse(end.saturating_sub(start)), rank, start));
    // Per token: its label and whether it is its mention's first token.
    let mut tags: Vec<Option<(&str, bool)>> = vec![None; tokens.len()];
    for (label, _, start, end) in mentions {
        let first = tokens.partition_point(|t| t.1 <= start);
        let last = tokens.partition_point(|t| t.0 < end);
        let Some(covered) = tags.get_mut(first..last) else { continue };
        if covered.is_empty() || covered.iter().any(Option::is_some) {
            continue;
        }
        for (i, tag) in covered.iter_mut().enumerate() {
            *tag = Some((label, i == 0));
        }
    }

    let mut out = format!("-DOCSTART- {}\n\n", escape(&article.id));
    let mut sentence = None;
    for ((token, &(start, end)), tag) in doc.tokens.iter().zip(&tokens).zip(&tags) {
        let new_sentence = sentence != Some(token.sentence);
        if new_sentence && sentence.is_some() {
            out.push('\n');
        }
        sentence = Some(token.sentence);
        let column = match *tag {
            None => Cow::Borrowed("O"),
            Some((label, first)) => Cow::Owned(format!("{}-{label}", if first || new_sentence { "B" } else { "I" })),
        };
        out.push_str(&format!("{}\t{start}\t{end}\t{column}\n", escape(doc.str(token.span))));
    }
    if sentence.is_some() {
        out.push('\n');
    }
    out
}
