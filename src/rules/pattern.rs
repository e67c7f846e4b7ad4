//! Token patterns: a subset of spaCy's Matcher patterns, so a rule can say
//! "filed, then any of a few small words, then lawsuit or complaint" once
//! instead of listing every phrase. A pattern is a list of token specs; each
//! spec tests one token and may repeat (`OP`). Matches never cross a
//! sentence boundary.

use std::borrow::Cow;

use regex::Regex;
use serde::Deserialize;

use crate::document::{Document, Shape, Token};
use crate::span::Span;

use super::phrases::{WordMap, hash_word};

/// A string test: one value, or `{"IN": [...]}` / `{"NOT_IN": [...]}`.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum StrTest {
    /// Equal to this.
    Is(String),
    /// One of a set, or none of it.
    Set(SetTest),
}

/// `{"IN": [...]}`, `{"NOT_IN": [...]}` or `{"REGEX": "..."}`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetTest {
    /// The value is one of these.
    #[serde(rename = "IN")]
    pub is_in: Option<Vec<String>>,
    /// The value is none of these.
    #[serde(rename = "NOT_IN")]
    pub not_in: Option<Vec<String>>,
    /// The value matches this regex.
    #[serde(rename = "REGEX")]
    pub regex: Option<String>,
}

/// How often a spec may match: spaCy's `OP`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
pub enum Op {
    /// Exactly once (the default).
    #[default]
    #[serde(rename = "1")]
    One,
    /// Zero or one time.
    #[serde(rename = "?")]
    Optional,
    /// Zero or more times.
    #[serde(rename = "*")]
    Any,
    /// One or more times.
    #[serde(rename = "+")]
    Many,
    /// The token must not match (one token, consumed).
    #[serde(rename = "!")]
    Not,
}

/// One token spec as written.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenSpec {
    /// Exact text.
    #[serde(rename = "ORTH", alias = "TEXT")]
    pub orth: Option<StrTest>,
    /// Lower-cased text.
    #[serde(rename = "LOWER")]
    pub lower: Option<StrTest>,
    /// Starts with a capital, then lower case.
    #[serde(rename = "IS_TITLE")]
    pub is_title: Option<bool>,
    /// All capitals.
    #[serde(rename = "IS_UPPER")]
    pub is_upper: Option<bool>,
    /// All lower case.
    #[serde(rename = "IS_LOWER")]
    pub is_lower: Option<bool>,
    /// Letters only.
    #[serde(rename = "IS_ALPHA")]
    pub is_alpha: Option<bool>,
    /// Digits only.
    #[serde(rename = "IS_DIGIT")]
    pub is_digit: Option<bool>,
    /// Punctuation.
    #[serde(rename = "IS_PUNCT")]
    pub is_punct: Option<bool>,
    /// Starts with a digit.
    #[serde(rename = "LIKE_NUM")]
    pub like_num: Option<bool>,
    /// Repetition.
    #[serde(rename = "OP", default)]
    pub op: Op,
}

/// A string test, compiled: a single value is a set of one.
#[derive(Debug)]
enum Test {
    In(WordMap<()>),
    NotIn(WordMap<()>),
    Matches(Regex),
}

impl Test {
    fn compile(t: &StrTest, lower: bool) -> Result<Test, String> {
        let set = |words: &[String]| {
            let mut set = WordMap::default();
            for word in words {
                let word = if lower { word.to_lowercase() } else { word.clone() };
                set.entry(word.as_bytes(), hash_word(word.as_bytes()));
            }
            set
        };
        Ok(match t {
            StrTest::Is(s) => Test::In(set(std::slice::from_ref(s))),
            StrTest::Set(SetTest { is_in: Some(v), not_in: None, regex: None }) => Test::In(set(v)),
            StrTest::Set(SetTest { is_in: None, not_in: Some(v), regex: None }) => Test::NotIn(set(v)),
            StrTest::Set(SetTest { is_in: None, not_in: None, regex: Some(r) }) => {
                Test::Matches(Regex::new(r).map_err(|e| format!("invalid REGEX: {e}"))?)
            }
            StrTest::Set(_) => return Err("a set test needs exactly one of IN, NOT_IN, REGEX".into()),
        })
    }

