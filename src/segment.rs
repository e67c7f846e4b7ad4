//! Unicode sentence and word boundaries (UAX #29) with a fast path for the
//! characters news copy is made of.
//!
//! `unicode-segmentation` looks every character up in a table of ranges,
//! which was a sixth of extraction time. Text made only of ASCII, Latin
//! letters and the common typographic marks (curly quotes, dashes, no-break
//! space) is segmented here by the same rules on characters whose class is
//! known without a table; any other text goes to the crate. The fast path
//! finds words and sentence bounds in one walk, reads ASCII bytes by table
//! (runs of letters and digits from 64-byte blocks' bit masks) and decodes
//! only the other characters; at the first it has no class for, the text is
//! cut again by the crate. Property tests check that both give the same
//! boundaries.

use crate::rules::blocks::{Blocks, BLOCK};
use unicode_segmentation::UnicodeSegmentation;

/// A character's sentence break class (UAX #29, table 4), for the
/// characters of the fast path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    Cr,
    Lf,
    Sep,
    Sp,
    Lower,
    Upper,
    Numeric,
    ATerm,
    STerm,
    Close,
    SContinue,
    Other,
}

/// A table of `$class_of` over the ASCII characters, built at compile time
/// so that the hot loops look classes up rather than match them.
macro_rules! ascii_table {
    ($class_of:ident, $other:expr) => {{
        let mut table = [$other; 128];
        let mut b = 0;
        while b < 128 {
            if let Some(class) = $class_of(b as u8 as char) {
                table[b] = class;
            }
            b += 1;
        }
        table
    }};
}

/// Sentence classes of the ASCII characters.
const ASCII_SENTENCE: [Class; 128] = ascii_table!(class_of, Class::Other);

const fn class_of(c: char) -> Option<Class> {
    Some(match c {
        '\r' => Class::Cr,
        '\n' => Class::Lf,
        '\t' | '\u{b}' | '\u{c}' | ' ' | '\u{a0}' => Class::Sp,
        'a'..='z' => Class::Lower,
        'A'..='Z' => Class::Upper,
        '0'..='9' => Class::Numeric,
        '.' => Class::ATerm,
        '!' | '?' => Class::STerm,
        '"' | '\'' | '(' | ')' | '[' | ']' | '{' | '}' | '\u{ab}' | '\u{bb}' | '\u{2018}'..='\u{201f}' => Class::Close,
        ',' | '-' | ':' | ';' | '\u{2013}' | '\u{2014}' => Class::SContinue,
        '\u{85}' | '\u{2028}' | '\u{2029}' => Class::Sep,
        '\u{0}'..='\u{8}' | '\u{e}'..='\u{1f}' | '\u{7f}' => Class::Other,
        '#' | '$' | '%' | '&' | '*' | '+' | '/' | '<' | '=' | '>' | '@' | '\\' | '^' | '_' | '`' | '|' | '~' => Class::Other,
        '\u{a2}'..='\u{a5}' | '\u{a7}' | '\u{a9}' | '\u{ae}' | '\u{b0}' | '\u{b1}' | '\u{b7}' | '\u{d7}' | '\u{f7}' => Class::Other,
        '\u{2022}' | '\u{2026}' | '\u{20ac}' | '\u{2122}' => Class::Other,
        '\u{c0}'..='\u{24f}' if c.is_uppercase() => Class::Upper,
        '\u{c0}'..='\u{24f}' if c.is_lowercase() => Class::Lower,
        _ => return None,
    })
}

/// Sentence bounds for text whose characters all have a sentence class.
/// The rules act only at the characters that can end a sentence (CR, LF, a
/// separator, a terminal), so the walk over the words shows it those, in
/// order, and every other character just continues the sentence.
struct SentenceBounds<'t> {
    text: &'t str,
    /// Where the rules stopped reading: a stop before it was read with an
    /// earlier one (the LF of CR LF, a separator after a terminal).
    next: usize,
    /// Byte offsets where sentences start, after the first.
    starts: Vec<usize>,
}

