//! Unicode sentence and word boundaries (UAX #29) with a fast path for the
//! characters news copy is made of.
//!
//! `unicode-segmentation` looks every character up in a table of ranges,
//! which was a sixth of extraction time. Text made only of ASCII, Latin
//! letters and the common typographic marks (curly quotes, dashes, no-break
//! space) is segmented here by the same rules on characters whose class is
//! known without a table; any other text goes to the crate. Property tests
//! check that both give the same boundaries.

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

/// The class of `c`, or `None` when only the crate's tables know it.
fn class(c: char) -> Option<Class> {
    if c.is_ascii() { Some(ASCII_SENTENCE[c as usize]) } else { class_of(c) }
}

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

/// Byte offsets where sentences start (after the first), as
/// `split_sentence_bound_indices` would cut `text`.
pub fn sentence_starts(text: &str) -> Vec<usize> {
    if !text.chars().all(|c| class(c).is_some()) {
        return text.split_sentence_bound_indices().map(|(i, _)| i).filter(|i| *i > 0).collect();
    }
    // The class of the character at byte `i` and the byte after it.
    let at = |i: usize| text.get(i..).and_then(|t| t.chars().next()).map(|c| (class(c).unwrap_or(Class::Other), i + c.len_utf8()));
    let class_at = |i: usize| at(i).map(|(c, _)| c);
    let skip = |mut i: usize, what: Class| {
        while let Some((c, next)) = at(i) {
            if c != what {
                break;
            }
            i = next;
        }
        i
    };
    let mut out = Vec::new();
    let mut k = 0;
    while let Some((here, after_here)) = at(k) {
        match here {
            // SB3, SB4: break after a paragraph separator (CR LF is one).
            Class::Cr | Class::Lf | Class::Sep => {
                k = if here == Class::Cr && class_at(after_here) == Some(Class::Lf) { after_here + 1 } else { after_here };
                out.push(k);
            }
            Class::ATerm | Class::STerm => {
                // SB6, SB7: "3.5", "U.S" do not end a sentence.
                if here == Class::ATerm {
                    let before = text[..k].chars().next_back().and_then(class);
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
                        out.push(k);
                    }
                    Some((Class::Cr | Class::Lf | Class::Sep, next)) => {
                        k = next;
                        out.push(k);
                    }
                    Some(_) => out.push(k),
                }
            }
            _ => k = after_here,
        }
    }
    out.retain(|&k| k < text.len());
    out
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
    fn joins_letters(self) -> bool {
        matches!(self, Word::MidLetter | Word::MidNumLet | Word::SingleQuote)
    }

    /// MidNum and MidNumLetQ join digits.
    fn joins_digits(self) -> bool {
        matches!(self, Word::MidNum | Word::MidNumLet | Word::SingleQuote)
    }

    fn breaks_line(self) -> bool {
        matches!(self, Word::Cr | Word::Lf | Word::Newline)
    }
}

/// Word classes of the ASCII characters.
const ASCII_WORD: [Word; 128] = ascii_table!(word_class_of, Word::Other);

/// The word class of `c`, or `None` when only the crate's tables know it.
fn word_class(c: char) -> Option<Word> {
    if c.is_ascii() { Some(ASCII_WORD[c as usize]) } else { word_class_of(c) }
}

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

/// Calls `found(start, word)` for each piece of `text` between word bounds,
/// in order, as `split_word_bound_indices` would cut it; nothing is kept.
pub fn each_word<'t>(text: &'t str, mut found: impl FnMut(usize, &'t str)) {
    let fast = text.is_ascii() || text.chars().all(|c| word_class(c).is_some());
    if !fast {
        text.split_word_bound_indices().for_each(|(i, w)| found(i, w));
        return;
    }
    let class = |c: char| word_class(c).unwrap_or(Word::Other);
    let mut chars = text.char_indices().peekable();
    // A window of classes: two back, one back, here and the next.
    let (mut two_back, mut before): (Option<Word>, Option<Word>) = (None, None);
    let mut start = 0;
    while let Some((i, c)) = chars.next() {
        let after = class(c);
        let next = chars.peek().map(|&(_, n)| class(n));
        if let Some(before) = before
            && !joined(two_back, before, after, next)
        {
            found(start, &text[start..i]);
            start = i;
        }
        (two_back, before) = (before, Some(after));
    }
    if start < text.len() {
        found(start, &text[start..]);
    }
}

/// WB3 to WB13b for the classes of the fast path: whether the characters
/// `before` and `after` stay in one word, given their neighbours.
fn joined(two_back: Option<Word>, before: Word, after: Word, next: Option<Word>) -> bool {
    match (before, after) {
        (Word::Cr, Word::Lf) => true,
        (b, a) if b.breaks_line() || a.breaks_line() => false,
        (Word::Space, Word::Space) => true,
        (Word::Letter | Word::Numeric, Word::Letter | Word::Numeric) => true,
        (Word::Letter, m) if m.joins_letters() && next == Some(Word::Letter) => true,
        (m, Word::Letter) if m.joins_letters() && two_back == Some(Word::Letter) => true,
        (Word::Numeric, m) if m.joins_digits() && next == Some(Word::Numeric) => true,
        (m, Word::Numeric) if m.joins_digits() && two_back == Some(Word::Numeric) => true,
        (Word::Letter | Word::Numeric | Word::ExtendNumLet, Word::ExtendNumLet) => true,
        (Word::ExtendNumLet, Word::Letter | Word::Numeric) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn crate_starts(text: &str) -> Vec<usize> {
        text.split_sentence_bound_indices().map(|(i, _)| i).filter(|i| *i > 0).collect()
    }

    #[test]
    fn segment_matches_the_crate_on_news_copy() {
        for text in [
            "Amazon sued Nokia. The U.S. firm said no.\r\nIt rose 3.5 percent.",
            "\u{201c}Why?\u{201d} he asked. \u{201c}We will appeal.\u{201d} Then: no.",
            "Acme Inc. said it would. Acme Inc. The end...  \n\nNext (really.) Yes!? ok",
            "He said \"no.\" - and left.\u{2029}Après-midi. \u{c9}t\u{e9}.",
        ] {
            assert_eq!(sentence_starts(text), crate_starts(text), "{text:?}");
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
        fn segment_agrees_with_the_crate(text in "[aZ.!?,;:\"'()\u{201c}\u{201d}\u{2014} \t\r\n\u{a0}\u{e9}\u{c9}0#\u{2029}\u{85}]{0,40}") {
            prop_assert_eq!(sentence_starts(&text), crate_starts(&text));
        }

        #[test]
        fn segment_falls_back_on_other_scripts(text in "[a.\u{3002}\u{65e5} ]{0,20}") {
            prop_assert_eq!(sentence_starts(&text), crate_starts(&text));
        }
    }
}
