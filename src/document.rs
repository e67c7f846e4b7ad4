//! The document stage: an article's text cut into paragraphs, sentences and
//! word tokens, all as byte spans of the original text.
//!
//! Sentences come from Unicode sentence boundaries (UAX #29), corrected for
//! abbreviations that never end a sentence ("U.S.", "Mr.", "Jan.") and for
//! initials ("Harold T. Vossberg"). A newline always ends a sentence, and each
//! non-empty line is a paragraph.

use std::collections::HashSet;

use crate::hash::BuildKeys;
use crate::rules::blocks::Blocks;
use crate::segment::Cut;
use crate::span::Span;

/// What a token looks like, which is what the rules ask of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// Starts with an upper-case letter and has lower-case ones: `Nokia`.
    Title,
    /// Two or more letters, all upper case: `AWS`, `U.S.`.
    Upper,
    /// A single capital, possibly with a period: `G.`.
    Initial,
    /// Starts with a lower-case letter.
    Lower,
    /// Starts with a digit.
    Number,
    /// Anything else: punctuation, symbols.
    Punct,
}

impl Shape {
    /// True for the shapes a proper name is made of.
    pub fn is_capitalized(self) -> bool {
        matches!(self, Shape::Title | Shape::Upper | Shape::Initial)
    }
}

/// A word or punctuation token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    /// Where it is in the text.
    pub span: Span,
    /// What it looks like.
    pub shape: Shape,
    /// Index of its sentence in `Document::sentences`.
    pub sentence: usize,
}

/// Abbreviations the tokenizer keeps whole with their period. The sets are
/// looked up at every period and sentence end of every article, and keyed
/// by short words, which `BuildKeys` hashes for a fraction of SipHash.
#[derive(Clone, Debug, Default)]
pub struct Abbreviations {
    /// Words that take a period and may still end a sentence (`Inc`).
    words: HashSet<String, BuildKeys>,
    /// Words whose period never ends a sentence (`Mr`, `Jan`, `U.S`).
    never_final: HashSet<String, BuildKeys>,
    /// Company suffixes that never start a sentence after another
    /// abbreviation (`Ltd` in "Kato Denki Co. Ltd.").
    never_starts: HashSet<String, BuildKeys>,
    /// By last byte, the lengths of the words ending in it (bit `n` for
    /// `n` bytes, bit 31 for 31 and more): nearly every word before a
    /// period is no abbreviation, and this tells most of them so for a
    /// fraction of a lookup. Empty until a word is added.
    ends: Vec<u32>,
}

impl Abbreviations {
    /// Adds `word`, which never ends a sentence when `never_final` and
    /// never starts one after another abbreviation when `never_starts`.
    pub(crate) fn insert(&mut self, word: &str, never_final: bool, never_starts: bool) {
        if let Some(last) = word.bytes().last() {
            self.ends.resize(256, 0);
            self.ends[usize::from(last)] |= Abbreviations::length_bit(word);
        }
        self.words.insert(word.to_string());
        if never_final {
            self.never_final.insert(word.to_string());
        }
        if never_starts {
            self.never_starts.insert(word.to_string());
        }
    }

    fn length_bit(word: &str) -> u32 {
        1 << word.len().min(31)
    }

    /// False when `word` is surely none of the words (the empty word is
    /// looked up).
    fn may_hold(&self, word: &str) -> bool {
        word.bytes().last().is_none_or(|last| self.ends.get(usize::from(last)).is_some_and(|&lengths| lengths & Abbreviations::length_bit(word) != 0))
    }

    /// True for a word that takes a period.
    fn is_word(&self, word: &str) -> bool {
        self.may_hold(word) && self.words.contains(word)
    }

    /// True for a word whose period never ends a sentence.
    fn is_never_final(&self, word: &str) -> bool {
        self.may_hold(word) && self.never_final.contains(word)
    }

