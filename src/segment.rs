//! Unicode sentence and word boundaries (UAX #29) with a fast path for the
//! characters news copy is made of.
//!
//! `unicode-segmentation` looks every character up in a table of ranges,
//! which was a sixth of extraction time. Text made only of ASCII, Latin
//! letters and the common typographic marks (curly quotes, dashes, no-break
//! space) is segmented here by the same rules on characters whose class is
//! known without a table; any other text goes to the crate. The fast path
//! reads ASCII bytes by table and decodes only the other characters.
//! Property tests check that both give the same boundaries.

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

/// Which bytes can start a character that ends a sentence or a paragraph:
/// CR, LF, the terminals, and every lead byte of a multi-byte character
/// (U+0085, U+2028 and U+2029 are separators; the rest are looked at and
/// passed over). Continuation bytes are never in it, so a scan that stops at
/// one of these bytes stops on a character boundary.
const SENTENCE_STOPS: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = if b < 128 {
            matches!(ASCII_SENTENCE[b], Class::Cr | Class::Lf | Class::Sep | Class::ATerm | Class::STerm)
        } else {
            b >= 0xc0
        };
        b += 1;
    }
    table
};

/// Calls `found(start, end)` for each piece of `text` between sentence
/// bounds, in order, as `split_sentence_bound_indices` would cut it.
pub fn each_sentence(text: &str, mut found: impl FnMut(usize, usize)) {
    if !all_known(text, |c| class_of(c).is_some()) {
        text.split_sentence_bound_indices().for_each(|(i, s)| found(i, i + s.len()));
        return;
    }
    let mut start = 0;
    sentence_starts_fast(text, |k| {
        if k < text.len() {
            found(start, k);
            start = k;
        }
    });
    if start < text.len() {
        found(start, text.len());
    }
}

/// The fast path of `each_sentence`: calls `push(k)` for each byte offset
/// where a sentence starts (after the first), in increasing order, possibly
/// ending with `text.len()`.
fn sentence_starts_fast(text: &str, mut push: impl FnMut(usize)) {
    let bytes = text.as_bytes();
    // The class of the character at byte `i` and the byte after it.
    let at = |i: usize| -> Option<(Class, usize)> {
        let &b = bytes.get(i)?;
        if b.is_ascii() {
            return Some((ASCII_SENTENCE[b as usize], i + 1));
        }
        let c = char_at(text, i);
        Some((class_of(c).unwrap_or(Class::Other), i + c.len_utf8()))
    };
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
    let mut k = 0;
    loop {
        // Every other character just continues the sentence.
        while k < bytes.len() && !SENTENCE_STOPS[bytes[k] as usize] {
            k += 1;
        }
        let Some((here, after_here)) = at(k) else { break };
        match here {
            // SB3, SB4: break after a paragraph separator (CR LF is one).
            Class::Cr | Class::Lf | Class::Sep => {
                k = if here == Class::Cr && class_at(after_here) == Some(Class::Lf) { after_here + 1 } else { after_here };
                push(k);
            }
            Class::ATerm | Class::STerm => {
                // SB6, SB7: "3.5", "U.S" do not end a sentence.
                if here == Class::ATerm {
                    let before = class_before(k);
                    let after = class_at(after_here);
                    if after == Some(Class::Numeric)
                        || matches!(before, Some(Class::Upper | Class::Lower)) && after == Some(Class::Upper)
                    {
                        k = after_here;
                        continue;
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
                        k = j;
                        continue;
                    }
                }
                k = j;
                match at(j) {
                    // SB8a: a comma or another terminal continues it.
                    Some((Class::SContinue | Class::ATerm | Class::STerm, _)) | None => {}
                    // SB11: the break comes after one paragraph separator.
                    Some((Class::Cr, next)) if class_at(next) == Some(Class::Lf) => {
                        k = next + 1;
                        push(k);
                    }
                    Some((Class::Cr | Class::Lf | Class::Sep, next)) => {
                        k = next;
                        push(k);
                    }
                    Some(_) => push(k),
                }
            }
            _ => k = after_here,
        }
    }
}

/// The character at byte `i` of `text`, a character boundary before its end.
fn char_at(text: &str, i: usize) -> char {
    text[i..].chars().next().unwrap_or(char::REPLACEMENT_CHARACTER)
}

/// True when `known` holds for every non-ASCII character of `text`; ASCII
/// is skipped eight bytes at a time, without decoding.
fn all_known(text: &str, known: impl Fn(char) -> bool) -> bool {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let bytes = text.as_bytes();
    let mut i = 0;
    loop {
        while let Some(chunk) = bytes.get(i..i + 8) {
            if u64::from_ne_bytes(chunk.try_into().unwrap_or([0; 8])) & HIGH != 0 {
                break;
            }
            i += 8;
        }
        while i < bytes.len() && bytes[i].is_ascii() {
            i += 1;
        }
        if i == bytes.len() {
            return true;
        }
        let c = char_at(text, i);
        if !known(c) {
            return false;
        }
        i += c.len_utf8();
    }
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
    /// Every class.
    const ALL: [Word; 12] = [
        Word::Cr,
        Word::Lf,
        Word::Newline,
        Word::Space,
        Word::Letter,
        Word::Numeric,
        Word::MidLetter,
        Word::MidNum,
        Word::MidNumLet,
        Word::SingleQuote,
        Word::ExtendNumLet,
        Word::Other,
    ];

    /// MidLetter and MidNumLetQ join letters.
    const fn joins_letters(self) -> bool {
        matches!(self, Word::MidLetter | Word::MidNumLet | Word::SingleQuote)
    }

    /// MidNum and MidNumLetQ join digits.
    const fn joins_digits(self) -> bool {
        matches!(self, Word::MidNum | Word::MidNumLet | Word::SingleQuote)
    }

    const fn breaks_line(self) -> bool {
        matches!(self, Word::Cr | Word::Lf | Word::Newline)
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
        '\u{c0}'..='\u{24f}' if c != '\u{d7}' && c != '\u{f7}' => Word::Letter,
        _ => return None,
    })
}

