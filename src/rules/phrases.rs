//! Phrase matching: every gazetteer phrase found on word boundaries.
//!
//! A phrase can only start where a word starts, so instead of running an
//! automaton over every byte, the text is walked word by word and each word
//! is looked up in a table of the phrases that begin with it. Most words
//! begin no phrase, and a table of 40,000 phrases builds in a few
//! milliseconds where an automaton took forty, which is most of start-up.
//!
//! Matches are exactly those of an overlapping automaton filtered to word
//! boundaries: a phrase's first word is its longest alphanumeric prefix (or
//! its first character when that is not alphanumeric), and a match of a
//! phrase starting with a letter or digit must start a word of the text.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::span::Span;

/// Phrases by first word, case-sensitive and ASCII-case-insensitive ones in
/// two tables.
#[derive(Debug, Default)]
pub struct PhraseTable {
    exact: HashMap<Box<str>, Vec<Entry>, BuildWordHasher>,
    folded: HashMap<Box<str>, Vec<Entry>, BuildWordHasher>,
}

#[derive(Debug)]
struct Entry {
    phrase: Box<str>,
    rule: usize,
}

impl PhraseTable {
    /// Adds a phrase of rule `rule`; `fold` matches it ignoring ASCII case.
    pub fn add(&mut self, phrase: &str, rule: usize, fold: bool) {
        let key = first_word(phrase);
        let (table, key) = if fold { (&mut self.folded, key.to_ascii_lowercase()) } else { (&mut self.exact, key.to_string()) };
        table.entry(key.into_boxed_str()).or_default().push(Entry { phrase: phrase.into(), rule });
    }

    /// Calls `found(rule, span)` for every phrase on word boundaries in
    /// `text`, in text order of start.
    pub fn find(&self, text: &str, mut found: impl FnMut(usize, Span)) {
        let bytes = text.as_bytes();
        let mut lower = String::new();
        let mut i = 0;
        while i < bytes.len() {
            let (c, width) = char_at(text, i);
            let end = if c.is_alphanumeric() { word_end(text, i + width) } else { i + width };
            if !c.is_whitespace() {
                let word = &text[i..end];
                if let Some(entries) = self.exact.get(word) {
                    for e in entries {
                        if text[i..].starts_with(&*e.phrase) && ends_word(text, i + e.phrase.len()) {
                            found(e.rule, Span::new(i, i + e.phrase.len()));
                        }
                    }
                }
                if !self.folded.is_empty() {
                    lower.clear();
                    lower.push_str(word);
                    lower.make_ascii_lowercase();
                    if let Some(entries) = self.folded.get(lower.as_str()) {
                        for e in entries {
                            let end = i + e.phrase.len();
                            let same = bytes.get(i..end).is_some_and(|t| t.eq_ignore_ascii_case(e.phrase.as_bytes()));
                            if same && text.is_char_boundary(end) && ends_word(text, end) {
                                found(e.rule, Span::new(i, end));
                            }
                        }
                    }
                }
            }
            i = end;
        }
    }
}

/// The phrase's longest alphanumeric prefix, or its first character.
fn first_word(phrase: &str) -> &str {
    match phrase.chars().next() {
        Some(c) if c.is_alphanumeric() => &phrase[..word_end(phrase, c.len_utf8())],
        Some(c) => &phrase[..c.len_utf8()],
        None => phrase,
    }
}

/// The character at byte `i` and its width; `i` is a char boundary.
fn char_at(text: &str, i: usize) -> (char, usize) {
    let b = text.as_bytes()[i];
    if b.is_ascii() {
        return (char::from(b), 1);
    }
    let c = text[i..].chars().next().unwrap_or(' ');
    (c, c.len_utf8())
}

/// Where the run of alphanumeric characters from byte `i` ends.
fn word_end(text: &str, mut i: usize) -> usize {
    let bytes = text.as_bytes();
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_alphanumeric() {
            i += 1;
        } else if b.is_ascii() {
            break;
        } else {
            let (c, width) = char_at(text, i);
            if !c.is_alphanumeric() {
                break;
            }
            i += width;
        }
    }
    i
}

/// True when a match ending at `end` does not run into a longer word: the
/// characters on either side of `end` are not both alphanumeric.
fn ends_word(text: &str, end: usize) -> bool {
    let last = text[..end].chars().next_back();
    let next = text[end..].chars().next();
    !(last.is_some_and(char::is_alphanumeric) && next.is_some_and(char::is_alphanumeric))
}

/// FNV-1a: words are short, and the standard SipHash costs more than the
/// rest of a lookup.
#[derive(Default)]
struct WordHasher(u64);

type BuildWordHasher = BuildHasherDefault<WordHasher>;

impl Hasher for WordHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(table: &PhraseTable, text: &str) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        table.find(text, |rule, span| out.push((rule, span.text(text).to_string())));
        out
    }

    #[test]
    fn phrases_match_whole_words_only() {
        let mut t = PhraseTable::default();
        t.add("Amazon", 0, false);
        t.add("Amazon Web Services", 1, false);
        t.add("AT&T", 2, false);
        t.add("Société Générale", 3, false);
        let text = "Amazonian Amazon Web Services, AT&T and Société Générale; AT&Tx";
        let found = spans(&t, text);
        assert_eq!(
            found,
            [(0, "Amazon".into()), (1, "Amazon Web Services".into()), (2, "AT&T".into()), (3, "Société Générale".into())]
        );
    }

    #[test]
    fn phrases_fold_ascii_case_when_asked() {
        let mut t = PhraseTable::default();
        t.add("filed suit against", 0, true);
        t.add("'s", 1, false);
        assert_eq!(spans(&t, "Nokia Filed Suit Against Amazon's unit"), [(0, "Filed Suit Against".into()), (1, "'s".into())]);
        assert_eq!(spans(&t, "filed suit againstX É"), []);
    }
}