    /// Tests `value`, whose [`hash_word`] is `hash`.
    fn test(&self, value: &str, hash: u64) -> bool {
        match self {
            Test::In(set) => set.get(value.as_bytes(), hash).is_some(),
            Test::NotIn(set) => set.get(value.as_bytes(), hash).is_none(),
            Test::Matches(r) => r.is_match(value),
        }
    }
}

/// A shape test and the answer it wants.
type Flag = (fn(&str, Shape) -> bool, bool);

#[derive(Debug)]
struct Spec {
    orth: Option<Test>,
    lower: Option<Test>,
    flags: Vec<Flag>,
    op: Op,
}

impl Spec {
    /// The set a token's lower-cased text must be in for the spec to
    /// accept it, if there is one.
    fn words(&self) -> Option<&WordMap<()>> {
        match &self.lower {
            Some(Test::In(set)) if self.op != Op::Not => Some(set),
            _ => None,
        }
    }
}

/// The most tokens one match of a token pattern may span.
pub const MAX_TOKENS: usize = 64;

/// A compiled token pattern.
#[derive(Debug)]
pub struct TokenPattern {
    specs: Vec<Spec>,
    /// The specs that may be skipped (`?`, `*`) and those that may take
    /// another token after one (`*`, `+`), as bit sets by index: a token
    /// moves all states at once, where asking each spec's `op` stepped
    /// over every spec for every token.
    optional: u64,
    repeats: u64,
}

impl TokenPattern {
    /// Compiles the specs.
    ///
    /// # Errors
    /// A message for an empty pattern, one that starts or ends with an
    /// optional spec, or an invalid test.
    pub fn compile(specs: &[TokenSpec]) -> Result<TokenPattern, String> {
        let optional = |s: &TokenSpec| matches!(s.op, Op::Optional | Op::Any);
        match (specs.first(), specs.last()) {
            (None, _) | (_, None) => return Err("empty token pattern".into()),
            (Some(first), Some(last)) if optional(first) || optional(last) => {
                return Err("a token pattern cannot start or end with an optional token (OP ? or *)".into());
            }
            _ if specs.len() > 63 => return Err("a token pattern has at most 63 tokens".into()),
            _ => {}
        }
        let mut out = Vec::new();
        for s in specs {
            let mut flags: Vec<Flag> = Vec::new();
            let mut flag = |value: Option<bool>, f: fn(&str, Shape) -> bool| {
                if let Some(v) = value {
                    flags.push((f, v));
                }
            };
            flag(s.is_title, |_, shape| shape == Shape::Title || shape == Shape::Initial);
            flag(s.is_upper, |_, shape| shape == Shape::Upper);
            flag(s.is_lower, |_, shape| shape == Shape::Lower);
            flag(s.is_alpha, |w, _| w.chars().all(char::is_alphabetic));
            flag(s.is_digit, |w, _| w.chars().all(|c| c.is_ascii_digit()));
            flag(s.is_punct, |_, shape| shape == Shape::Punct);
            flag(s.like_num, |_, shape| shape == Shape::Number);
            out.push(Spec {
                orth: s.orth.as_ref().map(|t| Test::compile(t, false)).transpose()?,
                lower: s.lower.as_ref().map(|t| Test::compile(t, true)).transpose()?,
                flags,
                op: s.op,
            });
        }
        let ops = |wanted: &[Op]| out.iter().enumerate().filter(|(_, spec)| wanted.contains(&spec.op)).fold(0, |bits, (s, _)| bits | 1 << s);
        let (optional, repeats) = (ops(&[Op::Optional, Op::Any]), ops(&[Op::Any, Op::Many]));
        Ok(TokenPattern { specs: out, optional, repeats })
    }

    /// `states` and every state they reach by skipping optional specs:
    /// shifted on until nothing changes, a step or two.
    fn skip_optional(&self, states: u64) -> u64 {
        let mut closed = states;
        loop {
            let more = closed | (closed & self.optional) << 1;
            if more == closed {
                return closed;
            }
            closed = more;
        }
    }

