//! Rule sets: loading every rule file, checking it strictly, compiling the
//! phrases into a table by first word and the regexes once, and finding all
//! raw matches in a text. The format is documented in `rules/README.md`.

pub(crate) mod blocks;
mod builtin;
mod entity_ruler;
pub mod example;
pub mod format;
pub mod pattern;
mod phrases;
mod regexes;

use std::borrow::Cow;
use std::fmt;
use std::path::Path;

use crate::document::{Abbreviations, Document};
use crate::span::Span;
pub use format::{Case, Example, Label};
use format::{PatternValue, RawRule};
use pattern::{PatternStarts, TokenPattern};
use phrases::PhraseTable;
use regexes::{RegexScan, RuleRegex};

/// Where a rule was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    /// The rule file's name (`courts.jsonl`) or path.
    pub file: String,
    /// 1-based line number.
    pub line: usize,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// A compiled rule.
#[derive(Debug)]
pub struct Rule {
    /// `<type>.<group>.<name>`; lines sharing an id name one thing.
    pub id: String,
    /// What a match is.
    pub label: Label,
    /// Canonical name of the thing named.
    pub name: Option<String>,
    /// Data for the resolver.
    pub attrs: Vec<(String, String)>,
    /// Tie-breaker on overlaps.
    pub priority: i32,
    /// The production named by `resolve`.
    pub resolve: Option<String>,
    /// Where it was written.
    pub origin: Origin,
    /// Texts it must match.
    pub examples: Vec<Example>,
    /// Texts it must not match.
    pub counterexamples: Vec<String>,
    /// Phrase case sensitivity.
    pub case: Case,
    /// The phrases of a phrase rule, as written.
    pub phrases: Vec<String>,
    /// Boxed: a compiled regex takes about 800 bytes, and the thousands of
    /// phrase rules have none.
    regex: Option<Box<RuleRegex>>,
    tokens: Option<TokenPattern>,
    span_group: Option<usize>,
}

impl Rule {
    /// An attribute's value.
    pub fn attr(&self, key: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
}

/// A raw match of one rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Match {
    /// Index of the rule in `RuleSet::rules`.
    pub rule: usize,
    /// The mention.
    pub span: Span,
    /// For regex rules: every capture group's span, by group index.
    pub groups: Vec<Option<Span>>,
}

/// An error in a rule file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleError {
    /// Where.
    pub origin: Origin,
    /// The rule's id, when it could be read.
    pub rule_id: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.origin)?;
        if let Some(id) = &self.rule_id {
            write!(f, "rule {id}: ")?;
        }
        write!(f, "{}", self.message)
    }
}

/// Every error found while loading rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleErrors(pub Vec<RuleError>);

impl fmt::Display for RuleErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for e in &self.0 {
            writeln!(f, "{e}")?;
        }
        write!(f, "{} rule error{}", self.0.len(), if self.0.len() == 1 { "" } else { "s" })
    }
}

impl std::error::Error for RuleErrors {}

/// Productions a `resolve` field may name.
pub const PRODUCTIONS: &[&str] = &[
    "date.full",
    "date.month",
    "date.year",
    "date.decade",
    "date.quarter",
    "date.half",
    "date.season",
    "date.iso",
    "date.numeric",
    "date.today",
    "date.weekday",
    "date.relative",
    "date.ago",
    "date.in",
];

/// All the rules, compiled; immutable and shared by every thread.
pub struct RuleSet {
    /// The rules, in file then line order.
    pub rules: Vec<Rule>,
    /// Abbreviations for the tokenizer.
    pub abbreviations: Abbreviations,
    phrases: PhraseTable,
    regex_rules: Vec<usize>,
    regex_scan: RegexScan,
    token_rules: Vec<usize>,
    token_starts: PatternStarts,
}

impl fmt::Debug for RuleSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RuleSet({} rules)", self.rules.len())
    }
}

impl RuleSet {
    /// The rules compiled into the binary.
    ///
    /// # Errors
    /// Only if the built-in files are broken, which the test suite rules out.
    pub fn builtin() -> Result<RuleSet, RuleErrors> {
        RuleSet::from_files(builtin::FILES.iter().map(|(n, t)| (n.to_string(), Cow::Borrowed(*t))).collect())
    }

