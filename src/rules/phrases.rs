//! Phrase matching: every gazetteer phrase found on word boundaries.
//!
//! A phrase can only start where a word starts, so instead of running an
//! automaton over every byte, the text is walked word by word and each word
//! is looked up in a table of the phrases that begin with it. Most words
//! begin no phrase, and a table of 40,000 phrases builds in a few
//! milliseconds where an automaton took forty, which is most of start-up.
//!
//! Many phrases share a first word ("U.S. District Court for ...", "federal
//! court in ..."), so each word's phrases are kept sorted: those that begin
//! the text at a position are then the prefix chain of the last phrase that
//! sorts before the text there, found with one binary search.
//!
//! Matches are exactly those of an overlapping automaton filtered to word
//! boundaries: a phrase's first word is its longest alphanumeric prefix (or
//! its first character when that is not alphanumeric), and a match of a
//! phrase starting with a letter or digit must start a word of the text.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::span::Span;

/// A phrase, the rule it belongs to, and whether it ignores ASCII case.
pub type Phrase = (String, usize, bool);

/// Phrases by their first word, lower-cased: the case-sensitive ones, then
/// the case-insensitive ones.
#[derive(Debug, Default)]
pub struct PhraseTable {
    words: HashMap<Box<str>, [Sorted; 2], BuildWordHasher>,
}

/// The phrases of one first word in byte order (lower-cased when `fold`).
#[derive(Debug, Default)]
struct Sorted {
    fold: bool,
    entries: Vec<Entry>,
}

#[derive(Debug)]
struct Entry {
    phrase: Box<[u8]>,
    rule: usize,
    /// Index of the nearest earlier phrase that is a prefix of this one.
    parent: Option<usize>,
}

impl Sorted {
    fn new(fold: bool, mut list: Vec<(Box<[u8]>, usize)>) -> Sorted {
        list.sort();
        let mut entries: Vec<Entry> = Vec::with_capacity(list.len());
        for (phrase, rule) in list {
            // Every earlier prefix of this phrase is a prefix of the one before.
            let mut c = entries.len().checked_sub(1);
            while let Some(j) = c {
                if phrase.starts_with(&entries[j].phrase) {
                    break;
                }
                c = entries[j].parent;
            }
            entries.push(Entry { phrase, rule, parent: c });
        }
        Sorted { fold, entries }
    }

    /// Calls `found(length, rule)` for each phrase that begins `text`.
    fn each_prefix(&self, text: &[u8], mut found: impl FnMut(usize, usize)) {
        let byte = |b: u8| if self.fold { b.to_ascii_lowercase() } else { b };
        // How many phrases sort at or before `text` (a prefix sorts before).
        let count = self.entries.partition_point(|e| {
            let differ = e.phrase.iter().zip(text).map(|(a, b)| a.cmp(&byte(*b))).find(|o| o.is_ne());
            differ.unwrap_or(e.phrase.len().cmp(&text.len())).is_le()
        });
        let Some(last) = count.checked_sub(1) else { return };
        let common = self.entries[last].phrase.iter().zip(text).take_while(|(a, b)| **a == byte(**b)).count();
        // The phrases that begin `text` are the prefixes of `last` no
        // longer than what it shares with `text`.
        let mut c = Some(last);
        while let Some(j) = c {
            let e = &self.entries[j];
            if e.phrase.len() <= common {
                found(e.phrase.len(), e.rule);
            }
            c = e.parent;
        }
    }
}