    /// True for a company suffix that never starts a sentence.
    fn is_never_starts(&self, word: &str) -> bool {
        self.may_hold(word) && self.never_starts.contains(word)
    }
}

/// An article's text with its structure.
#[derive(Debug)]
pub struct Document<'t> {
    /// The original text.
    pub text: &'t str,
    /// Non-empty lines.
    pub paragraphs: Vec<Span>,
    /// Sentences, never crossing a line break.
    pub sentences: Vec<Span>,
    /// Tokens in text order, whitespace left out.
    pub tokens: Vec<Token>,
    /// The text's 64-byte blocks, classified once for the walks over it.
    pub(crate) blocks: Blocks,
}

impl<'t> Document<'t> {
    /// Cuts `text` into paragraphs, sentences and tokens.
    pub fn new(text: &'t str, abbreviations: &Abbreviations) -> Document<'t> {
        let blocks = Blocks::of(text.as_bytes());
        let (mut tokens, starts) = tokenize(text, &blocks, abbreviations);
        let (sentences, paragraphs) = sentences_and_paragraphs(text, &mut tokens, &starts, abbreviations);
        Document { text, paragraphs, sentences, tokens, blocks }
    }

    /// The text of a span ("" when it cannot be sliced).
    pub fn str(&self, span: Span) -> &'t str {
        span.text(self.text)
    }

    /// Index of the first token that starts at or after `byte`.
    pub fn token_at(&self, byte: usize) -> usize {
        self.tokens.partition_point(|t| t.span.start < byte)
    }

    /// Index of the sentence holding `byte`.
    pub fn sentence_of(&self, byte: usize) -> usize {
        self.sentences.partition_point(|s| s.end <= byte).min(self.sentences.len().saturating_sub(1))
    }

    /// The part of `within` that lies at most `radius` bytes around `span`,
    /// on character boundaries. Resolvers read context through a window so
    /// that a huge sentence never makes their work quadratic.
    pub fn around(&self, span: Span, within: Span, radius: usize) -> Span {
        let mut start = span.start.saturating_sub(radius).max(within.start);
        while start > 0 && !self.text.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = span.end.saturating_add(radius).min(within.end).min(self.text.len());
        while end < self.text.len() && !self.text.is_char_boundary(end) {
            end += 1;
        }
        Span::new(start.min(span.start), end.max(span.end.min(within.end)))
    }

    /// Index of the paragraph holding `byte`.
    pub fn paragraph_of(&self, byte: usize) -> usize {
        self.paragraphs.partition_point(|p| p.end <= byte).min(self.paragraphs.len().saturating_sub(1))
    }
}

/// What each ASCII byte tells `shape` about a word that starts with a
/// capital: `LETTER` for a letter, `LOWER` for a lower-case one, `OTHER` for
/// a byte that is not ASCII.
const SHAPE_BITS: [u8; 256] = {
    let mut table = [0; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = if !c.is_ascii() {
            OTHER
        } else if c.is_ascii_lowercase() {
            LETTER | LOWER
        } else if c.is_ascii_uppercase() {
            LETTER
        } else {
            0
        };
        b += 1;
    }
    table
};
const LETTER: u8 = 1;
const LOWER: u8 = 2;
const OTHER: u8 = 4;

/// A word's shape as far as its first byte tells it; `None` when the rest
/// of the word is needed too (a capital, or a byte that is not ASCII).
const SHAPE_OF_FIRST: [Option<Shape>; 256] = {
    let mut table = [None; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        table[b] = if c.is_ascii_digit() {
            Some(Shape::Number)
        } else if c.is_ascii_lowercase() {
            Some(Shape::Lower)
        } else if c.is_ascii_uppercase() {
            None
        } else {
            Some(Shape::Punct)
        };
        b += 1;
    }
    table
};

