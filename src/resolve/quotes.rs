//! Quotes: every quotation in an article (SPEC section 3, quotes) and who
//! said it.
//!
//! Detection works paragraph by paragraph, so an unbalanced mark never
//! swallows the rest of the article: a quote without its closing mark counts
//! only when the next paragraph opens with a quote mark (the convention for
//! a quote that runs on), and then ends with its paragraph. Marks nested
//! inside a quote belong to it. Short runs of words that reproduce no one's
//! words (titles, defined terms, words cited as words) are left out.
//!
//! Attribution looks at the sentence around the quote: a speech verb from
//! `rules/quotes.jsonl` with a party after it ("said Jane Doe") or before it
//! ("Nokia said", "the lawsuit says", "he said"); documents speak for the
//! party that filed them, pronouns for the latest fitting party, and a quote
//! with no verb near it continues the previous speaker.

use crate::document::Document;
use crate::rules::{Label, RuleSet};
use crate::span::{Span, SpanSet};

use super::parties::{Kind, Parties};
use super::Selected;

/// A quotation and its speaker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quote {
    /// The quoted words, inside the marks.
    pub span: Span,
    /// The speaker's party name, the describing phrase of an unnamed source,
    /// or `None`.
    pub speaker: Option<String>,
    /// The span that names the speaker.
    pub speaker_mention: Option<Span>,
}

/// Finds the quotes and attributes them. `document_author` is the party a
/// document without a named author ("the complaint says") speaks for: the
/// plaintiff of the first action the article reports.
pub fn resolve(
    doc: &Document<'_>,
    rules: &RuleSet,
    selected: &Selected,
    parties: &Parties,
    document_author: Option<usize>,
) -> Vec<Quote> {
    // "according to" attributes a whole sentence, not a quoted phrase in it.
    let speech = SpanSet::new(
        selected.of(Label::Speech).iter().map(|m| m.span).filter(|s| !doc.str(*s).eq_ignore_ascii_case("according to")),
    );
    let spans = find(doc, &speech);
    let inside = SpanSet::new(spans.iter().map(|q| Span::new(q.start.saturating_sub(1), q.end + 1)));
    // Party mentions outside quotes, by kind, for "he said" / "it added":
    // one pass for both kinds, as each mention is looked up among the quotes.
    let (mut people, mut organizations) = (Vec::new(), Vec::new());
    for &(s, p) in parties.mentions.iter().filter(|(s, _)| !inside.overlaps(*s)) {
        match parties.list[p].kind {
            Kind::Person => people.push((s, p)),
            Kind::Organization => organizations.push((s, p)),
        }
    }
    let ctx = Context { doc, rules, selected, parties, inside: &inside, people: &people, organizations: &organizations, document_author };
    let mut quotes: Vec<Quote> = Vec::new();
    // The last speaker found: its party, its quote (which holds its name,
    // so that a name is copied only for a quote it goes on to), and the
    // paragraph of that quote.
    let mut previous: Option<(Option<usize>, usize, usize)> = None;
    for &span in &spans {
        let previous_party = previous.and_then(|(p, _, _)| p);
        let paragraph = doc.paragraph_of(span.start);
        let (party, speaker, mention) = match ctx.attribute(span, previous_party) {
            Some(f) => f,
            None => match previous {
                // No verb near: the previous speaker goes on, within the
                // paragraph or into the next.
                Some((p, k, para)) if paragraph <= para + 1 => (p, quotes[k].speaker.clone(), quotes[k].speaker_mention),
                _ => ctx.preceding_subject(span, previous_party).unwrap_or((None, None, None)),
            },
        };
        previous = speaker.is_some().then_some((party, quotes.len(), paragraph));
        quotes.push(Quote { span, speaker, speaker_mention: mention });
    }
    quotes
}

struct Context<'a, 't> {
    doc: &'a Document<'t>,
    rules: &'a RuleSet,
    selected: &'a Selected,
    parties: &'a Parties,
    /// The quotes with their marks.
    inside: &'a SpanSet,
    /// Person and organization mentions outside quotes, in text order.
    people: &'a [(Span, usize)],
    organizations: &'a [(Span, usize)],
    document_author: Option<usize>,
}