impl<'t> SentenceBounds<'t> {
    fn new(text: &'t str) -> SentenceBounds<'t> {
        SentenceBounds { text, next: 0, starts: Vec::with_capacity(text.len() / 64) }
    }

    /// Applies the rules at the stop at byte `k`.
    #[inline(never)]
    fn stop(&mut self, k: usize) {
        if k >= self.next {
            self.next = self.rules_at(k);
        }
    }

    /// Records a bound at byte `k` (none at the end of the text).
    fn push(&mut self, k: usize) {
        if k < self.text.len() {
            self.starts.push(k);
        }
    }

    /// SB3 to SB11 at the stop at byte `k`: records the bound it makes, if
    /// any, and returns the byte where reading goes on.
    fn rules_at(&mut self, k: usize) -> usize {
        let (text, bytes) = (self.text, self.text.as_bytes());
        let at = |i: usize| sentence_class_at(text, i);
        let class_at = |i: usize| at(i).map(|(c, _)| c);
        // The class of the character that ends at byte `i`.
        let class_before = |i: usize| match i.checked_sub(1).map(|j| bytes[j]) {
            None => None,
            Some(b) if b.is_ascii() => Some(ASCII_SENTENCE[b as usize]),
            Some(_) => text[..i].chars().next_back().and_then(class_of),
        };
        let skip = |mut i: usize, what: Class| {
            while let Some((c, next)) = at(i) {
                if c != what {
                    break;
                }
                i = next;
            }
            i
        };
        let Some((here, after_here)) = at(k) else { return k };
        match here {
            // SB3, SB4: break after a paragraph separator (CR LF is one).
            Class::Cr | Class::Lf | Class::Sep => {
                let k = if here == Class::Cr && class_at(after_here) == Some(Class::Lf) { after_here + 1 } else { after_here };
                self.push(k);
                k
            }
            Class::ATerm | Class::STerm => {
                // SB6, SB7: "3.5", "U.S" do not end a sentence.
                if here == Class::ATerm {
                    let before = class_before(k);
                    let after = class_at(after_here);
                    if after == Some(Class::Numeric)
                        || matches!(before, Some(Class::Upper | Class::Lower)) && after == Some(Class::Upper)
                    {
                        return after_here;
                    }
                }
                let j = skip(skip(after_here, Class::Close), Class::Sp);
                // SB8: a period before a lower-case word does not end one.
                if here == Class::ATerm {
                    let stops = |c: Class| matches!(c, Class::Upper | Class::Lower | Class::Cr | Class::Lf | Class::Sep | Class::ATerm | Class::STerm);
                    let mut m = j;
                    while let Some((_, next)) = at(m).filter(|(c, _)| !stops(*c)) {
                        m = next;
                    }
                    if class_at(m) == Some(Class::Lower) {
                        return j;
                    }
                }
                match at(j) {
                    // SB8a: a comma or another terminal continues it.
                    Some((Class::SContinue | Class::ATerm | Class::STerm, _)) | None => j,
                    // SB11: the break comes after one paragraph separator.
                    Some((Class::Cr, next)) if class_at(next) == Some(Class::Lf) => {
                        self.push(next + 1);
                        next + 1
                    }
                    Some((Class::Cr | Class::Lf | Class::Sep, next)) => {
                        self.push(next);
                        next
                    }
                    Some(_) => {
                        self.push(j);
                        j
                    }
                }
            }
            _ => after_here,
        }
    }
}

/// The sentence class of the character at byte `i` of `text` and the byte
/// after it. Inlined: the rules read a handful of characters at each stop.
#[inline(always)]
fn sentence_class_at(text: &str, i: usize) -> Option<(Class, usize)> {
    let &b = text.as_bytes().get(i)?;
    if b.is_ascii() {
        return Some((ASCII_SENTENCE[b as usize], i + 1));
    }
    let c = char_at(text, i);
    Some((class_of(c).unwrap_or(Class::Other), i + c.len_utf8()))
}

/// The character at byte `i` of `text`, a character boundary before its end.
fn char_at(text: &str, i: usize) -> char {
    text[i..].chars().next().unwrap_or(char::REPLACEMENT_CHARACTER)
}

/// How many bytes `bytes` starts with that are ASCII: thirty-two bytes a
/// step, then eight, then one. News copy is nearly all ASCII, and testing
/// it eight bytes a step cost more per byte than the loop's own checks.
/// (The record's character offsets skip ASCII with it.)
pub(crate) fn ascii_prefix(bytes: &[u8]) -> usize {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let (words, _) = bytes.as_chunks::<8>();
    let high = |word: &[u8; 8]| u64::from_le_bytes(*word) & HIGH;
    let (quads, _) = words.as_chunks::<4>();
    let mut k = 4 * quads.iter().take_while(|quad| quad.iter().fold(0, |seen, word| seen | high(word)) == 0).count();
    for word in &words[k..] {
        let found = high(word);
        if found != 0 {
            return 8 * k + (found.trailing_zeros() / 8) as usize;
        }
        k += 1;
    }
    let rest = &bytes[8 * k..];
    8 * k + rest.iter().position(|b| !b.is_ascii()).unwrap_or(rest.len())
}

/// A character's word break class (UAX #29, table 3), for the characters of
/// the fast path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Word {
    Cr,
    Lf,
    Newline,
    Space,
    Letter,
    Numeric,
    MidLetter,
    MidNum,
    MidNumLet,
    SingleQuote,
    ExtendNumLet,
    Other,
}