/// The ASCII letters and digits, by byte.
const ASCII_ALNUM: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 128 {
        table[b] = matches!(ASCII_WORD[b], Word::Letter | Word::Numeric);
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

/// Calls `found(start, word)` for each piece of `text` between word bounds,
/// in order, as `split_word_bound_indices` would cut it; nothing is kept.
pub fn each_word<'t>(text: &'t str, mut found: impl FnMut(usize, &'t str)) {
    if !all_known(text, |c| word_class_of(c).is_some()) {
        text.split_word_bound_indices().for_each(|(i, w)| found(i, w));
    } else {
        words_fast(text, found);
    }
}

/// The fast path of `each_word`, for text whose characters all have a class.
fn words_fast<'t>(text: &'t str, mut found: impl FnMut(usize, &'t str)) {
    if text.is_empty() {
        return;
    }
    let bytes = text.as_bytes();
    // The bound at byte `i` lies between the character `before` (which has
    // `two_back` before it) and `here`; the character after `here` is only
    // looked at for the few pairs whose bound depends on it.
    let (mut before, mut i) = word_at(text, 0);
    let mut two_back = None;
    let mut start = 0;
    while i < bytes.len() {
        // Nothing breaks a run of letters and digits (WB5, WB8 to WB10):
        // step over ASCII ones a byte at a time.
        if matches!(before, Word::Letter | Word::Numeric) && ASCII_ALNUM[bytes[i] as usize] {
            let run = i;
            while i < bytes.len() && ASCII_ALNUM[bytes[i] as usize] {
                i += 1;
            }
            two_back = Some(if i - run > 1 { ASCII_WORD[bytes[i - 2] as usize] } else { before });
            before = ASCII_WORD[bytes[i - 1] as usize];
            continue;
        }
        let (here, len) = word_at(text, i);
        let join = match PAIRS[before as usize][here as usize] {
            Bound::Join => true,
            Bound::Break => false,
            Bound::Ask => {
                let next = bytes.len() > i + len;
                joined(two_back, before, here, next.then(|| word_at(text, i + len).0))
            }
        };
        if !join {
            found(start, &text[start..i]);
            start = i;
        }
        (two_back, before) = (Some(before), here);
        i += len;
    }
    found(start, &text[start..]);
}

/// WB3 to WB13b for the classes of the fast path: whether the characters
/// `before` and `after` stay in one word, given their neighbours.
const fn joined(two_back: Option<Word>, before: Word, after: Word, next: Option<Word>) -> bool {
    match (before, after) {
        (Word::Cr, Word::Lf) => true,
        (b, a) if b.breaks_line() || a.breaks_line() => false,
        (Word::Space, Word::Space) => true,
        (Word::Letter | Word::Numeric, Word::Letter | Word::Numeric) => true,
        (Word::Letter, m) if m.joins_letters() && matches!(next, Some(Word::Letter)) => true,
        (m, Word::Letter) if m.joins_letters() && matches!(two_back, Some(Word::Letter)) => true,
        (Word::Numeric, m) if m.joins_digits() && matches!(next, Some(Word::Numeric)) => true,
        (m, Word::Numeric) if m.joins_digits() && matches!(two_back, Some(Word::Numeric)) => true,
        (Word::Letter | Word::Numeric | Word::ExtendNumLet, Word::ExtendNumLet) => true,
        (Word::ExtendNumLet, Word::Letter | Word::Numeric) => true,
        _ => false,
    }
}

/// What `joined` answers for a pair of classes whatever their neighbours.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Bound {
    Join,
    Break,
    /// It depends on the neighbours: ask `joined`.
    Ask,
}

/// `joined` for every pair, worked out at compile time by trying every
/// pair of neighbours (or none), so that the loop asks it only for the few
/// pairs around MidLetter, MidNum and MidNumLet.
const PAIRS: [[Bound; 12]; 12] = {
    let mut table = [[Bound::Ask; 12]; 12];
    let mut b = 0;
    while b < 12 {
        let mut a = 0;
        while a < 12 {
            let (before, after) = (Word::ALL[b], Word::ALL[a]);
            let (mut any_join, mut any_break) = (false, false);
            let mut t = 0;
            while t <= 12 {
                let two_back = if t < 12 { Some(Word::ALL[t]) } else { None };
                let mut n = 0;
                while n <= 12 {
                    let next = if n < 12 { Some(Word::ALL[n]) } else { None };
                    if joined(two_back, before, after, next) {
                        any_join = true;
                    } else {
                        any_break = true;
                    }
                    n += 1;
                }
                t += 1;
            }
            table[before as usize][after as usize] = match (any_join, any_break) {
                (true, false) => Bound::Join,
                (false, true) => Bound::Break,
                _ => Bound::Ask,
            };
            a += 1;
        }
        b += 1;
    }
    table
};

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sentence_pieces(text: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        each_sentence(text, |start, end| out.push((start, end)));
        out
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

    fn crate_words(text: &str) -> Vec<(usize, &str)> {
        text.split_word_bound_indices().collect()
    }

    fn word_starts(text: &str) -> Vec<(usize, &str)> {
        let mut out = Vec::new();
        each_word(text, |i, w| out.push((i, w)));
        out
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