/// Nouns that, after "the", refer back to an organization: "the company
/// said".
const ORG_NOUNS: [&str; 14] = [
    "company", "firm", "bank", "agency", "regulator", "department", "commission", "government", "group", "spokesperson",
    "spokeswoman", "spokesman", "carrier", "retailer",
];

/// Nouns that describe an unnamed person speaking.
const PEOPLE_NOUNS: [&str; 22] = [
    "person", "people", "source", "sources", "official", "officials", "executive", "executives", "lawyer", "lawyers",
    "spokesperson", "spokesman", "spokeswoman", "analyst", "analysts", "banker", "bankers", "investor", "investors",
    "employee", "employees", "adviser",
];

/// How unnamed sources are described: "a person familiar with the matter".
const SOURCES: [&str; 8] =
    ["a person ", "people familiar", "people close", "a source ", "sources ", "an official ", "officials ", "a spokesperson "];

/// The matches of a label that lie inside `region`, whole (lists are sorted).
fn in_region_matches(list: &[crate::rules::Match], region: Span) -> impl Iterator<Item = &crate::rules::Match> {
    let i = list.partition_point(|m| m.span.start < region.start);
    list[i..].iter().take_while(move |m| m.span.start < region.end).filter(move |m| m.span.end <= region.end)
}


type Found = (Option<usize>, Option<String>, Option<Span>);

impl Context<'_, '_> {
    fn outside_quotes(&self, span: Span) -> bool {
        !self.inside.overlaps(span)
    }

    fn party(&self, i: usize, mention: Span) -> Found {
        (Some(i), self.parties.list.get(i).map(|p| p.name.clone()), Some(mention))
    }

    /// The speaker of the quote at `span`, when its sentence names one.
    fn attribute(&self, span: Span, previous: Option<usize>) -> Option<Found> {
        let doc = self.doc;
        let open_sentence = doc.sentences.get(doc.sentence_of(span.start.saturating_sub(1)))?;
        let close_sentence = doc.sentences.get(doc.sentence_of(span.end))?;
        // Attribution is local: at most a few hundred bytes on either side.
        let open = Span::new(span.start.saturating_sub(1).max(open_sentence.start), span.start);
        let left = Span::new(doc.around(open, *open_sentence, 400).start, open.start);
        let close = Span::new(span.end, (span.end + 1).min(close_sentence.end));
        let right = Span::new(close.end, doc.around(close, *close_sentence, 400).end);
        // Read in place, not collected: only the first or the last is wanted.
        let verbs = |region: Span| {
            in_region_matches(self.selected.of(Label::Speech), region).map(|m| m.span).filter(|s| self.outside_quotes(*s))
        };
        // After the quote: `," X said` or `," said X`.
        if let Some(verb) = verbs(right).next() {
            let before = Span::new(right.start, verb.start);
            let after = Span::new(verb.end, right.end);
            // `," Jane Roe of Acme LLP, a lawyer for X, said`: the person.
            let mut named = self.candidates(before, previous);
            let speaker = named.iter().rposition(|(_, f)| self.is_person(f)).map(|i| named.swap_remove(i)).or_else(|| named.pop());
            let found = speaker.map(|(_, f)| f).or_else(|| self.object(after, previous));
            if found.is_some() {
                return found;
            }
        }
        // Before the quote: `X said: "..."`, `according to X, "..."`.
        if let Some(verb) = verbs(left).last() {
            let after = Span::new(verb.end, left.end);
            if doc.str(verb).eq_ignore_ascii_case("according to")
                && let Some(found) = self.object(after, previous)
            {
                return Some(found);
            }
            return self.subject(Span::new(left.start, verb.start), previous).or_else(|| self.object(after, previous));
        }
        // No verb near: a quote that opens its paragraph after "X said:".
        let i = doc.sentence_of(span.start.saturating_sub(1));
        let before = i.checked_sub(1).and_then(|j| doc.sentences.get(j)).filter(|s| doc.str(**s).ends_with(':'))?;
        let lead = Span::new(doc.around(Span::new(before.end, before.end), *before, 400).start, before.end);
        let verb = verbs(lead).last()?;
        self.subject(Span::new(lead.start, verb.start), previous).or_else(|| self.object(Span::new(verb.end, lead.end), previous))
    }