impl Word {
    /// MidLetter and MidNumLetQ join letters.
    const fn joins_letters(self) -> bool {
        matches!(self, Word::MidLetter | Word::MidNumLet | Word::SingleQuote)
    }

    /// MidNum and MidNumLetQ join digits.
    const fn joins_digits(self) -> bool {
        matches!(self, Word::MidNum | Word::MidNumLet | Word::SingleQuote)
    }
}

/// Word classes of the ASCII characters.
const ASCII_WORD: [Word; 128] = ascii_table!(word_class_of, Word::Other);

const fn word_class_of(c: char) -> Option<Word> {
    Some(match c {
        '\r' => Word::Cr,
        '\n' => Word::Lf,
        '\u{b}' | '\u{c}' | '\u{85}' | '\u{2028}' | '\u{2029}' => Word::Newline,
        ' ' => Word::Space,
        'a'..='z' | 'A'..='Z' => Word::Letter,
        '0'..='9' => Word::Numeric,
        ':' | '\u{b7}' => Word::MidLetter,
        ',' | ';' => Word::MidNum,
        '.' | '\u{2018}' | '\u{2019}' => Word::MidNumLet,
        '\'' => Word::SingleQuote,
        '_' => Word::ExtendNumLet,
        '\t' | '\u{a0}' | '!' | '"' | '#' | '$' | '%' | '&' | '(' | ')' | '*' | '+' | '-' | '/' | '<' | '=' | '>' | '?' | '@' => Word::Other,
        '[' | '\\' | ']' | '^' | '`' | '{' | '|' | '}' | '~' => Word::Other,
        '\u{a2}'..='\u{a5}' | '\u{a7}' | '\u{ab}' | '\u{b0}' | '\u{b1}' | '\u{bb}' | '\u{d7}' | '\u{f7}' => Word::Other,
        '\u{2013}' | '\u{2014}' | '\u{201c}' | '\u{201d}' | '\u{2022}' | '\u{2026}' | '\u{20ac}' => Word::Other,
        '\u{a9}' | '\u{ae}' | '\u{201a}' | '\u{201b}' | '\u{201e}' | '\u{201f}' | '\u{2122}' => Word::Other,
        // The letters with a case, which have a sentence class too: the
        // few others (a click, a title-case digraph) go to the crate.
        '\u{c0}'..='\u{24f}' if c.is_uppercase() || c.is_lowercase() => Word::Letter,
        _ => return None,
    })
}

/// The bytes a word may go on past, after a run of ASCII letters and
/// digits: an underscore, a MidLetter, MidNum or MidNumLetQ, and the first
/// byte of a character that is not ASCII. Any other byte (a space, most
/// punctuation) ends the word where it stands, and one test of this table
/// tells so without looking the class up and matching it.
const GOES_ON: [bool; 256] = {
    let mut table = [true; 256];
    let mut b = 0;
    while b < 128 {
        let class = ASCII_WORD[b];
        table[b] = matches!(class, Word::Letter | Word::Numeric | Word::ExtendNumLet) || class.joins_letters() || class.joins_digits();
        b += 1;
    }
    table
};

