//! The document stage: an article's text cut into paragraphs, sentences and
//! word tokens, all as byte spans of the original text.
//!
//! Sentences come from Unicode sentence boundaries (UAX #29), corrected for
//! abbreviations that never end a sentence ("U.S.", "Mr.", "Jan.") and for
//! initials ("Gregory G. Katsas"). A newline always ends a sentence, and each
//! non-empty line is a paragraph.

use std::collections::HashSet;

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

/// Abbreviations the tokenizer keeps whole with their period.
#[derive(Clone, Debug, Default)]
pub struct Abbreviations {
    /// Words that take a period and may still end a sentence (`Inc`).
    pub words: HashSet<String>,
    /// Words whose period never ends a sentence (`Mr`, `Jan`, `U.S`).
    pub never_final: HashSet<String>,
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
}

impl<'t> Document<'t> {
    /// Cuts `text` into paragraphs, sentences and tokens.
    pub fn new(text: &'t str, abbreviations: &Abbreviations) -> Document<'t> {
        let mut tokens = tokenize(text, abbreviations);
        let paragraphs = paragraphs(text);
        let sentences = sentences(text, &tokens, abbreviations);
        let mut s = 0;
        for t in &mut tokens {
            while s + 1 < sentences.len() && sentences[s].end <= t.span.start {
                s += 1;
            }
            t.sentence = s;
        }
        Document { text, paragraphs, sentences, tokens }
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

fn shape(word: &str) -> Shape {
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
        let span = Span::new(start, start + word.len());
        out.push(Token { span, shape: shape(word), sentence: 0 });
    };
    crate::segment::each_word(text, |start, word| {
        if word.chars().all(char::is_whitespace) {
            return;
        }
        // A period right after an abbreviation, an initial or a dotted
        // acronym ("U.S") belongs to it.
        if word == "."
            && let Some(prev) = out.last_mut() {
                let prev_word = prev.span.text(text);
                let dotted = prev_word.contains('.') && prev_word.chars().any(char::is_alphabetic);
                let joined = prev.span.end == start
                    && (prev.shape == Shape::Initial || dotted || abbreviations.words.contains(prev_word));
                if joined {
                    prev.span.end = start + 1;
                    prev.shape = shape(prev.span.text(text));
                    return;
                }
            }
        // Possessives are their own token: "Nokia's" -> "Nokia" + "'s".
        let possessive = ["'s", "\u{2019}s"].iter().find(|p| word.len() > p.len() && word.ends_with(*p));
        match possessive {
            Some(p) => {
                let cut = word.len() - p.len();
                push(start, &word[..cut], &mut out);
                push(start + cut, &word[cut..], &mut out);
            }
            None => push(start, word, &mut out),
        }
    });
    out
}

fn paragraphs(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split('\n') {
        let trimmed = line.trim();
        if !trimmed.is_empty() {
            let lead = line.len() - line.trim_start().len();
            out.push(Span::new(start + lead, start + lead + trimmed.len()));
        }
        start += line.len() + 1;
    }
    out
}

fn sentences(text: &str, tokens: &[Token], abbreviations: &Abbreviations) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::new();
    let mut glue = false;
    let starts = crate::segment::sentence_starts(text);
    let ends = starts.iter().copied().chain([text.len()]);
    for (start, end) in std::iter::once(0).chain(starts.iter().copied()).zip(ends) {
        let piece = &text[start..end];
        let trimmed = piece.trim_end();
        let lead = piece.len() - piece.trim_start().len();
        if trimmed.trim().is_empty() {
            continue;
        }
        let span = Span::new(start + lead, start + trimmed.len());
        match out.last_mut() {
            Some(last) if glue && !text.get(last.end..span.start).unwrap_or("\n").contains('\n') => last.end = span.end,
            _ => out.push(span),
        }
        glue = ends_in_abbreviation(text, tokens, span.end, abbreviations);
    }
    out
}

/// True when the token ending at `end` is an initial or an abbreviation whose
/// period does not end a sentence.
fn ends_in_abbreviation(text: &str, tokens: &[Token], end: usize, abbreviations: &Abbreviations) -> bool {
    let i = tokens.partition_point(|t| t.span.end < end);
    let Some(t) = tokens.get(i).filter(|t| t.span.end == end) else { return false };
    let word = t.span.text(text);
    let Some(stem) = word.strip_suffix('.') else { return false };
    t.shape == Shape::Initial || abbreviations.never_final.contains(stem)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn abbreviations() -> Abbreviations {
        let mut a = Abbreviations::default();
        for w in ["Mr", "Inc", "U.S"] {
            a.words.insert(w.into());
        }
        for w in ["Mr", "U.S"] {
            a.never_final.insert(w.into());
        }
        a
    }

    fn words<'t>(d: &Document<'t>) -> Vec<&'t str> {
        d.tokens.iter().map(|t| d.str(t.span)).collect()
    }

    #[test]
    fn document_keeps_abbreviations_and_initials_whole() {
        let d = Document::new("Mr. Gregory G. Katsas of Nokia Inc. said Nokia's U.S. unit sued.", &abbreviations());
        assert_eq!(
            words(&d),
            ["Mr.", "Gregory", "G.", "Katsas", "of", "Nokia", "Inc.", "said", "Nokia", "'s", "U.S.", "unit", "sued", "."]
        );
        assert_eq!(d.sentences.len(), 1);
    }

    #[test]
    fn document_sentences_break_after_final_abbreviations_and_lines() {
        let d = Document::new("It sued Apple Inc. The firm said no.\nAWS logo\n\nThe U.S. Army agreed.", &abbreviations());
        let s: Vec<&str> = d.sentences.iter().map(|s| d.str(*s)).collect();
        assert_eq!(s, ["It sued Apple Inc.", "The firm said no.", "AWS logo", "The U.S. Army agreed."]);
        assert_eq!(d.paragraphs.len(), 3);
    }
}