    /// The built-in rules with the `.jsonl` files of `dir` on top: a file
    /// named like a built-in one replaces it, any other is added.
    ///
    /// # Errors
    /// Every error of every file, with file and line.
    pub fn with_dir(dir: &Path) -> Result<RuleSet, RuleErrors> {
        let mut files: Vec<(String, Cow<'static, str>)> =
            builtin::FILES.iter().map(|(n, t)| (n.to_string(), Cow::Borrowed(*t))).collect();
        let io_error = |message: String| {
            RuleErrors(vec![RuleError { origin: Origin { file: dir.display().to_string(), line: 0 }, rule_id: None, message }])
        };
        let entries = std::fs::read_dir(dir).map_err(|e| io_error(e.to_string()))?;
        let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for path in paths.into_iter().filter(|p| p.extension().is_some_and(|e| e == "jsonl")) {
            let text = std::fs::read_to_string(&path).map_err(|e| io_error(format!("{}: {e}", path.display())))?;
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let shown = path.display().to_string();
            match files.iter_mut().find(|(n, _)| *n == name) {
                Some(slot) => *slot = (shown, Cow::Owned(text)),
                None => files.push((shown, Cow::Owned(text))),
            }
        }
        RuleSet::from_files(files)
    }

    /// Compiles rule files given as (name, contents); the built-in files
    /// are borrowed, not copied.
    ///
    /// # Errors
    /// Every error of every file, with file and line.
    pub fn from_files(files: Vec<(String, Cow<'static, str>)>) -> Result<RuleSet, RuleErrors> {
        let mut errors = Vec::new();
        let mut rules = Vec::new();
        let mut phrase_rules = Vec::new();
        let mut regex_rules = Vec::new();
        let mut token_rules = Vec::new();
        let mut abbreviations = Abbreviations::default();
        for (file, text) in &files {
            for (i, line) in text.lines().enumerate() {
                let trimmed = line.trim();
                if trimmed.is_empty() || trimmed.starts_with('#') {
                    continue;
                }
                match compile_rule(trimmed, Origin { file: file.clone(), line: i + 1 }) {
                    Err(e) => errors.push(e),
                    Ok(rule) => {
                        let index = rules.len();
                        if rule.label == Label::Abbreviation {
                            for p in &rule.phrases {
                                abbreviations.insert(p, rule.attr("final") == Some("no"), rule.attr("starts") == Some("no"));
                            }
                        } else if rule.regex.is_some() {
                            regex_rules.push(index);
                        } else if rule.tokens.is_some() {
                            token_rules.push(index);
                        } else {
                            phrase_rules.push(index);
                        }
                        rules.push(rule);
                    }
                }
            }
        }
        if !errors.is_empty() {
            return Err(RuleErrors(errors));
        }
        let regex_scan = RegexScan::new(&regex_rules.iter().filter_map(|&i| rules[i].regex.as_deref()).collect::<Vec<_>>());
        // The table borrows the rules' phrases (40,000 of them); only the
        // curly-apostrophe spellings are new strings.
        let phrases = phrase_rules.iter().flat_map(|&index| {
            let rule = &rules[index];
            let fold = rule.case == Case::Insensitive;
            rule.phrases.iter().flat_map(move |p| {
                let curly = p.contains('\'').then(|| Cow::Owned(p.replace('\'', "\u{2019}")));
                curly.into_iter().chain([Cow::Borrowed(p.as_str())]).map(move |p| (p, index, fold))
            })
        });
        let phrases = PhraseTable::new(phrases);
        let token_starts = PatternStarts::new(&token_patterns(&rules, &token_rules));
        Ok(RuleSet { rules, abbreviations, phrases, regex_rules, regex_scan, token_rules, token_starts })
    }

    /// Every raw match of every rule in the document, phrases on word
    /// boundaries, in no particular order. Overlaps are resolved later.
    pub fn find(&self, doc: &Document<'_>) -> Vec<Match> {
        let text = doc.text;
        // News text has about one match per 30 bytes: reserving for that
        // saves the vector growing five or six times per article.
        let mut out = Vec::with_capacity(text.len() / 32);
        // Lower-cased once per document, for the token patterns and the
        // phrases that ignore case.
        let ascii_lower = text.to_ascii_lowercase();
        if !self.token_rules.is_empty() {
            let patterns = token_patterns(&self.rules, &self.token_rules);
            for (p, span) in self.token_starts.find(&patterns, doc, &ascii_lower) {
                out.push(Match { rule: self.token_rules[p], span, groups: Vec::new() });
            }
        }
        self.phrases.find(text, &ascii_lower, &doc.blocks, |rule, span| out.push(Match { rule, span, groups: Vec::new() }));
        let regexes: Vec<&RuleRegex> = self.regex_rules.iter().filter_map(|&i| self.rules[i].regex.as_deref()).collect();
        self.regex_scan.find(&regexes, text, &doc.blocks, |slot, groups| {
            let index = self.regex_rules[slot];
            let span = match self.rules[index].span_group {
                Some(g) => groups.get(g).copied().flatten(),
                None => groups.first().copied().flatten(),
            };
            if let Some(span) = span.filter(|s| !s.is_empty()) {
                out.push(Match { rule: index, span, groups });
            }
        });
        out
    }

    /// The span of a named capture group of a regex match.
    pub fn group(&self, m: &Match, name: &str) -> Option<Span> {
        let index = self.rules.get(m.rule)?.regex.as_ref()?.group_index(name)?;
        m.groups.get(index).copied().flatten()
    }
}

/// The token patterns of the rules at `indices`, in that order.
fn token_patterns<'r>(rules: &'r [Rule], indices: &[usize]) -> Vec<&'r TokenPattern> {
    indices.iter().filter_map(|&i| rules[i].tokens.as_ref()).collect()
}