/// The word class of the character at byte `i` (a character boundary
/// before the end of `text`) and its length in bytes.
#[inline(always)]
fn word_at(text: &str, i: usize) -> (Word, usize) {
    match text.as_bytes()[i] {
        b if b.is_ascii() => (ASCII_WORD[b as usize], 1),
        _ => word_at_non_ascii(text, i),
    }
}

/// Out of line: other characters are rare in news copy, and the loops that
/// call `word_at` stay small without them.
#[inline(never)]
fn word_at_non_ascii(text: &str, i: usize) -> (Word, usize) {
    let c = char_at(text, i);
    (word_class_of(c).unwrap_or(Word::Other), c.len_utf8())
}

/// What `words_and_sentences` cuts, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cut {
    /// The piece `text[start..end]` between word bounds, not all white
    /// space.
    Piece(usize, usize),
    /// The pieces so far are void: the text is cut again from its start.
    Restart,
}

/// Cuts `text` at word and sentence bounds (UAX #29), as
/// `split_word_bound_indices` and `split_sentence_bound_indices` would:
/// calls `cut` with each piece between word bounds that is not all white
/// space, in order, and returns the byte offsets where sentences start,
/// after the first. News copy is read in one walk, which stops at a
/// character it has no class for: the pieces are then cut again by the
/// crate, after a `Cut::Restart`. (A text of such characters is not news
/// copy, and the fast walk's part of its time is small beside the crate's.)
/// `blocks` are those of `text`.
pub(crate) fn words_and_sentences(text: &str, blocks: &Blocks, mut cut: impl FnMut(Cut)) -> Vec<usize> {
    let mut bounds = SentenceBounds::new(text);
    if walk(text, blocks, &mut cut, |k| bounds.stop(k)) {
        return bounds.starts;
    }
    cut(Cut::Restart);
    for (i, w) in text.split_word_bound_indices() {
        if !w.chars().all(char::is_whitespace) {
            cut(Cut::Piece(i, i + w.len()));
        }
    }
    text.split_sentence_bound_indices().skip(1).map(|(i, _)| i).collect()
}

/// What the walk does at an ASCII byte.
#[derive(Clone, Copy)]
enum Byte {
    /// Space, tab, VT, FF: white space, passed over.
    Blank,
    /// CR, LF: white space that ends a sentence.
    Break,
    /// A letter, a digit or an underscore starts a word.
    Word,
    /// A period, `!`, `?`: a piece alone that can end a sentence.
    Terminal,
    /// Any other ASCII character is a piece alone.
    Single,
    /// The first byte of a character that is not ASCII.
    Other,
}

/// What the walk does at each byte.
const BYTES: [Byte; 256] = {
    let mut table = [Byte::Other; 256];
    let mut b = 0;
    while b < 128 {
        table[b] = match (ASCII_WORD[b], ASCII_SENTENCE[b]) {
            (Word::Letter | Word::Numeric | Word::ExtendNumLet, _) => Byte::Word,
            (_, Class::Cr | Class::Lf) => Byte::Break,
            (_, Class::ATerm | Class::STerm) => Byte::Terminal,
            (Word::Space | Word::Newline, _) | (_, Class::Sp) => Byte::Blank,
            _ => Byte::Single,
        };
        b += 1;
    }
    table
};