    /// The states after a token that the specs in `accepted` accept: each
    /// moves on, and one that repeats may also stay.
    fn advance(&self, accepted: u64) -> u64 {
        accepted << 1 | accepted & self.repeats
    }

    /// Whether `spec` accepts `token` of `doc`, whose lower-cased form is
    /// `lower`. Most specs test only that, so the token's own text is
    /// sliced only for the others. `listed` says that `lower` is known to
    /// be in the spec's [`words`](Spec::words), so that test is not made
    /// again.
    fn accepts(&self, spec: &Spec, doc: &Document<'_>, token: &Token, lower: &Lower<'_>, listed: bool) -> bool {
        let word = || doc.str(token.span);
        let ok = spec.orth.as_ref().is_none_or(|t| t.test(word(), hash_word(word().as_bytes())))
            && (listed || spec.lower.as_ref().is_none_or(|t| t.test(&lower.text, lower.hash)))
            && spec.flags.iter().all(|(f, want)| f(word(), token.shape) == *want);
        if spec.op == Op::Not { !ok } else { ok }
    }

    /// The longest match starting at token `start`, whose lower-cased form
    /// is `first`; `listed` when `first` is known to be one of the first
    /// spec's [`words`](Spec::words).
    fn longest_from(&self, doc: &Document<'_>, ascii_lower: &str, start: usize, first: &Lower<'_>, listed: bool) -> Option<Span> {
        let tokens = &doc.tokens;
        if !self.accepts(&self.specs[0], doc, &tokens[start], first, listed) {
            return None;
        }
        let sentence = tokens[start].sentence;
        // Reachable specs as a bit set (`compile` caps a pattern at 63
        // specs; bit `len` means "matched"), walked token by token from the
        // one after `start`, which the first spec (never optional) took.
        let mut states: u64 = 0b10 | self.repeats & 1;
        let mut best = None;
        let mut t = start + 1;
        loop {
            // Optional specs may be skipped without consuming a token.
            let closed = self.skip_optional(states);
            if closed & (1 << self.specs.len()) != 0 {
                best = Some(t);
            }
            // A match spans at most MAX_TOKENS tokens, so that a wildcard
            // (`"OP": "*"`) never scans a whole huge sentence from every
            // start: the work stays linear in the text.
            if t - start >= MAX_TOKENS {
                break;
            }
            let Some(tok) = tokens.get(t).filter(|tok| tok.sentence == sentence) else { break };
            let lower = Lower::of(ascii_lower, tok.span);
            // Only the reachable specs are asked, not the state "matched".
            let mut ask = closed & !(u64::MAX << self.specs.len());
            let mut accepted: u64 = 0;
            while ask != 0 {
                let s = ask.trailing_zeros() as usize;
                ask &= ask - 1;
                if self.accepts(&self.specs[s], doc, tok, &lower, false) {
                    accepted |= 1 << s;
                }
            }
            let next = self.advance(accepted);
            if next == 0 {
                break;
            }
            states = next;
            t += 1;
        }
        best.map(|end| Span::new(tokens[start].span.start, tokens[end - 1].span.end))
    }

    /// Every match: for each start token, the longest match from there.
    /// The test oracle for [`PatternStarts::find`]: it tries every pattern
    /// at every token.
    #[cfg(test)]
    fn find(&self, doc: &Document<'_>, ascii_lower: &str) -> Vec<Span> {
        let first = self.specs[0].words();
        (0..doc.tokens.len())
            .filter_map(|start| {
                let lower = Lower::of(ascii_lower, doc.tokens[start].span);
                if first.is_some_and(|set| set.get(lower.text.as_bytes(), lower.hash).is_none()) {
                    return None;
                }
                self.longest_from(doc, ascii_lower, start, &lower, false)
            })
            .collect()
    }
}

/// Which of a rule set's token patterns can start at a token. Most begin
/// with a set of words, so one lookup of each token's lower-cased word
/// gives the few to try there, instead of one lookup per pattern.
#[derive(Debug)]
pub struct PatternStarts {
    /// Patterns (by index) whose first spec wants one of a set of words, by
    /// those words.
    by_word: WordMap<Vec<usize>>,
    /// For each [`pair`] of first two bytes of those words, a
    /// [`length_bit`] for each of their lengths: most tokens are turned away
    /// by it before they are lower-cased and hashed.
    lengths: Box<[u16; 1 << 14]>,
    /// Patterns whose first spec may accept any word: tried at every token.
    anywhere: Vec<usize>,
}