fn compile_rule(line: &str, origin: Origin) -> Result<Rule, RuleError> {
    // Most lines are well-formed gazette rules: read them in one pass. The
    // two-phase path below gives the precise errors and reads spaCy lines.
    let direct = match serde_json::from_str::<RawRule>(line) {
        Ok(raw) => return build_rule(raw, origin, false),
        Err(e) => e,
    };
    let value: serde_json::Value = serde_json::from_str(line).map_err(|e| RuleError {
        origin: Origin { file: origin.file.clone(), line: origin.line },
        rule_id: None,
        message: format!("not JSON (column {}): {e}", e.column()),
    })?;
    let spacy = entity_ruler::is_entity_ruler(&value);
    let value = if spacy {
        entity_ruler::convert(value, origin.line).map_err(|message| RuleError { origin: origin.clone(), rule_id: None, message })?
    } else {
        value
    };
    let rule_id = value.get("id").and_then(|v| v.as_str()).map(String::from);
    let fail = |message: String| RuleError { origin: origin.clone(), rule_id: rule_id.clone(), message };
    // A token pattern's own error names the bad key ("unknown field `POS`"),
    // which the untagged pattern type would hide.
    if let Some(tokens @ serde_json::Value::Array(_)) = value.get("pattern") {
        serde_json::from_value::<Vec<pattern::TokenSpec>>(tokens.clone()).map_err(|e| fail(format!("token pattern: {e}")))?;
    }
    let raw: RawRule = serde_json::from_value(value).map_err(|e| fail(e.to_string()))?;
    if !spacy {
        // The line was refused for what a parsed JSON value no longer shows
        // (a key given twice): that error stands.
        return Err(fail(direct.to_string()));
    }
    build_rule(raw, origin, spacy)
}