    /// For a quote no verb attributes and no earlier quote continues: the
    /// party the sentence before it, in its paragraph, is about ("Whitfield
    /// was also critical of both sides. \"...\"").
    fn preceding_subject(&self, span: Span, previous: Option<usize>) -> Option<Found> {
        let doc = self.doc;
        let i = doc.sentence_of(span.start.saturating_sub(1));
        let before = i.checked_sub(1).and_then(|j| doc.sentences.get(j))?;
        if doc.paragraph_of(before.start) != doc.paragraph_of(span.start) {
            return None;
        }
        let lead = Span::new(doc.around(Span::new(before.end, before.end), *before, 400).start, before.end);
        self.candidates(lead, previous).into_iter().map(|(_, f)| f).find(|f| f.0.is_some())
    }

    /// Everyone a region names who could speak, in text order: parties
    /// (possessors only when no one else is named: "Whitlock's lawyer,
    /// Samuel Ortega"), documents, pronouns and referring nouns ("the
    /// company", "the judge", "the person"), and unnamed sources.
    fn candidates(&self, region: Span, previous: Option<usize>) -> Vec<(Span, Found)> {
        let doc = self.doc;
        let mut items: Vec<(Span, Found)> = Vec::new();
        let possessive = |s: Span| doc.text.get(s.end..).is_some_and(|t| t.starts_with("'s") || t.starts_with("\u{2019}s"));
        let mut possessors = Vec::new();
        for (s, p) in self.parties.within(region) {
            if self.outside_quotes(s) {
                if possessive(s) { &mut possessors } else { &mut items }.push((s, self.party(p, s)));
            }
        }
        for m in in_region_matches(self.selected.of(Label::Document), region) {
            if self.outside_quotes(m.span) {
                let author = self.rules_author(m.rule);
                items.push((m.span, self.document(m.span, author, previous)));
            }
        }
        let first = doc.token_at(region.start);
        let tokens = &doc.tokens[first..];
        for (i, t) in tokens.iter().enumerate().take_while(|(_, t)| t.span.end <= region.end) {
            // The noun after "the", lower-cased (only there: this runs for every token).
            let next = || tokens.get(i + 1).filter(|n| n.span.end <= region.end).map(|n| doc.str(n.span).to_ascii_lowercase());
            let found = match doc.str(t.span) {
                "he" | "He" | "she" | "She" => self.pronoun(t.span, Kind::Person, None),
                "it" | "It" => self.pronoun(t.span, Kind::Organization, previous),
                "the" | "The" => match next().as_deref() {
                    Some("judge" | "justice") => self.pronoun(t.span, Kind::Person, None),
                    // "the company said", "the agency said", "the spokesperson said"
                    Some(noun) if ORG_NOUNS.contains(&noun) => self.pronoun(t.span, Kind::Organization, None),
                    // "the person said": the unnamed source named before.
                    Some("person" | "people" | "source" | "sources" | "official" | "officials") => self.earlier_source(t.span.start),
                    _ => None,
                },
                _ => None,
            };
            items.extend(found.map(|f| (t.span, f)));
        }
        if items.is_empty()
            && let Some(phrase) = self.unnamed_source(region)
        {
            items.push((phrase, (None, Some(doc.str(phrase).to_string()), Some(phrase))));
        }
        if items.is_empty() {
            items = possessors;
        }
        items.sort_by_key(|(s, _)| s.start);
        items
    }

    /// The speaker named after a verb or "according to": a person named
    /// right there ("said IRS Commissioner Dana Whitfield": the person, not the
    /// agency that titles them), else the first one named.
    fn object(&self, region: Span, previous: Option<usize>) -> Option<Found> {
        let mut items = self.candidates(region, previous);
        let doc = self.doc;
        let close_person = items.iter().position(|(s, f)| {
            s.start < region.start + 80 && self.is_person(f) && !doc.str(Span::new(region.start, s.start)).contains(',')
        });
        match close_person {
            Some(i) => Some(items.swap_remove(i).1),
            None => items.into_iter().next().map(|(_, f)| f),
        }
    }