impl PatternStarts {
    /// Where each of `patterns` can start.
    pub fn new(patterns: &[&TokenPattern]) -> PatternStarts {
        let mut starts = PatternStarts { by_word: WordMap::default(), lengths: Box::new([0; 1 << 14]), anywhere: Vec::new() };
        for (p, pattern) in patterns.iter().enumerate() {
            match pattern.specs[0].words() {
                Some(words) => words.keys().for_each(|word| {
                    starts.by_word.entry(word, hash_word(word)).push(p);
                    if let Some(pair) = pair(word) {
                        starts.lengths[pair] |= length_bit(word.len());
                    }
                }),
                None => starts.anywhere.push(p),
            }
        }
        starts
    }

    /// Every match of `patterns` (the ones this was built from) in `doc`,
    /// whose text ASCII lower-cased is `ascii_lower`, as (pattern index,
    /// span): for each start token, each pattern's longest match from
    /// there. Sorted by pattern, each pattern's matches in text order.
    pub fn find(&self, patterns: &[&TokenPattern], doc: &Document<'_>, ascii_lower: &str) -> Vec<(usize, Span)> {
        let mut out = Vec::new();
        let bytes = ascii_lower.as_bytes();
        for (start, token) in doc.tokens.iter().enumerate() {
            if self.anywhere.is_empty() && !self.may_start(&bytes[token.span.start..token.span.end]) {
                continue;
            }
            self.find_at(patterns, doc, ascii_lower, start, &mut out);
        }
        // Stable, so each pattern's matches stay in text order.
        out.sort_by_key(|&(p, _)| p);
        out
    }

    /// Adds to `out` the longest match from token `start` of each pattern
    /// that may start there. Out of line, so that the loop over the tokens
    /// that [`may_start`](Self::may_start) turns away stays small.
    #[inline(never)]
    fn find_at(&self, patterns: &[&TokenPattern], doc: &Document<'_>, ascii_lower: &str, start: usize, out: &mut Vec<(usize, Span)>) {
        let first = Lower::of(ascii_lower, doc.tokens[start].span);
        let listed = self.by_word.get(first.text.as_bytes(), first.hash).map_or(&[][..], Vec::as_slice);
        // A pattern is listed under the words of its first spec's set, so
        // that set need not be asked again.
        let tries = listed.iter().map(|&p| (p, true)).chain(self.anywhere.iter().map(|&p| (p, false)));
        for (p, listed) in tries {
            if let Some(span) = patterns[p].longest_from(doc, ascii_lower, start, &first, listed) {
                out.push((p, span));
            }
        }
    }

    /// False when a token, ASCII lower-cased, cannot be lower-cased to one
    /// of the words in `by_word`. The length tells only for ASCII tokens:
    /// lower-casing other characters may change their length in bytes
    /// (the Kelvin sign is three, its `k` one).
    fn may_start(&self, word: &[u8]) -> bool {
        pair(word).is_none_or(|pair| {
            let lengths = self.lengths[pair];
            lengths & length_bit(word.len()) != 0 || lengths != 0 && !word.is_ascii()
        })
    }
}

/// A bit for a word of `len` bytes; one bit stands for every length from 15.
fn length_bit(len: usize) -> u16 {
    1 << len.min(15)
}

/// The first two bytes of a word (the second 0 if there is none) as a
/// number below 2^14, when both are ASCII: lower-casing a whole token then
/// keeps them (as lower-casing its ASCII alone did), so a token whose pair
/// no word has is not one of the words. `None` for the others.
fn pair(word: &[u8]) -> Option<usize> {
    let first = *word.first()?;
    let second = word.get(1).copied().unwrap_or(0);
    (first.is_ascii() && second.is_ascii()).then(|| usize::from(first) << 7 | usize::from(second))
}

/// A token lower-cased, with its hash for the word sets of every test.
#[derive(Debug)]
struct Lower<'a> {
    text: Cow<'a, str>,
    hash: u64,
}