impl PhraseTable {
    /// A table of `phrases`.
    pub fn new(phrases: Vec<Phrase>) -> PhraseTable {
        type Lists = [Vec<(Box<[u8]>, usize)>; 2];
        let mut lists: HashMap<Box<str>, Lists, BuildWordHasher> = HashMap::default();
        // Most first words begin many phrases: look the key up before
        // allocating it (start-up is mostly small allocations).
        let mut key = String::new();
        for (mut phrase, rule, fold) in phrases {
            key.clear();
            key.push_str(first_word(&phrase));
            key.make_ascii_lowercase();
            if fold {
                phrase.make_ascii_lowercase();
            }
            if !lists.contains_key(key.as_str()) {
                lists.insert(key.as_str().into(), Lists::default());
            }
            if let Some(list) = lists.get_mut(key.as_str()) {
                list[usize::from(fold)].push((phrase.into_bytes().into(), rule));
            }
        }
        let words = lists.into_iter().map(|(key, [exact, folded])| (key, [Sorted::new(false, exact), Sorted::new(true, folded)]));
        PhraseTable { words: words.collect() }
    }

    /// Calls `found(rule, span)` for every phrase on word boundaries in
    /// `text`.
    pub fn find(&self, text: &str, mut found: impl FnMut(usize, Span)) {
        let bytes = text.as_bytes();
        let mut lowered = String::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i].is_ascii_whitespace() {
                i += 1;
                continue;
            }
            let (c, width) = char_at(text, i);
            let end = if c.is_alphanumeric() { word_end(text, i + width) } else { i + width };
            let word = &text[i..end];
            // Keys are lower-cased; most words already are.
            let key = if word.bytes().any(|b| b.is_ascii_uppercase()) {
                lowered.clear();
                lowered.push_str(word);
                lowered.make_ascii_lowercase();
                lowered.as_str()
            } else {
                word
            };
            if !c.is_whitespace()
                && let Some(tables) = self.words.get(key)
            {
                for table in tables {
                    table.each_prefix(&bytes[i..], |len, rule| {
                        if text.is_char_boundary(i + len) && ends_word(text, i + len) {
                            found(rule, Span::new(i, i + len));
                        }
                    });
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
pub(crate) struct WordHasher(u64);

/// Hashes short words fast (phrase first words, token pattern sets).
pub(crate) type BuildWordHasher = BuildHasherDefault<WordHasher>;

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

    fn table(phrases: &[(&str, usize, bool)]) -> PhraseTable {
        PhraseTable::new(phrases.iter().map(|(p, r, f)| (p.to_string(), *r, *f)).collect())
    }

    #[test]
    fn phrases_match_whole_words_only() {
        let t = table(&[("Amazon", 0, false), ("Amazon Web Services", 1, false), ("AT&T", 2, false), ("Société Générale", 3, false)]);
        let text = "Amazonian Amazon Web Services, AT&T and Société Générale; AT&Tx";
        let mut found = spans(&t, text);
        found.sort();
        assert_eq!(
            found,
            [(0, "Amazon".into()), (1, "Amazon Web Services".into()), (2, "AT&T".into()), (3, "Société Générale".into())]
        );
    }

    #[test]
    fn phrases_sharing_a_first_word_are_all_found() {
        let t = table(&[
            ("U.S.", 0, false),
            ("U.S. Court of Appeals", 1, false),
            ("U.S. District Court", 2, false),
            ("U.S. District Court for Delaware", 3, false),
            ("U.S. District", 4, false),
            ("U.S. District Court", 5, false),
            ("u.s. district", 6, true),
        ]);
        let mut found = spans(&t, "a U.S. District Court for Delaware judge");
        found.sort();
        let want = [
            (0, "U.S."),
            (2, "U.S. District Court"),
            (3, "U.S. District Court for Delaware"),
            (4, "U.S. District"),
            (5, "U.S. District Court"),
            (6, "U.S. District"),
        ];
        assert_eq!(found, want.map(|(r, s)| (r, s.to_string())));
        assert_eq!(spans(&t, "U.S. Court of Appeal"), [(0, "U.S.".into())]);
    }

    #[test]
    fn phrases_fold_ascii_case_when_asked() {
        let t = table(&[("filed suit against", 0, true), ("'s", 1, false)]);
        assert_eq!(spans(&t, "Nokia Filed Suit Against Amazon's unit"), [(0, "Filed Suit Against".into()), (1, "'s".into())]);
        assert_eq!(spans(&t, "filed suit againstX É"), []);
    }
}