    /// The speaker named before a verb: the subject's last clause when it
    /// names one ("Its owners held talks, a person close to the company
    /// said"; "A lawyer for O'Brien, Vincent Albano, said"), else the
    /// subject's last person, else who it names first.
    fn subject(&self, region: Span, previous: Option<usize>) -> Option<Found> {
        let doc = self.doc;
        let text = doc.str(region).trim_end_matches(|c: char| c == ',' || c.is_whitespace());
        let clause_start = text.rfind([',', ';']).map_or(region.start, |i| region.start + i + 1);
        let clause = Span::new(clause_start, region.start + text.len());
        for part in [clause, region] {
            let items = self.candidates(part, previous);
            if let Some(i) = items.iter().rposition(|(_, f)| self.is_person(f)) {
                return items.into_iter().nth(i).map(|(_, f)| f);
            }
            if let Some((_, f)) = items.into_iter().next() {
                return Some(f);
            }
        }
        None
    }

    fn is_person(&self, f: &Found) -> bool {
        f.0.and_then(|p| self.parties.list.get(p)).is_some_and(|p| p.kind == Kind::Person)
    }

    /// What a document rule says of its author: `plaintiff` (a filing),
    /// `previous` (a statement), `self` (a ruling speaks as itself).
    fn rules_author(&self, rule: usize) -> Option<String> {
        self.rules.rules.get(rule).and_then(|r| r.attr("author")).map(String::from)
    }

    /// A document speaks for the party after "filed by"; else a filing for
    /// the article's first plaintiff, a statement for the previous speaker,
    /// a ruling as itself.
    fn document(&self, span: Span, author: Option<String>, previous: Option<usize>) -> Found {
        let doc = self.doc;
        let sentence = doc.sentences.get(doc.sentence_of(span.start)).copied().unwrap_or(span);
        let rest = doc.text.get(span.end..sentence.end.min(span.end + 40)).unwrap_or("");
        for by in [" filed by ", " brought by ", " by "] {
            if rest.starts_with(by) {
                let after = Span::new(span.end + by.len(), sentence.end);
                if let Some((s, p)) = self.parties.within(after).next().filter(|(s, _)| s.start == after.start) {
                    return self.party(p, s);
                }
            }
        }
        let party = match author.as_deref() {
            Some("plaintiff") => self.document_author,
            Some("previous") => previous,
            _ => None,
        };
        match party {
            Some(p) => (Some(p), self.parties.list.get(p).map(|x| x.name.clone()), Some(span)),
            None => (None, Some(doc.str(span).to_string()), Some(span)),
        }
    }

    /// The latest unnamed source described before `at` ("according to a
    /// person familiar with the matter"), for "the person said".
    fn earlier_source(&self, at: usize) -> Option<Found> {
        let doc = self.doc;
        let window = doc.around(Span::new(at, at), Span::new(0, at), 800);
        let text = doc.str(window);
        let lower = text.to_lowercase();
        let found = SOURCES.iter().filter_map(|w| lower.rfind(w)).max()?;
        let phrase_start = window.start + found;
        let rest = &text[found..];
        let end = rest.find([',', '.', ';']).unwrap_or(rest.len());
        let end = rest[..end].find(" who ").unwrap_or(end);
        let span = Span::new(phrase_start, phrase_start + rest[..end].trim_end().len());
        Some((None, Some(doc.str(span).to_string()), Some(span)))
    }

    /// "he said": the latest person named before; "it added": the previous
    /// speaker when that is an organization (`previous`), else the latest
    /// organization named before.
    fn pronoun(&self, span: Span, kind: Kind, previous: Option<usize>) -> Option<Found> {
        if let Some(p) = previous.filter(|&p| self.parties.list.get(p).is_some_and(|x| x.kind == kind)) {
            return Some(self.party(p, span));
        }
        let list = if kind == Kind::Person { self.people } else { self.organizations };
        let i = list.partition_point(|(s, _)| s.end <= span.start);
        let latest = i.checked_sub(1).and_then(|j| list.get(j))?;
        Some(self.party(latest.1, span))
    }

    /// "a person familiar with the matter said": the describing phrase.
    fn unnamed_source(&self, region: Span) -> Option<Span> {
        let text = self.doc.str(region);
        let trimmed = text.trim_start_matches(|c: char| c == ',' || c.is_whitespace());
        let start = region.start + (text.len() - trimmed.len());
        let phrase = trimmed.trim_end();
        let lower = phrase.to_lowercase();
        let opens = ["a ", "an ", "one ", "two ", "people ", "sources ", "officials "].iter().any(|a| lower.starts_with(a));
        // Someone, not something: "a person familiar with", not "a court transcript".
        let someone = lower.split_whitespace().take(3).any(|w| PEOPLE_NOUNS.contains(&w));
        (opens && someone && phrase.split_whitespace().count() <= 8).then(|| Span::new(start, start + phrase.len()))
    }
}

