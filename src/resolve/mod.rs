//! The resolve stage: raw matches become entities. First one overlap policy
//! per label (`select`), then one resolver per record type, each a plain
//! function of the document, the rules and what earlier resolvers found.

pub mod cases;
pub mod courts;
pub mod dates;
pub mod parties;
pub mod products;
pub mod quotes;

use std::collections::BTreeMap;

use crate::rules::{Label, Match, RuleSet};
use crate::span::Span;

/// A mention of an entity: where, and which rule found it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Mention {
    /// Where it is.
    pub span: Span,
    /// The rule that found it (an index into `RuleSet::rules`), or `None`
    /// when a resolver inferred it (an alias, an acronym).
    pub rule: Option<usize>,
}

/// Raw matches grouped by label, overlaps resolved, each list in text order.
#[derive(Debug, Default)]
pub struct Selected {
    by_label: BTreeMap<Label, Vec<Match>>,
}

impl Selected {
    /// The kept matches of one label, in text order.
    pub fn of(&self, label: Label) -> &[Match] {
        self.by_label.get(&label).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// The overlap policy, the same for every label: among overlapping matches
/// of one label the longer span wins, then the higher priority, then the
/// earlier rule. Matches of different labels may overlap.
pub fn select(rules: &RuleSet, matches: Vec<Match>) -> Selected {
    let mut grouped: BTreeMap<Label, Vec<Match>> = BTreeMap::new();
    for m in matches {
        if let Some(rule) = rules.rules.get(m.rule) {
            grouped.entry(rule.label).or_default().push(m);
        }
    }
    let mut by_label = BTreeMap::new();
    for (label, mut list) in grouped {
        list.sort_by(|a, b| {
            b.span
                .len()
                .cmp(&a.span.len())
                .then(rules.rules[b.rule].priority.cmp(&rules.rules[a.rule].priority))
                .then(a.rule.cmp(&b.rule))
                .then(a.span.start.cmp(&b.span.start))
        });
        // Kept spans by start, to test overlap in O(log n).
        let mut kept: BTreeMap<usize, (usize, Match)> = BTreeMap::new();
        for m in list {
            let before = kept.range(..=m.span.start).next_back().is_some_and(|(_, (end, _))| *end > m.span.start);
            let after = kept.range(m.span.start..m.span.end).next().is_some();
            if !before && !after {
                kept.insert(m.span.start, (m.span.end, m));
            }
        }
        by_label.insert(label, kept.into_values().map(|(_, m)| m).collect());
    }
    Selected { by_label }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> RuleSet {
        let text = r#"{"id": "o.a", "label": "org", "patterns": ["Amazon", "Amazon Web Services"]}
{"id": "o.b", "label": "org", "pattern": "Web Services", "priority": 5}
{"id": "p.a", "label": "place", "pattern": "Amazon"}"#;
        RuleSet::from_files(vec![("t.jsonl".into(), text.into())]).unwrap()
    }

    #[test]
    fn select_keeps_the_covering_span_per_label() {
        let rules = rules();
        let text = "Amazon Web Services and Amazon";
        let doc = crate::document::Document::new(text, &rules.abbreviations);
        let sel = select(&rules, rules.find(&doc));
        let orgs: Vec<&str> = sel.of(Label::Org).iter().map(|m| m.span.text(text)).collect();
        assert_eq!(orgs, ["Amazon Web Services", "Amazon"]);
        assert_eq!(sel.of(Label::Place).len(), 2, "other labels overlap freely");
    }
}