/// The walk of `words_and_sentences` over text whose characters all have a
/// word class: on these classes (WB3 to WB13b) a word is a run of letters,
/// digits and underscores, which a MidLetter, MidNum or MidNumLetQ joins
/// when it stands between two letters or two digits; every other character
/// is a piece alone, or with its own kind (spaces, CR LF), and the white
/// space among them is passed over. `stop(i)` is called, in order, for each
/// character that can end a sentence and is not inside a word. False when
/// it stopped at a character without a word class (every character with
/// one has a sentence class too, tested).
fn walk(text: &str, blocks: &Blocks, cut: &mut impl FnMut(Cut), mut stop: impl FnMut(usize)) -> bool {
    let bytes = text.as_bytes();
    let mut runs = AlnumBlocks::new(bytes, blocks);
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let start = i;
        match BYTES[b as usize] {
            Byte::Blank => {
                i += 1;
                continue;
            }
            Byte::Break => {
                stop(i);
                i += 1;
                continue;
            }
            Byte::Word => i = word_end(text, &mut runs, i),
            Byte::Terminal => {
                stop(i);
                i += 1;
            }
            Byte::Single => i += 1,
            Byte::Other => {
                // Every character that is not ASCII is read here or inside
                // a word, which one without a class ends: it is read here
                // next.
                let c = char_at(text, i);
                let Some(class) = word_class_of(c) else { return false };
                i += c.len_utf8();
                match class {
                    // U+0085, U+2028, U+2029 separate paragraphs.
                    Word::Newline => {
                        stop(start);
                        continue;
                    }
                    _ if c.is_whitespace() => continue,
                    Word::Letter => i = word_end(text, &mut runs, start),
                    _ => {}
                }
            }
        }
        cut(Cut::Piece(start, i));
        // Most pieces are followed by one space: passed over here, on a
        // branch that is nearly always taken, the table's jump (whose
        // target would alternate between words and spaces) mostly sees
        // words.
        if bytes.get(i) == Some(&b' ') {
            i += 1;
        }
    }
    true
}

/// The end of the word that starts at byte `i` with a letter, a digit or
/// an underscore. A period inside it stands between two letters or two
/// digits, where no sentence ends (SB6, SB7, SB8), so `stop` need not see it.
#[inline(always)]
fn word_end(text: &str, runs: &mut AlnumBlocks<'_>, mut i: usize) -> usize {
    let bytes = text.as_bytes();
    loop {
        // Nothing breaks a run of letters and digits (WB5, WB8 to WB10).
        i = runs.run_end(i);
        let Some(&b) = bytes.get(i).filter(|&&b| GOES_ON[b as usize]) else { return i };
        let (here, len) = if b.is_ascii() { (ASCII_WORD[b as usize], 1) } else { word_at_non_ascii(text, i) };
        match here {
            // Other letters (WB5), and underscores with letters and digits
            // (WB13a, WB13b).
            Word::Letter | Word::Numeric | Word::ExtendNumLet => {}
            // WB6, WB7, WB11, WB12: joined when the characters on both
            // sides are letters, or digits. The one before is a letter or
            // digit of this word, or an underscore.
            m if m.joins_letters() || m.joins_digits() => {
                let before = if bytes[i - 1].is_ascii() { ASCII_WORD[bytes[i - 1] as usize] } else { Word::Letter };
                let joins = if before == Word::Letter { m.joins_letters() } else { before == Word::Numeric && m.joins_digits() };
                if !joins || bytes.len() <= i + len || word_at(text, i + len).0 != before {
                    return i;
                }
            }
            _ => return i,
        }
        i += len;
    }
}

/// The letters and digits of the 64-byte block of the text the walk is in,
/// read off the document's [`Blocks`]: a run of them then ends at a
/// `trailing_zeros`. Reading a word's bytes eight at a time cost about 34
/// instructions a word; news copy has ten or so words a block, and each
/// block is read once, as the walk only goes forward.
struct AlnumBlocks<'t> {
    bytes: &'t [u8],
    blocks: &'t Blocks,
    /// Where the block starts, a multiple of [`BLOCK`].
    start: usize,
    /// Its ASCII letters and digits, byte `start + k` as bit `k`.
    alphanumeric: u64,
}