/// The quotation spans of the document, inside the marks. `speech` holds
/// the speech verbs, which make a short quote after them a real one.
pub fn find(doc: &Document<'_>, speech: &SpanSet) -> Vec<Span> {
    let mut out = Vec::new();
    // Buffers for each paragraph in turn, allocated once an article.
    let mut marks = Vec::new();
    let mut closers: Vec<(char, usize)> = Vec::new();
    for (pi, para) in doc.paragraphs.iter().enumerate() {
        let text = doc.str(*para);
        let next_opens = doc
            .paragraphs
            .get(pi + 1)
            .and_then(|p| doc.str(*p).chars().next())
            .is_some_and(|c| matches!(c, '"' | '\u{201c}' | '\u{2018}' | '\'' | '\u{ab}' | '\u{201e}'));
        marks_of(text, &mut marks);
        // Where each closing mark really closes, found once per paragraph so
        // that an opening mark finds its close by binary search: a paragraph
        // of unbalanced marks stays linear.
        closers.clear();
        closers.extend(
            (marks.iter().enumerate()).filter(|(_, m)| m.prev.is_some_and(|prev| closes(m.c, m.next, prev))).map(|(k, m)| (m.c, k)),
        );
        closers.sort();
        let next_close = |wanted: &[char], after: usize| -> Option<usize> {
            wanted
                .iter()
                .filter_map(|m| {
                    let i = closers.partition_point(|&(c, j)| (c, j) <= (*m, after));
                    closers.get(i).filter(|(c, _)| c == m).map(|(_, j)| *j)
                })
                .min()
        };
        let mut i = 0;
        while i < marks.len() {
            let mark = &marks[i];
            let Some(wanted) = opener(mark.c, mark.prev, mark.next) else {
                i += 1;
                continue;
            };
            let start = para.start + mark.at + mark.c.len_utf8();
            match next_close(wanted, i) {
                Some(j) => {
                    let span = Span::new(start, para.start + marks[j].at);
                    if is_quotation(doc, span, speech) {
                        out.push(span);
                    }
                    i = j + 1;
                }
                None if next_opens => {
                    let span = Span::new(start, para.end);
                    if is_quotation(doc, span, speech) {
                        out.push(span);
                    }
                    break;
                }
                None => i += 1,
            }
        }
    }
    out
}

/// The closing marks for an opening mark, when `c` opens a quote here.
fn opener(c: char, prev: Option<char>, next: Option<char>) -> Option<&'static [char]> {
    let open_context = prev.is_none_or(|p| p.is_whitespace() || "([{—–-/:".contains(p));
    let next_ok = next.is_some_and(|n| !n.is_whitespace());
    match c {
        '"' if open_context && next_ok => Some(&['"']),
        '\u{201c}' if next_ok => Some(&['\u{201d}', '"']),
        '\u{201e}' => Some(&['\u{201c}', '\u{201d}']),
        '\u{ab}' => Some(&['\u{bb}']),
        '\u{2018}' if open_context && next.is_some_and(char::is_alphabetic) => Some(&['\u{2019}']),
        '\'' if open_context && next.is_some_and(char::is_alphabetic) => Some(&['\'']),
        _ => None,
    }
}

/// A quote mark or apostrophe, with the characters on either side.
struct Mark {
    /// Byte offset in the paragraph.
    at: usize,
    c: char,
    prev: Option<char>,
    next: Option<char>,
}