/// The shape of a word of one ASCII byte: a capital alone is an initial.
/// (A byte that is not ASCII is never a character alone.)
const SHAPE_OF_ONE: [Shape; 256] = {
    let mut table = [Shape::Punct; 256];
    let mut b = 0;
    while b < 128 {
        table[b] = match SHAPE_OF_FIRST[b] {
            Some(shape) => shape,
            None => Shape::Initial,
        };
        b += 1;
    }
    table
};

/// The shape of the word `text[start..end]`.
#[inline(always)]
fn shape(text: &str, start: usize, end: usize) -> Shape {
    // ASCII has no other digits, cases or letters than these, so an ASCII
    // word is told by its bytes.
    let bytes = text.as_bytes();
    let Some(&first) = bytes.get(start).filter(|_| start < end) else { return Shape::Punct };
    if let Some(shape) = SHAPE_OF_FIRST[first as usize] {
        return shape;
    }
    if first.is_ascii() {
        let seen = bytes[start + 1..end].iter().fold(0, |seen, &b| seen | SHAPE_BITS[b as usize]);
        if seen & OTHER == 0 {
            return if seen & LETTER == 0 {
                Shape::Initial
            } else if seen & LOWER == 0 {
                Shape::Upper
            } else {
                Shape::Title
            };
        }
    }
    shape_of_other(&text[start..end])
}

/// The Unicode block of curly quotes, dashes and the like.
const GENERAL_PUNCTUATION: std::ops::RangeInclusive<char> = '\u{2000}'..='\u{206f}';

/// The shape of a word with a character that is not ASCII, by its letters.
#[inline(never)]
fn shape_of_other(word: &str) -> Shape {
    let first = word.chars().next().unwrap_or_default();
    // Most such words are a curly quote or a dash alone. General
    // punctuation has no digits nor letters, which the lookups below would
    // each search a table for.
    if GENERAL_PUNCTUATION.contains(&first) {
        return Shape::Punct;
    }
    if first.is_numeric() {
        return Shape::Number;
    }
    if first.is_lowercase() {
        return Shape::Lower;
    }
    if !first.is_uppercase() {
        return Shape::Punct;
    }
    let mut letters = word.chars().filter(|c| c.is_alphabetic());
    let all_upper = letters.clone().all(char::is_uppercase);
    if letters.nth(1).is_none() {
        Shape::Initial
    } else if all_upper {
        Shape::Upper
    } else {
        Shape::Title
    }
}

/// The tokens of `text`, and the byte offsets where sentence pieces start
/// (after the first), which the same walk finds.
fn tokenize(text: &str, blocks: &Blocks, abbreviations: &Abbreviations) -> (Vec<Token>, Vec<usize>) {
    // News copy has a token every five and a half bytes or so: reserving a
    // little more than that saves the copies of a growing vector.
    let mut out: Vec<Token> = Vec::with_capacity(text.len() / 5 + 1);
    let bytes = text.as_bytes();
    let starts = crate::segment::words_and_sentences(text, blocks, #[inline(always)] |cut| {
        let Cut::Piece(start, end) = cut else {
            out.clear();
            return;
        };
        // A piece of one byte is an ASCII character, whose shape its byte
        // tells, and is too short to be a possessive.
        if end == start + 1 {
            let b = bytes[start];
            // A period right after an abbreviation, an initial or a dotted
            // acronym ("U.S") belongs to it (and the word keeps its shape).
            if b == b'.' && joins_period(text, &mut out, start, abbreviations) {
                return;
            }
            out.push(Token { span: Span::new(start, end), shape: SHAPE_OF_ONE[b as usize], sentence: 0 });
            return;
        }
        // Possessives are their own token: "Nokia's" -> "Nokia" + "'s".
        let cut = possessive(bytes, start, end).unwrap_or(end);
        out.push(Token { span: Span::new(start, cut), shape: shape(text, start, cut), sentence: 0 });
        if cut < end {
            out.push(Token { span: Span::new(cut, end), shape: Shape::Punct, sentence: 0 });
        }
    });
    (out, starts)
}