impl<'t> AlnumBlocks<'t> {
    fn new(bytes: &'t [u8], blocks: &'t Blocks) -> AlnumBlocks<'t> {
        AlnumBlocks { bytes, blocks, start: 0, alphanumeric: blocks.aligned(0).alphanumeric }
    }

    /// The end of the run of ASCII letters and digits at byte `i`, at or
    /// after the last byte asked about.
    #[inline(always)]
    fn run_end(&mut self, mut i: usize) -> usize {
        loop {
            if i - self.start >= BLOCK {
                if i >= self.bytes.len() {
                    return i;
                }
                self.start = i - i % BLOCK;
                self.alphanumeric = self.blocks.aligned(self.start).alphanumeric;
            }
            // The bits shifted in above the block's end are zeros, which
            // end the run there.
            i += (!(self.alphanumeric >> (i - self.start))).trailing_zeros() as usize;
            if i - self.start < BLOCK {
                return i;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The sentence pieces `words_and_sentences` cuts.
    fn sentence_pieces(text: &str) -> Vec<(usize, usize)> {
        let starts = words_and_sentences(text, &Blocks::of(text.as_bytes()), |_| {});
        let ends = starts.iter().copied().chain((!text.is_empty()).then_some(text.len()));
        std::iter::once(0).chain(starts.iter().copied()).zip(ends).collect()
    }

    fn crate_sentences(text: &str) -> Vec<(usize, usize)> {
        text.split_sentence_bound_indices().map(|(i, s)| (i, i + s.len())).collect()
    }

    #[test]
    fn segment_matches_the_crate_on_news_copy() {
        for text in [
            "Amazon sued Nokia. The U.S. firm said no.\r\nIt rose 3.5 percent.",
            "\u{201c}Why?\u{201d} he asked. \u{201c}We will appeal.\u{201d} Then: no.",
            "Acme Inc. said it would. Acme Inc. The end...  \n\nNext (really.) Yes!? ok",
            "He said \"no.\" - and left.\u{2029}Après-midi. \u{c9}t\u{e9}.",
        ] {
            assert_eq!(sentence_pieces(text), crate_sentences(text), "{text:?}");
        }
    }

    /// The crate's pieces that are not all white space.
    fn crate_words(text: &str) -> Vec<(usize, &str)> {
        text.split_word_bound_indices().filter(|(_, w)| !w.chars().all(char::is_whitespace)).collect()
    }

    /// The word pieces `words_and_sentences` cuts, those before a restart
    /// left out.
    fn word_starts(text: &str) -> Vec<(usize, &str)> {
        let mut out = Vec::new();
        words_and_sentences(text, &Blocks::of(text.as_bytes()), |cut| match cut {
            Cut::Piece(i, end) => out.push((i, &text[i..end])),
            Cut::Restart => out.clear(),
        });
        out
    }

    /// One character of every word and sentence class of the fast path, in
    /// ASCII and out of it, white space of every kind, a control character
    /// and a letter with neither class, at which the walk stops.
    const SAMPLES: [char; 31] = [
        '\u{0}', 'a', 'Z', '\u{e9}', '\u{c9}', '\u{1c5}', '7', '_', ':', '\u{b7}', ',', ';', '.', '!', '?', '\u{2019}', '\u{2018}',
        '\'', '"', ')', '\u{201c}', '-', '\u{2014}', ' ', '\t', '\r', '\n', '\u{b}', '\u{85}', '\u{a0}', '\u{2028}',
    ];

    #[test]
    fn segment_matches_the_crate_on_every_short_text() {
        // Every text of up to four sample characters: each pair of classes
        // with every neighbour on either side.
        let n = SAMPLES.len();
        let mut text = String::new();
        for len in 0..=4u32 {
            for mut k in 0..n.pow(len) {
                text.clear();
                for _ in 0..len {
                    text.push(SAMPLES[k % n]);
                    k /= n;
                }
                assert_eq!(word_starts(&text), crate_words(&text), "{text:?}");
                assert_eq!(sentence_pieces(&text), crate_sentences(&text), "{text:?}");
            }
        }
    }

    #[test]
    fn segment_knows_both_classes_of_a_character_or_neither() {
        // ASCII takes its classes from the tables, whatever the functions
        // say. The walk checks only for a word class.
        for c in (0x80..=0x10_ffff).filter_map(char::from_u32) {
            assert_eq!(class_of(c).is_some(), word_class_of(c).is_some(), "{c:?}");
        }
    }

    #[test]
    fn segment_words_match_the_crate_on_news_copy() {
        for text in [
            "Amazon.com's U.S. unit paid $1,250.50 on 3.5% (e.g. AT&T) -- Nokia\u{2019}s \u{201c}R&D\u{201d} co_op\r\n",
            "Soci\u{e9}t\u{e9} G\u{e9}n\u{e9}rale:  12:30 a.m.\tx\u{a0}y \u{2014} 'quoted' don't 1'000",
        ] {
            assert_eq!(word_starts(text), crate_words(text), "{text:?}");
        }
    }

    proptest! {
        #[test]
        fn segment_words_agree_with_the_crate(text in "[aZ\u{e9}0_.,;:'\u{2019}\u{b7}\"\u{201c}&\\- \t\r\n\u{a0}\u{85}]{0,40}") {
            prop_assert_eq!(word_starts(&text), crate_words(&text));
        }

        #[test]
        fn segment_agrees_with_the_crate_on_news_words(
            pieces in prop::collection::vec(
                "[A-Za-z]{1,6}|[0-9]{1,4}|[A-Za-z0-9]{7,20}|[ .,;:!?'\u{2019}_\u{e9}\u{c9}\u{1c5}\u{b7}\u{a9}\u{2122}\u{201e}\u{2028}\u{a0}\t\r\n()\"-]",
                0..30,
            )
        ) {
            let text = pieces.concat();
            prop_assert_eq!(word_starts(&text), crate_words(&text));
            prop_assert_eq!(sentence_pieces(&text), crate_sentences(&text));
        }

        #[test]
        fn segment_agrees_with_the_crate_on_ascii(pieces in prop::collection::vec("[A-Za-z0-9]{0,12}|[\\x00-\\x7f]", 0..30)) {
            // Runs of letters and digits of every length, against every
            // ASCII character that may end them.
            let text = pieces.concat();
            prop_assert_eq!(word_starts(&text), crate_words(&text));
            prop_assert_eq!(sentence_pieces(&text), crate_sentences(&text));
        }

        #[test]
        fn segment_runs_from_blocks_end_where_the_bytes_do(
            pieces in prop::collection::vec("[A-Za-z0-9]{0,80}|[\\x00-\\x7f]|\u{e9}", 0..20),
            mut at in prop::collection::vec(any::<prop::sample::Index>(), 0..20),
        ) {
            // Runs across and up to block bounds and the text's end, asked
            // about in order as the walk does, now and then twice in a row.
            let text = pieces.concat();
            let bytes = text.as_bytes();
            let mut at: Vec<usize> = at.drain(..).map(|i| i.index(bytes.len() + 1)).collect();
            at.sort_unstable();
            let blocks = Blocks::of(bytes);
            let mut runs = AlnumBlocks::new(bytes, &blocks);
            for i in at {
                let plain = i + bytes[i..].iter().take_while(|b| b.is_ascii_alphanumeric()).count();
                prop_assert_eq!(runs.run_end(i), plain, "at {}", i);
            }
        }

        #[test]
        fn segment_ascii_prefix_is_that_of_each_byte(
            mut bytes in prop::collection::vec(0u8..0x80, 0..100),
            other in prop::option::of((any::<prop::sample::Index>(), 0x80u8..=0xff)),
        ) {
            // ASCII with at most one other byte, anywhere in or after a step.
            if let Some((at, b)) = other {
                bytes.insert(at.index(bytes.len() + 1), b);
            }
            prop_assert_eq!(ascii_prefix(&bytes), bytes.iter().position(|b| !b.is_ascii()).unwrap_or(bytes.len()));
        }

        #[test]
        fn segment_words_fall_back_on_other_scripts(text in "[a.\u{65e5}\u{300} ]{0,20}") {
            prop_assert_eq!(word_starts(&text), crate_words(&text));
        }
        #[test]
        fn segment_agrees_with_the_crate(text in "[aZ.!?,;:\"'()\u{201c}\u{201d}\u{2014} \t\r\n\u{a0}\u{e9}\u{c9}0#\u{2028}\u{2029}\u{85}]{0,40}") {
            prop_assert_eq!(sentence_pieces(&text), crate_sentences(&text));
        }

        #[test]
        fn segment_falls_back_on_other_scripts(text in "[a.\u{3002}\u{65e5} ]{0,20}") {
            prop_assert_eq!(sentence_pieces(&text), crate_sentences(&text));
        }
    }
}
