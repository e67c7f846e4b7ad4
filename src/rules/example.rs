//! Rule examples are tests: every `[[marked]]` example must be matched by its
//! rule exactly there, after the overlap policy of `resolve::select` (and
//! one byte later when the text is shifted by one space); dates must resolve
//! to the expected value; counterexamples must not match at all; and every
//! phrase of a gazetteer line must be found as itself. `cargo test` and
//! `gazette rules check` run them.

use crate::document::Document;
use crate::resolve::dates::{self, Anchor, Day};
use crate::resolve::select;
use crate::span::Span;

use super::{Label, Match, Rule, RuleSet};
use super::format::Example;

/// A failed example, displayed as `FILE:LINE: rule ID: what failed`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// Where the rule is, and what failed.
    pub message: String,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Splits `a [[b]] c` into the plain text and the marked span.
pub fn unmark(example: &str) -> Option<(String, Span)> {
    let open = example.find("[[")?;
    let close = example[open..].find("]]")? + open;
    let plain = format!("{}{}{}", &example[..open], &example[open + 2..close], &example[close + 2..]);
    Some((plain, Span::new(open, close - 2)))
}

/// Runs every example of every rule; returns the failures and the number of
/// examples run.
pub fn check(rules: &RuleSet) -> (Vec<Failure>, usize) {
    let mut failures = Vec::new();
    let mut count = 0;
    for rule in &rules.rules {
        let fail = |what: String| Failure { message: format!("{}: rule {}: {what}", rule.origin, rule.id) };
        for (n, example) in rule.examples.iter().enumerate() {
            count += 1;
            if let Err(what) = check_example(rules, rule, example) {
                failures.push(fail(format!("example {}: {what}", n + 1)));
            }
        }
        // Every phrase of a gazetteer line is an example of itself: it must
        // be found, by this rule, when it stands alone in a sentence. This
        // catches a phrase that another rule of its label shadows (a
        // duplicate) or that cannot match on word boundaries.
        if rule.label != Label::Abbreviation {
            for phrase in &rule.phrases {
                count += 1;
                let text = format!("x {phrase} x");
                let want = Span::new(2, 2 + phrase.len());
                if !matches_of(rules, rule, &text).iter().any(|m| m.span == want) {
                    failures.push(fail(format!("phrase {phrase:?} is not found as itself (another rule of its label wins)")));
                }
            }
        }
        for (n, text) in rule.counterexamples.iter().enumerate() {
            count += 1;
            if let Some(m) = matches_of(rules, rule, text).first() {
                failures.push(fail(format!("counterexample {}: matched {:?}", n + 1, m.span.text(text))));
            }
        }
    }
    (failures, count)
}

/// The matches of the rule's id in `text` that survive the overlap policy,
/// as a user would get them; for dates only those that resolve (context may
/// reject a number).
fn matches_of(rules: &RuleSet, rule: &Rule, text: &str) -> Vec<Match> {
    let doc = Document::new(text, &rules.abbreviations);
    select(rules, rules.find(&doc))
        .of(rule.label)
        .iter()
        .filter(|m| rules.rules[m.rule].id == rule.id).filter(|&m| rule.label != Label::Date || dates::resolve_match(rules, m, text, text, Anchor::default()).is_some()).cloned()
        .collect()
}

fn check_example(rules: &RuleSet, rule: &Rule, example: &Example) -> Result<(), String> {
    let (text, want) = unmark(example.text()).ok_or("no [[...]] marker")?;
    if rule.label == Label::Abbreviation {
        let doc = Document::new(&text, &rules.abbreviations);
        let whole = doc.tokens.iter().any(|t| t.span.start == want.start && t.span.end == want.end + 1);
        return if whole { Ok(()) } else { Err(format!("{:?} is not kept whole with its period", want.text(&text))) };
    }
    for shift in [0, 1] {
        let shifted = format!("{}{text}", " ".repeat(shift));
        let target = Span::new(want.start + shift, want.end + shift);
        let found = matches_of(rules, rule, &shifted);
        let Some(m) = found.iter().find(|m| m.span == target) else {
            let got: Vec<&str> = found.iter().map(|m| m.span.text(&shifted)).collect();
            return Err(format!("expected [[{}]], got {got:?}", target.text(&shifted)));
        };
        if let (Example::Checked(c), 0) = (example, shift) {
            let anchor = Anchor { reference: c.reference.as_deref().and_then(Day::parse), day_first: c.day_first };
            let v = dates::resolve_match(rules, m, &shifted, &shifted, anchor).ok_or("the date was rejected")?;
            if v.value != c.value {
                return Err(format!("expected value {:?}, got {:?}", c.value, v.value));
            }
            if c.grain.as_deref().is_some_and(|g| g != v.grain) {
                return Err(format!("expected grain {:?}, got {:?}", c.grain, v.grain));
            }
            if c.modifier.as_deref() != v.modifier && (c.modifier.is_some() || v.modifier.is_some()) {
                return Err(format!("expected mod {:?}, got {:?}", c.modifier, v.modifier));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_markers_split() {
        assert_eq!(unmark("sued in [[Delaware]] today"), Some(("sued in Delaware today".into(), Span::new(8, 16))));
        assert_eq!(unmark("no marker"), None);
    }
}