/// Every character of `text` that may open or close a quotation, in `out`
/// (cleared first). Only these are kept, so a long paragraph costs no more
/// memory than its marks.
fn marks_of(text: &str, out: &mut Vec<Mark>) {
    let bytes = text.as_bytes();
    let (blocks, tail) = bytes.as_chunks::<BLOCK>();
    // The tail padded with zeros, which start no mark.
    let mut last = [0u8; BLOCK];
    last[..tail.len()].copy_from_slice(tail);
    out.clear();
    for (k, block) in blocks.iter().chain([&last]).enumerate() {
        // Most blocks hold no lead byte: one test skips them.
        let mut bits = lead_bits(block);
        while bits != 0 {
            let at = k * BLOCK + bits.trailing_zeros() as usize;
            bits &= bits - 1;
            let Some(c) = mark_at(bytes, at) else { continue };
            let prev = char_before(text, at);
            let next = char_after(text, at + c.len_utf8());
            out.push(Mark { at, c, prev, next });
        }
    }
}

/// The mark whose UTF-8 starts with the lead byte at `at`, read off its
/// bytes: decoding it as a char cost more than the rest of the test, and
/// every lead byte of the text (many a dash or ellipsis) is tested.
fn mark_at(bytes: &[u8], at: usize) -> Option<char> {
    match bytes[at] {
        b'"' => Some('"'),
        b'\'' => Some('\''),
        0xC2 => match bytes.get(at + 1)? {
            0xAB => Some('\u{ab}'),
            0xBB => Some('\u{bb}'),
            _ => None,
        },
        0xE2 if bytes.get(at + 1) == Some(&0x80) => match bytes.get(at + 2)? {
            0x98 => Some('\u{2018}'),
            0x99 => Some('\u{2019}'),
            0x9C => Some('\u{201c}'),
            0x9D => Some('\u{201d}'),
            0x9E => Some('\u{201e}'),
            _ => None,
        },
        _ => None,
    }
}

/// The character that ends at `at`, a char boundary: an ASCII byte is
/// taken as it is, as most are, and only other bytes are decoded.
fn char_before(text: &str, at: usize) -> Option<char> {
    match at.checked_sub(1).map(|i| text.as_bytes()[i]) {
        Some(b) if b.is_ascii() => Some(char::from(b)),
        Some(_) => text[..at].chars().next_back(),
        None => None,
    }
}

/// The character that starts at `at`, a char boundary, as `char_before`
/// reads it.
fn char_after(text: &str, at: usize) -> Option<char> {
    match text.as_bytes().get(at) {
        Some(&b) if b.is_ascii() => Some(char::from(b)),
        Some(_) => text[at..].chars().next(),
        None => None,
    }
}

/// The bytes `marks_of` tests at once: 64, one bit each in a `u64`, as
/// with sixteen the loop over blocks cost more than the tests in it.
const BLOCK: usize = 64;

/// The bytes a mark's UTF-8 starts with: « » start with 0xC2, the curly
/// marks with 0xE2, so `mark_at` reads the text only there.
const LEADS: [u8; 4] = [b'"', b'\'', 0xC2, 0xE2];

/// Bit `j` set when `block[j]` is one of the `LEADS`. Written with SSE2 (part of every
/// x86_64), sixteen bytes at a time, as the compiler vectorises no portable
/// form of it that also yields the bits to walk.
#[cfg(target_arch = "x86_64")]
fn lead_bits(block: &[u8; BLOCK]) -> u64 {
    use std::arch::x86_64::{_mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8};
    let mut bits = 0;
    for (k, chunk) in block.chunks_exact(16).enumerate() {
        // SAFETY: SSE2 is enabled on every x86_64 target, and the load reads
        // the chunk's 16 bytes, which `loadu` takes at any alignment.
        let hits = unsafe {
            let v = _mm_loadu_si128(chunk.as_ptr().cast());
            let eq = |b: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(b as i8));
            _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(eq(LEADS[0]), eq(LEADS[1])), _mm_or_si128(eq(LEADS[2]), eq(LEADS[3]))))
        };
        bits |= u64::from(hits as u16) << (16 * k);
    }
    bits
}

/// Bit `j` set when `block[j]` is one of the `LEADS`, one byte at a time.
#[cfg(any(test, not(target_arch = "x86_64")))]
fn lead_bits_portable(block: &[u8; BLOCK]) -> u64 {
    block.iter().enumerate().fold(0, |bits, (j, &b)| bits | u64::from(LEADS.contains(&b)) << j)
}

#[cfg(not(target_arch = "x86_64"))]
use lead_bits_portable as lead_bits;