impl<'a> Lower<'a> {
    /// The token at `span` lower-cased; `ascii_lower` is the text ASCII
    /// lower-cased, so an ASCII token is a slice of it and only the rare
    /// others allocate.
    #[inline]
    fn of(ascii_lower: &'a str, span: Span) -> Lower<'a> {
        let word = span.text(ascii_lower);
        let text = if word.is_ascii() { Cow::Borrowed(word) } else { Cow::Owned(word.to_lowercase()) };
        Lower { hash: hash_word(text.as_bytes()), text }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Abbreviations;

    fn spans(pattern: &str, text: &str) -> Vec<String> {
        let specs: Vec<TokenSpec> = serde_json::from_str(pattern).unwrap();
        let p = TokenPattern::compile(&specs).unwrap();
        let doc = Document::new(text, &Abbreviations::default());
        let ascii_lower = text.to_ascii_lowercase();
        let found = PatternStarts::new(&[&p]).find(&[&p], &doc, &ascii_lower);
        found.iter().map(|(_, s)| doc.str(*s).to_string()).collect()
    }

    /// Words for random texts and tests: mixed case, non-ASCII,
    /// sentence-ending punctuation, and Kelvin signs, which lower-case to
    /// ASCII (and to fewer bytes, after two ASCII ones in "XY\u{212a}").
    const WORDS: [&str; 20] = [
        "filed", "Filed", "FILED", "a", "lawsuit", "by", "Inc", "court", "Soci\u{e9}t\u{e9}", "SOCI\u{c9}T\u{c9}", ".", ",", "\u{c9}", "x1", "\u{212a}X1", "kx1", "A\u{212a}", "ak",
        "XY\u{212a}", "xyk",
    ];

    /// A spec from a kind of test, the words it names, and an `OP`.
    fn spec(kind: usize, words: &[usize], op: usize) -> TokenSpec {
        let words: Vec<String> = words.iter().map(|&w| WORDS[w].to_string()).collect();
        let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
        let is_in = |v: Vec<String>| Some(StrTest::Set(SetTest { is_in: Some(v), not_in: None, regex: None }));
        let mut spec = TokenSpec { op: [Op::One, Op::Optional, Op::Any, Op::Many, Op::Not][op], ..TokenSpec::default() };
        match kind {
            0 => spec.lower = is_in(lower),
            1 => spec.lower = Some(StrTest::Set(SetTest { is_in: None, not_in: Some(lower), regex: None })),
            2 => spec.orth = is_in(words),
            3 => spec.lower = lower.into_iter().next().map(StrTest::Is),
            _ => spec.is_title = Some(true),
        }
        spec
    }

    proptest::proptest! {
        /// Trying only the patterns a token's word can start agrees with
        /// trying every pattern at every token.
        #[test]
        fn pattern_starts_agree_with_every_pattern_alone(
            patterns in proptest::collection::vec(proptest::collection::vec((0..5usize, proptest::collection::vec(0..WORDS.len(), 0..4), 0..5usize), 1..4), 0..6),
            words in proptest::collection::vec(0..WORDS.len(), 0..40),
        ) {
            let text = words.iter().map(|&w| WORDS[w]).collect::<Vec<_>>().join(" ");
            let patterns: Vec<TokenPattern> = patterns
                .iter()
                .filter_map(|specs| TokenPattern::compile(&specs.iter().map(|(k, w, op)| spec(*k, w, *op)).collect::<Vec<_>>()).ok())
                .collect();
            let patterns: Vec<&TokenPattern> = patterns.iter().collect();
            let doc = Document::new(&text, &Abbreviations::default());
            let ascii_lower = text.to_ascii_lowercase();
            let alone: Vec<(usize, Span)> =
                patterns.iter().enumerate().flat_map(|(p, pattern)| pattern.find(&doc, &ascii_lower).into_iter().map(move |s| (p, s))).collect();
            proptest::prop_assert_eq!(PatternStarts::new(&patterns).find(&patterns, &doc, &ascii_lower), alone);
        }
    }

    proptest::proptest! {
        /// Moving all states at once by the bit sets of ops agrees with
        /// asking each spec's op in turn.
        #[test]
        fn states_move_as_each_spec_moves_them(
            ops in proptest::collection::vec(0..5usize, 1..10),
            states in proptest::prelude::any::<u64>(),
            accepted in proptest::prelude::any::<u64>(),
        ) {
            let specs: Vec<TokenSpec> = ops.iter().map(|&op| spec(0, &[0], op)).collect();
            let Ok(pattern) = TokenPattern::compile(&specs) else { return Ok(()) };
            let len = pattern.specs.len();
            let (states, accepted) = (states & !(u64::MAX << (len + 1)), accepted & !(u64::MAX << len));
            let mut closed = states;
            for (s, spec) in pattern.specs.iter().enumerate() {
                if closed & (1 << s) != 0 && matches!(spec.op, Op::Optional | Op::Any) {
                    closed |= 1 << (s + 1);
                }
            }
            proptest::prop_assert_eq!(pattern.skip_optional(states), closed);
            let mut next: u64 = 0;
            for (s, spec) in pattern.specs.iter().enumerate() {
                if accepted & (1 << s) != 0 {
                    next |= 1 << (s + 1);
                    if matches!(spec.op, Op::Any | Op::Many) {
                        next |= 1 << s;
                    }
                }
            }
            proptest::prop_assert_eq!(pattern.advance(accepted), next);
        }
    }

    #[test]
    fn pattern_starts_where_lower_casing_changes_the_length() {
        // The Kelvin sign is three bytes, its lower case `k` one.
        assert_eq!(spans(r#"[{"LOWER": "xyk"}]"#, "XY\u{212a} xyk"), ["XY\u{212a}", "xyk"]);
    }

    #[test]
    fn pattern_ops_repeat_and_skip() {
        let p = r#"[{"LOWER": "filed"}, {"LOWER": {"IN": ["a", "civil", "two", "settled"]}, "OP": "*"}, {"LOWER": {"IN": ["lawsuit", "action", "proceedings"]}}]"#;
        assert_eq!(spans(p, "Amazon filed a lawsuit. The SEC filed two settled proceedings."), ["filed a lawsuit", "filed two settled proceedings"]);
        assert_eq!(spans(p, "It filed papers. A lawsuit followed."), Vec::<String>::new());
        let p = r#"[{"IS_TITLE": true, "OP": "+"}, {"ORTH": "Inc"}]"#;
        assert_eq!(spans(p, "shares of Acme Widget Inc. rose"), ["Acme Widget Inc", "Widget Inc"]);
    }

    #[test]
    fn pattern_sets_compare_whole_words() {
        let p = r#"[{"LOWER": {"IN": ["soci\u00e9t\u00e9", "by"]}}, {"ORTH": {"IN": ["Inc", "SA"]}}]"#;
        assert_eq!(spans(p, "SOCI\u{c9}T\u{c9} SA and Soci\u{e9}t\u{e9} sa, BY Inc, b Inc, byy Inc"), ["SOCI\u{c9}T\u{c9} SA", "BY Inc"]);
        let p = r#"[{"LOWER": {"IN": ["a", "bb"]}, "OP": "!"}, {"LOWER": {"NOT_IN": ["b", "cc"]}, "OP": "+"}, {"LOWER": "end"}]"#;
        let found: Vec<Vec<String>> = ["a x c end", "bb x y end", "q b end", "q cc end", "q cd END"].iter().map(|t| spans(p, t)).collect();
        assert_eq!(found, [vec!["x c end"], vec!["x y end"], vec![], vec![], vec!["q cd END"]]);
    }

    #[test]
    fn pattern_rejects_optional_edges() {
        let specs: Vec<TokenSpec> = serde_json::from_str(r#"[{"LOWER": "a", "OP": "?"}, {"LOWER": "b"}]"#).unwrap();
        assert!(TokenPattern::compile(&specs).is_err());
        let long = format!("[{}]", vec![r#"{"LOWER": "a"}"#; 64].join(", "));
        let specs: Vec<TokenSpec> = serde_json::from_str(&long).unwrap();
        assert!(TokenPattern::compile(&specs).unwrap_err().contains("at most 63"));
    }
}