/// Joins the period at byte `at` to the token before it when that token is
/// an abbreviation, an initial or a dotted acronym; false when it does not.
#[inline(never)]
fn joins_period(text: &str, out: &mut [Token], at: usize, abbreviations: &Abbreviations) -> bool {
    let Some(prev) = out.last_mut().filter(|prev| prev.span.end == at) else { return false };
    let prev_word = prev.span.text(text);
    let dotted = || prev_word.as_bytes().contains(&b'.') && prev_word.chars().any(char::is_alphabetic);
    let joined = prev.shape == Shape::Initial || dotted() || abbreviations.is_word(prev_word);
    if joined {
        // A period changes neither the first character nor the letters.
        prev.span.end = at + 1;
    }
    joined
}

/// Where the possessive "'s" (or "’s") that ends the word
/// `bytes[start..end]` starts, when something comes before it. Both start
/// with punctuation, so the token has that shape.
#[inline(always)]
fn possessive(bytes: &[u8], start: usize, end: usize) -> Option<usize> {
    if bytes[end - 1] != b's' || end - start < 3 {
        return None;
    }
    match &bytes[start..end] {
        [.., b'\'', b's'] => Some(end - 2),
        [.., 0xe2, 0x80, 0x99, b's'] if end - start > 4 => Some(end - 4),
        _ => None,
    }
}

/// The sentences and the paragraphs (non-empty lines, trimmed) of `text`,
/// and each token's sentence: the one of the first piece that ends after
/// the token starts (the last sentence takes the rest). Paragraphs are read
/// off the sentence pieces: a piece never holds a line break but at its end
/// (UAX #29, SB4), so a line's text runs from its first piece's trimmed
/// start to its last one's trimmed end.
fn sentences_and_paragraphs(text: &str, tokens: &mut [Token], starts: &[usize], abbreviations: &Abbreviations) -> (Vec<Span>, Vec<Span>) {
    let mut out: Vec<Span> = Vec::with_capacity(starts.len() + 1);
    let mut paragraphs: Vec<Span> = Vec::with_capacity(starts.len() + 1);
    // The paragraph being read, and whether a line break came after the
    // last sentence piece.
    let (mut paragraph, mut line_break): (Option<Span>, bool) = (None, false);
    // How the sentence so far ends: in an abbreviation whose period never
    // ends one, or in any abbreviation (before a company suffix).
    let (mut glue, mut after_abbreviation) = (false, false);
    // The stem of a lone period is the empty word.
    let empty_never_final = abbreviations.is_never_final("");
    let empty_word = abbreviations.is_word("");
    // Tokens that end before the pieces still to come, tokens given their
    // sentence, and tokens that start before the last piece's end.
    let (mut passed, mut placed, mut reached) = (0, 0, 0);
    let ends = starts.iter().copied().chain((!text.is_empty()).then_some(text.len()));
    for (start, end) in std::iter::once(0).chain(starts.iter().copied()).zip(ends) {
        let piece = &text[start..end];
        let trimmed = piece.trim_end();
        if !trimmed.is_empty() {
            let lead = piece.len() - piece.trim_start().len();
            let span = Span::new(start + lead, start + trimmed.len());
            let joins = glue || after_abbreviation && starts_with_company_suffix(text, tokens, span.start, abbreviations);
            match out.last_mut() {
                Some(last) if joins && !line_break => last.end = span.end,
                _ => {
                    // The sentence before is complete.
                    place(&mut tokens[placed..reached], out.len().saturating_sub(1));
                    placed = reached;
                    out.push(span);
                }
            }
            line_break = false;
            paragraph = Some(Span::new(paragraph.map_or(span.start, |p| p.start), span.end));
            passed += tokens[passed..].partition_point(|t| t.span.end < span.end);
            // Tokens do not overlap, so at most the one after those that
            // end before the piece's end starts before it, and belongs to
            // its sentence.
            reached = passed + usize::from(tokens.get(passed).is_some_and(|t| t.span.start < span.end));
            let last = tokens.get(passed).filter(|t| t.span.end == span.end);
            match last.map(|t| t.span.text(text).strip_suffix('.')) {
                Some(Some(stem)) => {
                    glue = last.is_some_and(|t| t.shape == Shape::Initial)
                        || if stem.is_empty() { empty_never_final } else { abbreviations.is_never_final(stem) };
                    after_abbreviation = if stem.is_empty() { empty_word } else { abbreviations.is_word(stem) };
                }
                _ => (glue, after_abbreviation) = (false, false),
            }
        }
        if piece.ends_with('\n') {
            line_break = true;
            paragraphs.extend(paragraph.take());
        }
    }
    paragraphs.extend(paragraph);
    place(&mut tokens[placed..], out.len().saturating_sub(1));
    (out, paragraphs)
}

