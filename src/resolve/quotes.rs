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
use crate::rules::Label;
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
pub fn resolve(doc: &Document<'_>, selected: &Selected, parties: &Parties, document_author: Option<usize>) -> Vec<Quote> {
    // "according to" attributes a whole sentence, not a quoted phrase in it.
    let speech = SpanSet::new(
        selected.of(Label::Speech).iter().map(|m| m.span).filter(|s| !doc.str(*s).eq_ignore_ascii_case("according to")),
    );
    let spans = find(doc, &speech);
    let inside = SpanSet::new(spans.iter().map(|q| Span::new(q.start.saturating_sub(1), q.end + 1)));
    // Party mentions outside quotes, by kind, for "he said" / "it added".
    let outside = |kind: Kind| -> Vec<(Span, usize)> {
        parties.mentions.iter().copied().filter(|(s, p)| !inside.overlaps(*s) && parties.list[*p].kind == kind).collect()
    };
    let people = outside(Kind::Person);
    let organizations = outside(Kind::Organization);
    let ctx = Context { doc, selected, parties, inside: &inside, people: &people, organizations: &organizations, document_author };
    let mut quotes: Vec<Quote> = Vec::new();
    // The last speaker found, and the paragraph of its quote.
    let mut previous: Option<(Found, usize)> = None;
    for &span in &spans {
        let previous_party = previous.as_ref().and_then(|(f, _)| f.0);
        let paragraph = doc.paragraph_of(span.start);
        let found = match ctx.attribute(span, previous_party) {
            Some(f) => f,
            None => match &previous {
                // No verb near: the previous speaker goes on, within the
                // paragraph or into the next.
                Some((f, para)) if paragraph <= para + 1 => f.clone(),
                _ => (None, None, None),
            },
        };
        let (_, speaker, mention) = found.clone();
        previous = speaker.is_some().then_some((found, paragraph));
        quotes.push(Quote { span, speaker, speaker_mention: mention });
    }
    quotes
}

struct Context<'a, 't> {
    doc: &'a Document<'t>,
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

/// The matches of a label that lie inside `region` (lists are sorted).
fn in_region<'m>(list: &'m [crate::rules::Match], region: Span) -> impl Iterator<Item = Span> + 'm {
    let i = list.partition_point(|m| m.span.start < region.start);
    list[i..].iter().map(|m| m.span).take_while(move |s| s.start < region.end).filter(move |s| s.end <= region.end)
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
        let verbs = |region: Span| -> Vec<Span> {
            in_region(self.selected.of(Label::Speech), region).filter(|s| self.outside_quotes(*s)).collect()
        };
        // After the quote: `," said X` or `," X said`.
        if let Some(verb) = verbs(right).first().copied() {
            let after = Span::new(verb.end, right.end);
            let before = Span::new(right.start, verb.start);
            if let Some(found) = self.speaker_in(before, true, previous).or_else(|| self.speaker_in(after, false, previous)) {
                return Some(found);
            }
            if let Some(phrase) = self.unnamed_source(before) {
                return Some((None, Some(doc.str(phrase).to_string()), Some(phrase)));
            }
        }
        // Before the quote: `X said: "..."`, `according to X, "..."`.
        if let Some(verb) = verbs(left).last().copied() {
            let verb_text = doc.str(verb).to_ascii_lowercase();
            if verb_text == "according to"
                && let Some(found) = self.speaker_in(Span::new(verb.end, left.end), false, previous) {
                    return Some(found);
                }
            let subject = Span::new(left.start, verb.start);
            return self
                .speaker_in(subject, false, previous)
                .or_else(|| self.speaker_in(Span::new(verb.end, left.end), false, previous))
                .or_else(|| self.unnamed_source(subject).map(|p| (None, Some(doc.str(p).to_string()), Some(p))));
        }
        // A quote that opens its paragraph after "X said:" ends the one before.
        let i = doc.sentence_of(span.start.saturating_sub(1));
        let before = i.checked_sub(1).and_then(|j| doc.sentences.get(j)).filter(|s| doc.str(**s).ends_with(':'))?;
        let lead = Span::new(doc.around(Span::new(before.end, before.end), *before, 400).start, before.end);
        let verb = verbs(lead).last().copied()?;
        self.speaker_in(Span::new(lead.start, verb.start), false, previous)
            .or_else(|| self.speaker_in(Span::new(verb.end, lead.end), false, previous))
    }

    /// The first (or, with `last`, the latest) speaker named in `region`:
    /// a party, a document or a pronoun.
    fn speaker_in(&self, region: Span, last: bool, previous: Option<usize>) -> Option<Found> {
        let doc = self.doc;
        let mut items: Vec<(Span, Found)> = Vec::new();
        // "Whitlock's lawyer, Samuel Ortega, said": a possessor is not the
        // speaker when someone else is named.
        let possessive = |s: Span| doc.text.get(s.end..).is_some_and(|t| t.starts_with("'s") || t.starts_with("\u{2019}s"));
        let mut possessors = Vec::new();
        for (s, p) in self.parties.within(region) {
            if self.outside_quotes(s) {
                if possessive(s) { &mut possessors } else { &mut items }.push((s, self.party(p, s)));
            }
        }
        for span in in_region(self.selected.of(Label::Document), region) {
            if self.outside_quotes(span) {
                items.push((span, self.document(span)));
            }
        }
        let first = doc.token_at(region.start);
        let tokens = &doc.tokens[first..];
        for (i, t) in tokens.iter().enumerate().take_while(|(_, t)| t.span.end <= region.end) {
            let word = doc.str(t.span);
            let next = tokens.get(i + 1).filter(|n| n.span.end <= region.end).map(|n| doc.str(n.span).to_ascii_lowercase());
            let referent = match (word, next.as_deref()) {
                ("he" | "He" | "she" | "She", _) => Some((Kind::Person, None)),
                ("it" | "It", _) => Some((Kind::Organization, previous)),
                // "the company said", "the agency said", "the spokesperson said"
                ("the" | "The", Some(noun)) if ORG_NOUNS.contains(&noun) => Some((Kind::Organization, None)),
                _ => None,
            };
            if let Some((kind, previous)) = referent
                && let Some(found) = self.pronoun(t.span, kind, previous) {
                    items.push((t.span, found));
                }
        }
        if items.is_empty() {
            items = possessors;
        }
        items.sort_by_key(|(s, _)| s.start);
        if last {
            return items.pop().map(|(_, f)| f);
        }
        // "said IRS Commissioner Doug Shulman": the person, not the agency
        // that titles them.
        let is_person = |f: &Found| f.0.and_then(|p| self.parties.list.get(p)).is_some_and(|p| p.kind == Kind::Person);
        let near = region.start + 80;
        let person = items.iter().position(|(s, f)| s.start < near && is_person(f));
        match person {
            Some(i) => Some(items.swap_remove(i).1),
            None => items.into_iter().next().map(|(_, f)| f),
        }
    }

    /// A document speaks for the party after "filed by", else its author.
    fn document(&self, span: Span) -> Found {
        let doc = self.doc;
        let sentence = doc.sentences.get(doc.sentence_of(span.start)).copied().unwrap_or(span);
        let rest = doc.text.get(span.end..sentence.end).unwrap_or("");
        for by in [" filed by ", " brought by ", " by "] {
            if rest.starts_with(by) {
                let after = Span::new(span.end + by.len(), sentence.end);
                if let Some((s, p)) = self.parties.within(after).next().filter(|(s, _)| s.start == after.start) {
                    return self.party(p, s);
                }
            }
        }
        match self.document_author {
            Some(p) => (Some(p), self.parties.list.get(p).map(|x| x.name.clone()), Some(span)),
            None => (None, Some(doc.str(span).to_string()), Some(span)),
        }
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
        (opens && phrase.split_whitespace().count() <= 8).then(|| Span::new(start, start + phrase.len()))
    }
}