/// True when a closing-mark candidate really closes: an apostrophe inside a
/// word ("Nokia’s") does not.
fn closes(c: char, next: Option<char>, prev: char) -> bool {
    match c {
        '\u{2019}' | '\'' => !prev.is_whitespace() && next.is_none_or(|n| !n.is_alphanumeric()),
        '"' | '\u{201d}' | '\u{201c}' | '\u{bb}' => true,
        _ => false,
    }
}

/// False for titles, names, defined terms and words cited as words: short
/// runs with no sentence punctuation inside, unless a speech verb earlier
/// in the sentence attributes them ("said it would \"vigorously defend\"").
fn is_quotation(doc: &Document<'_>, span: Span, speech: &SpanSet) -> bool {
    let text = doc.str(span).trim();
    // Up to seven words: what a short run is made of matters, and a longer
    // one is never a title.
    // On the stack: this runs for every pair of marks.
    let mut first = [""; 7];
    let n = first.iter_mut().zip(words_of(text)).map(|(slot, w)| *slot = w).count();
    let words = &first[..n];
    if words.is_empty() {
        return false;
    }
    // The context just outside the marks (a few words, never the whole text).
    let window = |from: usize, to: usize| doc.text.get(from..to).unwrap_or("");
    let mut lo = span.start.saturating_sub(40);
    while !doc.text.is_char_boundary(lo) {
        lo -= 1;
    }
    let before = window(lo, span.start);
    let before = before.get(..before.len().saturating_sub(1)).unwrap_or("").trim_end();
    let mut hi = (span.end + 8).min(doc.text.len());
    while !doc.text.is_char_boundary(hi) {
        hi -= 1;
    }
    let after = window(span.end, hi);
    let after = after.char_indices().nth(1).map_or("", |(i, _)| &after[i..]);
    let defined = before.ends_with('(') || after.trim_start().starts_with(')');
    let capitalized = words.len() <= 6 && words.iter().all(|w| {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric());
        w.is_empty() || w.chars().next().is_some_and(|c| c.is_uppercase() || c.is_numeric()) || ["of", "and", "the", "for", "a", "in", "on", "to"].contains(&w)
    });
    if defined || capitalized {
        return false;
    }
    // Sentence punctuation inside makes a quotation whatever came before;
    // the context is read only for the runs without it.
    if text.ends_with(['.', ',', '!', '?', ';', ':']) || text.ends_with("...") {
        return true;
    }
    let cited = ["called", "dubbed", "named", "titled", "term", "word", "words", "so-called", "as", "phrase", "label", "labeled", "branded"]
        .iter()
        .any(|w| before.ends_with(w));
    // A speech verb just before: "said the company would \"vigorously defend\"".
    let attributed = || {
        let sentence = doc.sentences.get(doc.sentence_of(span.start)).copied().unwrap_or(span);
        let lead_in = Span::new(doc.around(span, sentence, 60).start, span.start.saturating_sub(1));
        speech.overlaps(lead_in)
    };
    !cited && (words.len() >= 5 || attributed())
}

/// The words of `text` as `split_whitespace` finds them, reading ASCII a
/// byte at a time where `split_whitespace` decodes every character (the
/// quotes' short runs and the cases' subjects).
pub(super) fn words_of(text: &str) -> impl Iterator<Item = &str> {
    let mut at = 0;
    // Moves `at` past the characters whose whitespace-ness is `space`.
    let mut skip = move |space: bool| {
        while let Some((len, _)) = char_at(text, at).filter(|&(_, s)| s == space) {
            at += len;
        }
        at
    };
    std::iter::from_fn(move || {
        let start = skip(true);
        let end = skip(false);
        (end > start).then(|| &text[start..end])
    })
}