/// Puts `tokens` in sentence `sentence`. Out of line: in the loop over the
/// pieces, the stores were not unrolled and cost four instructions a token.
#[inline(never)]
fn place(tokens: &mut [Token], sentence: usize) {
    tokens.iter_mut().for_each(|t| t.sentence = sentence);
}

/// True when the sentence piece starting at `start` starts with a company
/// suffix ("Ltd." after "Co.").
fn starts_with_company_suffix(text: &str, tokens: &[Token], start: usize, abbreviations: &Abbreviations) -> bool {
    let Some(first) = tokens.get(tokens.partition_point(|t| t.span.start < start)) else { return false };
    let word = first.span.text(text);
    abbreviations.is_never_starts(word.strip_suffix('.').unwrap_or(word))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn abbreviations() -> Abbreviations {
        let mut a = Abbreviations::default();
        for w in ["Mr", "U.S"] {
            a.insert(w, true, false);
        }
        for w in ["Co", "Ltd", "Inc"] {
            a.insert(w, false, true);
        }
        a
    }

    fn words<'t>(d: &Document<'t>) -> Vec<&'t str> {
        d.tokens.iter().map(|t| d.str(t.span)).collect()
    }

    #[test]
    fn document_keeps_abbreviations_and_initials_whole() {
        let d = Document::new("Mr. Harold T. Vossberg of Nokia Inc. said Nokia's U.S. unit sued.", &abbreviations());
        assert_eq!(
            words(&d),
            ["Mr.", "Harold", "T.", "Vossberg", "of", "Nokia", "Inc.", "said", "Nokia", "'s", "U.S.", "unit", "sued", "."]
        );
        assert_eq!(d.sentences.len(), 1);
    }

    #[test]
    fn document_sentences_break_after_final_abbreviations_and_lines() {
        let d = Document::new("It sued Apple Inc. The firm said no.\nAWS logo\n\nThe U.S. Army agreed.", &abbreviations());
        let s: Vec<&str> = d.sentences.iter().map(|s| d.str(*s)).collect();
        assert_eq!(s, ["It sued Apple Inc.", "The firm said no.", "AWS logo", "The U.S. Army agreed."]);
        assert_eq!(d.paragraphs.len(), 3);
        let d = Document::new("Kato Denki Co. Ltd. and Acme Co. Inc. pleaded. Ltd. Mr. Roe spoke.", &abbreviations());
        let s: Vec<&str> = d.sentences.iter().map(|s| d.str(*s)).collect();
        assert_eq!(s, ["Kato Denki Co. Ltd. and Acme Co. Inc. pleaded.", "Ltd.", "Mr. Roe spoke."]);
    }

    #[test]
    fn document_general_punctuation_has_the_plain_shape() {
        // Every character of the block, and the ones just outside it, alone
        // and before a capital.
        for c in '\u{1ff0}'..='\u{207f}' {
            for word in [c.to_string(), format!("{c}AB")] {
                assert_eq!(shape(&word, 0, word.len()), reference::shape(&word), "{word:?}");
            }
        }
    }

    /// The document stage written plainly on the crate's segmenters, one
    /// pass per structure: what `Document::new` must give, token for token.
    mod reference {
        use super::super::{Abbreviations, Shape, Span, Token};
        use unicode_segmentation::UnicodeSegmentation;

        pub fn document(text: &str, abbreviations: &Abbreviations) -> (Vec<Span>, Vec<Span>, Vec<Token>) {
            let mut tokens = tokenize(text, abbreviations);
            let paragraphs = paragraphs(text);
            let sentences = sentences(text, &tokens, abbreviations);
            for t in &mut tokens {
                t.sentence = sentences.partition_point(|s| s.end <= t.span.start).min(sentences.len().saturating_sub(1));
            }
            (paragraphs, sentences, tokens)
        }

        pub fn shape(word: &str) -> Shape {
            let mut chars = word.chars();
            let Some(first) = chars.next() else { return Shape::Punct };
            if first.is_numeric() {
                return Shape::Number;
            }
            if first.is_lowercase() {
                return Shape::Lower;
            }
            if !first.is_uppercase() {
                return Shape::Punct;
            }
            let mut letters = word.chars().filter(|c| c.is_alphabetic());
            let all_upper = letters.clone().all(char::is_uppercase);
            if letters.nth(1).is_none() {
                Shape::Initial
            } else if all_upper {
                Shape::Upper
            } else {
                Shape::Title
            }
        }

        fn tokenize(text: &str, abbreviations: &Abbreviations) -> Vec<Token> {
            let mut out: Vec<Token> = Vec::new();
            let push = |start: usize, word: &str, out: &mut Vec<Token>| {
                out.push(Token { span: Span::new(start, start + word.len()), shape: shape(word), sentence: 0 });
            };
            for (start, word) in text.split_word_bound_indices() {
                if word.chars().all(char::is_whitespace) {
                    continue;
                }
                if word == "."
                    && let Some(prev) = out.last_mut()
                {
                    let prev_word = prev.span.text(text);
                    let dotted = prev_word.contains('.') && prev_word.chars().any(char::is_alphabetic);
                    if prev.span.end == start
                        && (prev.shape == Shape::Initial || dotted || abbreviations.words.contains(prev_word))
                    {
                        prev.span.end = start + 1;
                        prev.shape = shape(prev.span.text(text));
                        continue;
                    }
                }
                match ["'s", "\u{2019}s"].iter().find(|p| word.len() > p.len() && word.ends_with(*p)) {
                    Some(p) => {
                        let cut = word.len() - p.len();
                        push(start, &word[..cut], &mut out);
                        push(start + cut, &word[cut..], &mut out);
                    }
                    None => push(start, word, &mut out),
                }
            }
            out
        }

        fn paragraphs(text: &str) -> Vec<Span> {
            let mut out = Vec::new();
            let mut start = 0;
            for line in text.split('\n') {
                let lead = line.len() - line.trim_start().len();
                if !line.trim().is_empty() {
                    out.push(Span::new(start + lead, start + lead + line.trim().len()));
                }
                start += line.len() + 1;
            }
            out
        }

        fn sentences(text: &str, tokens: &[Token], abbreviations: &Abbreviations) -> Vec<Span> {
            let mut out: Vec<Span> = Vec::new();
            let (mut glue, mut after_abbreviation) = (false, false);
            for (start, piece) in text.split_sentence_bound_indices() {
                if piece.trim().is_empty() {
                    continue;
                }
                let lead = piece.len() - piece.trim_start().len();
                let span = Span::new(start + lead, start + piece.trim_end().len());
                let first = tokens.iter().find(|t| t.span.start >= span.start).map(|t| t.span.text(text));
                let suffix = first.is_some_and(|w| abbreviations.never_starts.contains(w.strip_suffix('.').unwrap_or(w)));
                match out.last_mut() {
                    Some(last) if (glue || after_abbreviation && suffix) && !text[last.end..span.start].contains('\n') => {
                        last.end = span.end;
                    }
                    _ => out.push(span),
                }
                let last = tokens.iter().find(|t| t.span.end >= span.end).filter(|t| t.span.end == span.end);
                let stem = last.and_then(|t| t.span.text(text).strip_suffix('.'));
                glue = last.is_some_and(|t| t.shape == Shape::Initial) && stem.is_some()
                    || stem.is_some_and(|s| abbreviations.never_final.contains(s));
                after_abbreviation = stem.is_some_and(|s| abbreviations.words.contains(s));
            }
            out
        }
    }

    /// Text made of news-copy pieces: words of every shape, the
    /// abbreviations above, possessives, terminals, quotes, dashes, line
    /// breaks, and now and then a character only the crate's tables know.
    fn news_copy() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            4 => "[A-Za-z]{1,7}",
            2 => Just(" ".to_string()),
            2 => prop::sample::select(vec![
                "Mr.", "Inc.", "U.S.", "Co.", "Ltd.", "T.", "Nokia's", "AWS", "O\u{2019}Neil\u{2019}s", "3.5", "1,250",
                "e.g.", "x's", "I\u{2019}s", "'s", "\u{2019}s", "\u{c9}t\u{e9}", "Soci\u{e9}t\u{e9}", "\u{c6}", "\u{1c5}a", "\u{2160}V", "co_op", "don't",
            ]).prop_map(String::from),
            3 => "[ .,;:!?'\"()\u{2019}\u{201c}\u{201d}\u{2014}\u{2013}\u{a0}\t\r\n-]{1,3}",
            1 => "[\u{85}\u{2028}\u{2029}\u{b7}\u{ab}\u{bb}\u{20ac}\u{300}\u{65e5}\u{3002}\u{feff}0-9_$%&]",
        ];
        prop::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
    }

    proptest! {
        #[test]
        fn document_agrees_with_the_plain_passes_over_the_crate(text in news_copy()) {
            let d = Document::new(&text, &abbreviations());
            let (paragraphs, sentences, tokens) = reference::document(&text, &abbreviations());
            prop_assert_eq!(&d.paragraphs, &paragraphs);
            prop_assert_eq!(&d.sentences, &sentences);
            prop_assert_eq!(&d.tokens, &tokens);
        }

        #[test]
        fn document_abbreviation_lookups_agree_with_the_sets(
            entries in prop::collection::vec(("[ab.]{0,4}|[ab]{30,33}", any::<bool>(), any::<bool>()), 0..8),
            others in prop::collection::vec("[ab.]{0,4}|[ab]{30,33}", 0..8),
        ) {
            // Few letters, so that words share last bytes and lengths with
            // the abbreviations and get past the filter, and lengths on
            // both sides of the last one it tells apart.
            let mut a = Abbreviations::default();
            for (word, never_final, never_starts) in &entries {
                a.insert(word, *never_final, *never_starts);
            }
            for word in entries.iter().map(|(w, _, _)| w).chain(&others) {
                prop_assert_eq!(a.is_word(word), a.words.contains(word.as_str()), "{:?}", word);
                prop_assert_eq!(a.is_never_final(word), a.never_final.contains(word.as_str()), "{:?}", word);
                prop_assert_eq!(a.is_never_starts(word), a.never_starts.contains(word.as_str()), "{:?}", word);
            }
        }

        #[test]
        fn document_shapes_agree_with_the_plain_shape(word in "[A-Za-z0-9.'_\u{c0}-\u{24f}\u{1c5}\u{2160}\u{24b6}\u{65e5}\u{300}\u{1ffc}-\u{2071}-]{0,6}|\\PC{0,4}") {
            prop_assert_eq!(shape(&word, 0, word.len()), reference::shape(&word), "{:?}", word);
        }
    }
}