/// The quotation spans of the document, inside the marks. `speech` holds
/// the speech verbs, which make a short quote after them a real one.
pub fn find(doc: &Document<'_>, speech: &SpanSet) -> Vec<Span> {
    let mut out = Vec::new();
    for (pi, para) in doc.paragraphs.iter().enumerate() {
        let text = doc.str(*para);
        let next_opens = doc
            .paragraphs
            .get(pi + 1)
            .and_then(|p| doc.str(*p).chars().next())
            .is_some_and(|c| matches!(c, '"' | '\u{201c}' | '\u{2018}' | '\'' | '\u{ab}' | '\u{201e}'));
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        // Where each closing mark really closes, found once per paragraph so
        // that an opening mark finds its close by binary search: a paragraph
        // of unbalanced marks stays linear.
        let mut closers: Vec<(char, usize)> = (1..chars.len())
            .filter(|&j| closes(chars[j].1, chars.get(j + 1).map(|x| x.1), chars[j - 1].1))
            .map(|j| (chars[j].1, j))
            .collect();
        closers.sort();
        let next_close = |marks: &[char], after: usize| -> Option<usize> {
            marks
                .iter()
                .filter_map(|m| {
                    let i = closers.partition_point(|&(c, j)| (c, j) <= (*m, after));
                    closers.get(i).filter(|(c, _)| c == m).map(|(_, j)| *j)
                })
                .min()
        };
        let mut i = 0;
        while i < chars.len() {
            let (at, c) = chars[i];
            let prev = i.checked_sub(1).map(|j| chars[j].1);
            let next = chars.get(i + 1).map(|x| x.1);
            let Some(marks) = opener(c, prev, next) else {
                i += 1;
                continue;
            };
            let start = para.start + at + c.len_utf8();
            match next_close(marks, i) {
                Some(j) => {
                    let span = Span::new(start, para.start + chars[j].0);
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
    let words: Vec<&str> = text.split_whitespace().collect();
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
    let after: String = window(span.end, hi).chars().skip(1).collect();
    let defined = before.ends_with('(') || after.trim_start().starts_with(')');
    let capitalized = words.iter().all(|w| {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric());
        w.is_empty() || w.chars().next().is_some_and(|c| c.is_uppercase() || c.is_numeric()) || ["of", "and", "the", "for", "a", "in", "on", "to"].contains(&w)
    });
    if defined || (capitalized && words.len() <= 6) {
        return false;
    }
    let ends_sentence = text.ends_with(['.', ',', '!', '?', ';', ':']) || text.ends_with("...");
    let cited = ["called", "dubbed", "named", "titled", "term", "word", "words", "so-called", "as", "phrase", "label", "labeled", "branded"]
        .iter()
        .any(|w| before.ends_with(w));
    // A speech verb just before: "said the company would \"vigorously defend\"".
    let sentence = doc.sentences.get(doc.sentence_of(span.start)).copied().unwrap_or(span);
    let lead_in = Span::new(doc.around(span, sentence, 60).start, span.start.saturating_sub(1));
    let attributed = speech.overlaps(lead_in);
    (words.len() >= 5 || attributed) && !cited || ends_sentence
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Abbreviations;

    fn quotes(text: &str) -> Vec<String> {
        let doc = Document::new(text, &Abbreviations::default());
        find(&doc, &SpanSet::default()).iter().map(|s| doc.str(*s).to_string()).collect()
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
        assert_eq!(quotes("the \"Army of One\" campaign and Morgan Cooper, Inc. (\"MCII\") and the \"processing fees\" it took"), Vec::<String>::new());
    }
}