/// The byte length of the character at byte `i` of `text`, and whether it
/// is whitespace; `None` at the end.
fn char_at(text: &str, i: usize) -> Option<(usize, bool)> {
    match *text.as_bytes().get(i)? {
        // Of ASCII, `char::is_whitespace` takes the space and \t to \r.
        b if b < 0x80 => Some((1, matches!(b, b' ' | b'\t'..=b'\r'))),
        _ => text[i..].chars().next().map(|c| (c.len_utf8(), c.is_whitespace())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Abbreviations;
    use proptest::prelude::*;

    /// `marks_of` as a plain walk over every character, with its neighbours.
    fn marks_by_chars(text: &str) -> Vec<(usize, char, Option<char>, Option<char>)> {
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        (0..chars.len())
            .filter(|&k| "\"'\u{2018}\u{2019}\u{201c}\u{201d}\u{201e}\u{ab}\u{bb}".contains(chars[k].1))
            .map(|k| (chars[k].0, chars[k].1, k.checked_sub(1).map(|j| chars[j].1), chars.get(k + 1).map(|c| c.1)))
            .collect()
    }

    proptest! {
        #[test]
        fn quotes_marks_are_those_of_a_char_walk(text in "[a \"'\u{2018}\u{2019}\u{201c}\u{201d}\u{201e}\u{ab}\u{bb}\u{2014}\u{e2}\u{c2}\u{a0}\u{2122}\u{201f}\u{2020}\u{2098}\u{2e18}\u{1f600}]{0,80}") {
            // A buffer holding another text's marks first, as `find` reuses one.
            let mut marks = vec![Mark { at: 0, c: '"', prev: None, next: None }];
            marks_of(&text, &mut marks);
            let found: Vec<_> = marks.iter().map(|m| (m.at, m.c, m.prev, m.next)).collect();
            prop_assert_eq!(found, marks_by_chars(&text));
        }
    }

    proptest! {
        #[test]
        fn quotes_lead_bits_are_those_of_a_byte_walk(bytes in proptest::collection::vec(prop_oneof![Just(b'"'), Just(b'\''), Just(0xC2u8), Just(0xE2u8), any::<u8>()], BLOCK)) {
            let block: [u8; BLOCK] = bytes.try_into().unwrap_or([0; BLOCK]);
            prop_assert_eq!(lead_bits(&block), lead_bits_portable(&block));
        }
    }

    proptest! {
        #[test]
        fn quotes_words_are_those_of_split_whitespace(text in "[a .,\t\n\r\u{b}\u{c}\u{85}\u{a0}\u{1680}\u{2000}\u{2028}\u{3000}\u{200b}\u{e9}\u{2019}\u{201c}]{0,40}") {
            prop_assert_eq!(words_of(&text).collect::<Vec<_>>(), text.split_whitespace().collect::<Vec<_>>());
        }
    }

    fn quotes(text: &str) -> Vec<String> {
        let doc = Document::new(text, &Abbreviations::default());
        find(&doc, &SpanSet::default()).iter().map(|s| doc.str(*s).to_string()).collect()
    }

    #[test]
    fn quotes_go_to_the_lawyer_not_the_firm() {
        let extractor = crate::Extractor::builtin().unwrap();
        let text = "\"This is a fair result,\" Alicia Ostby of Montrell Gale LLP, counsel for the dealers, said. Halvorsen Marine Inc. sued Brightwater Ltd. in May; Brightwater is represented by Tobias Renwick of Renwick Falk LLP. \"We will appeal,\" Renwick said.";
        let record = extractor.extract(&crate::Article::new("q", text));
        let speakers: Vec<Option<String>> = record.quotes.iter().map(|q| q.speaker.clone()).collect();
        assert_eq!(speakers, [Some("Alicia Ostby".to_string()), Some("Tobias Renwick".to_string())]);
    }

    #[test]
    fn quotes_nest_and_skip_apostrophes() {
        let t = "He said \"Nokia announced a \u{201c}new company strategy\u{201d} in 2020.\" Nokia\u{2019}s shares 'rose sharply,' he said.";
        assert_eq!(quotes(t), ["Nokia announced a \u{201c}new company strategy\u{201d} in 2020.", "rose sharply,"]);
    }

    #[test]
    fn quotes_stay_in_their_paragraph_unless_continued() {
        assert_eq!(quotes("\u{201c}We will fight this in court\n\nNothing else here."), Vec::<String>::new());
        assert_eq!(
            quotes("\u{201c}We will fight this in every court\n\n\u{201c}And we will win,\u{201d} she said."),
            ["We will fight this in every court", "And we will win,"]
        );
    }

    #[test]
    fn quotes_leave_out_titles_and_defined_terms() {
        assert_eq!(quotes("the \"Built to Serve\" campaign and Talbot Reyes, Inc. (\"TRII\") and the \"processing fees\" it took"), Vec::<String>::new());
    }
}