/// Checks a parsed rule line and compiles its regex or token pattern.
fn build_rule(raw: RawRule, origin: Origin, spacy: bool) -> Result<Rule, RuleError> {
    let rule_id = Some(raw.id.clone());
    let fail = |message: String| RuleError { origin: origin.clone(), rule_id: rule_id.clone(), message };
    if raw.id.is_empty() || !raw.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_.-".contains(c)) {
        return Err(fail(format!("id `{}` must be lower case [a-z0-9_.-]", raw.id)));
    }
    let (phrase, token_specs) = match &raw.pattern {
        Some(PatternValue::Phrase(p)) => (Some(p.clone()), None),
        Some(PatternValue::Tokens(t)) => (None, Some(t)),
        None => (None, None),
    };
    let phrases: Vec<String> = phrase.into_iter().chain(raw.patterns.iter().flatten().cloned()).collect();
    let kinds = [raw.pattern.is_some(), raw.patterns.is_some(), raw.regex.is_some()];
    if kinds.iter().filter(|k| **k).count() != 1 {
        return Err(fail("needs exactly one of `pattern`, `patterns`, `regex`".into()));
    }
    if let Some(p) = phrases.iter().find(|p| p.trim().is_empty()) {
        return Err(fail(format!("empty phrase {p:?}")));
    }
    if let Some(name) = &raw.resolve
        && !PRODUCTIONS.contains(&name.as_str()) {
            return Err(fail(format!("unknown production `{name}` in `resolve`; known: {}", PRODUCTIONS.join(", "))));
        }
    let tokens = match token_specs {
        Some(specs) => {
            // spaCy's EntityRuler lines carry no examples; ours must.
            if raw.examples.is_empty() && !spacy {
                return Err(fail("a token pattern needs at least one example".into()));
            }
            Some(TokenPattern::compile(specs).map_err(fail)?)
        }
        None => None,
    };
    let mut span_group = None;
    let regex = match &raw.regex {
        None => {
            if raw.span.is_some() {
                return Err(fail("`span` needs a `regex`".into()));
            }
            None
        }
        Some(r) => {
            let regex = RuleRegex::new(r).map_err(|e| fail(format!("invalid regex:\n    {}", e.replace('\n', "\n    "))))?;
            if let Some(name) = &raw.span {
                span_group = regex.group_index(name);
                if span_group.is_none() {
                    return Err(fail(format!("`span` names `{name}`, which the regex does not capture")));
                }
            }
            if raw.examples.is_empty() {
                return Err(fail("a regex rule needs at least one example".into()));
            }
            Some(Box::new(regex))
        }
    };
    if raw.label == Label::Date && raw.resolve.is_none() {
        return Err(fail("a date rule needs `resolve`".into()));
    }
    let rule = Rule {
        id: raw.id,
        label: raw.label,
        name: raw.name,
        attrs: raw.attrs,
        priority: raw.priority,
        resolve: raw.resolve,
        origin,
        examples: raw.examples,
        counterexamples: raw.counterexamples,
        case: raw.case,
        phrases,
        regex,
        tokens,
        span_group,
    };
    Ok(rule)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<RuleSet, RuleErrors> {
        RuleSet::from_files(vec![("t.jsonl".into(), text.to_string().into())])
    }

    #[test]
    fn rules_report_every_error_with_line() {
        let text = "# comment\n{\"id\": \"a.b\", \"label\": \"org\", \"pattern\": \"X\"}\n{\"id\": \"a.c\", \"lable\": \"org\"}\n{oops\n{\"id\": \"d.e\", \"label\": \"date\", \"regex\": \"(\", \"resolve\": \"date.year\", \"examples\": [\"[[x]]\"]}\n";
        let errors = load(text).unwrap_err().0;
        let lines: Vec<usize> = errors.iter().map(|e| e.origin.line).collect();
        assert_eq!(lines, [3, 4, 5]);
        assert!(errors[0].message.contains("unknown field `lable`"), "{}", errors[0]);
        assert!(errors[2].to_string().starts_with("t.jsonl:5: rule d.e: invalid regex"), "{}", errors[2]);
    }

    #[test]
    fn rules_attrs_keep_order_and_reject_a_key_given_twice() {
        let set = load("{\"id\": \"o.a\", \"label\": \"org\", \"pattern\": \"Acme\", \"attrs\": {\"kind\": \"company\", \"owner\": \"x\"}}").unwrap();
        assert_eq!(set.rules[0].attr("owner"), Some("x"));
        let errors = load("{\"id\": \"o.a\", \"label\": \"org\", \"pattern\": \"Acme\", \"attrs\": {\"kind\": \"a\", \"kind\": \"b\"}}").unwrap_err().0;
        assert!(errors[0].to_string().contains("`kind` given twice"), "{}", errors[0]);
    }

    #[test]
    fn rules_phrases_match_on_word_boundaries_and_both_apostrophes() {
        let set = load("{\"id\": \"o.a\", \"label\": \"org\", \"patterns\": [\"Amazon\", \"Macy's\"]}").unwrap();
        let text = "Amazonian Amazon Macy\u{2019}s";
        let doc = Document::new(text, &set.abbreviations);
        let spans: Vec<Span> = set.find(&doc).iter().map(|m| m.span).collect();
        assert_eq!(spans, [Span::new(10, 16), Span::new(17, 25)]);
    }
}
