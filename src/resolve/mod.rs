//! The resolve stage: raw matches become entities. First one overlap policy
//! per label (`select`), then one resolver per record type, each a plain
//! function of the document, the rules and what earlier resolvers found.

pub mod cases;
pub mod courts;
pub mod dates;
pub mod parties;
pub mod products;
pub mod quotes;

use std::cmp::Reverse;

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
    /// Indexed by `Label as usize`.
    by_label: Vec<Vec<Match>>,
}

impl Selected {
    /// The kept matches of one label, in text order.
    pub fn of(&self, label: Label) -> &[Match] {
        self.by_label.get(label as usize).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// The overlap policy, the same for every label: among overlapping matches
/// of one label the longer span wins, then the higher priority, then the
/// earlier rule. Matches of different labels may overlap.
///
/// One sort puts every label's matches in that order (then by start, then as
/// found); each is kept when none of its bytes is taken yet, which a bit per
/// byte of text tells in a word or two.
pub fn select(rules: &RuleSet, matches: Vec<Match>) -> Selected {
    let order = policy_order(rules, &matches);
    let text_end = order.iter().map(|o| matches[o.5].span.end).max().unwrap_or(0);
    let mut taken = Taken(vec![0; text_end / 64 + 1]);
    // (label, index) of the kept matches, by label and then in text order,
    // and how many each label keeps.
    let mut chosen: Vec<(usize, usize)> = Vec::new();
    let mut counts: Vec<usize> = Vec::new();
    // (start, place in `order`, index) of the matches kept for one label.
    let mut kept: Vec<(usize, usize, usize)> = Vec::new();
    let mut group = 0;
    while group < order.len() {
        let label = order[group].0;
        let end = group + order[group..].partition_point(|o| o.0 == label);
        kept.clear();
        for (place, &(.., i)) in order[group..end].iter().enumerate() {
            let span = matches[i].span;
            // An empty span (they come last) is kept unless it lies inside a
            // kept one; of two at one place, the later replaces the earlier.
            let free = if span.is_empty() { !taken.get(span.start) } else { !taken.any(span.start, span.end) };
            if free {
                taken.set(span.start, span.end, true);
                kept.push((span.start, place, i));
            }
        }
        kept.sort_unstable();
        let before = chosen.len();
        for (j, &(start, _, i)) in kept.iter().enumerate() {
            taken.set(start, matches[i].span.end, false);
            if kept.get(j + 1).is_none_or(|next| next.0 != start) {
                chosen.push((label, i));
            }
        }
        if counts.len() <= label {
            counts.resize(label + 1, 0);
        }
        counts[label] = chosen.len() - before;
        group = end;
    }
    // The keys go before the lists are built: only one of the two is held
    // at once with the matches.
    drop(order);
    let mut matches: Vec<Option<Match>> = matches.into_iter().map(Some).collect();
    let mut by_label: Vec<Vec<Match>> = counts.into_iter().map(Vec::with_capacity).collect();
    for (label, i) in chosen {
        by_label[label].extend(matches[i].take());
    }
    Selected { by_label }
}

/// The policy's sort key: label, then longest first, highest priority
/// first, earliest rule, earliest start, and the index as found.
type OrderKey = (usize, Reverse<usize>, Reverse<i32>, usize, usize, usize);

/// The keys of the matches of known rules, sorted: by label and then in the
/// order the policy takes them.
fn policy_order(rules: &RuleSet, matches: &[Match]) -> Vec<OrderKey> {
    let mut keys: Vec<OrderKey> = Vec::with_capacity(matches.len());
    keys.extend(matches.iter().enumerate().filter_map(|(i, m)| {
        let rule = rules.rules.get(m.rule)?;
        Some((rule.label as usize, Reverse(m.span.len()), Reverse(rule.priority), m.rule, m.span.start, i))
    }));
    keys.sort_unstable();
    keys
}

/// One bit per byte of text: taken by a kept match or not.
struct Taken(Vec<u64>);

impl Taken {
    /// The bits of `start..end` word by word, as (word, mask).
    fn words(start: usize, end: usize) -> impl Iterator<Item = (usize, u64)> {
        // None for an empty span.
        let (first, last) = if start < end { (start / 64, (end - 1) / 64) } else { (1, 0) };
        (first..=last).map(move |w| {
            let lo = if w == first { start % 64 } else { 0 };
            let hi = if w == last { (end - 1) % 64 } else { 63 };
            (w, (u64::MAX << lo) & (u64::MAX >> (63 - hi)))
        })
    }

    fn get(&self, byte: usize) -> bool {
        self.0.get(byte / 64).is_some_and(|w| w >> (byte % 64) & 1 == 1)
    }

    fn any(&self, start: usize, end: usize) -> bool {
        Taken::words(start, end).any(|(w, mask)| self.0[w] & mask != 0)
    }

    fn set(&mut self, start: usize, end: usize, on: bool) {
        for (w, mask) in Taken::words(start, end) {
            if on {
                self.0[w] |= mask;
            } else {
                self.0[w] &= !mask;
            }
        }
    }
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

    /// The policy as first written: a stable sort, then a BTreeMap of kept
    /// spans by start.
    fn reference(rules: &RuleSet, matches: Vec<Match>) -> std::collections::BTreeMap<Label, Vec<Match>> {
        use std::collections::BTreeMap;
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
        by_label
    }

    #[test]
    fn select_matches_the_first_written_policy() {
        let text = r#"{"id": "o.a", "label": "org", "patterns": ["Amazon", "Amazon Web Services"]}
{"id": "o.b", "label": "org", "pattern": "Web Services", "priority": 5}
{"id": "o.c", "label": "org", "pattern": "Web", "priority": -2}
{"id": "p.a", "label": "place", "pattern": "Amazon"}
{"id": "p.b", "label": "place", "pattern": "Seattle", "priority": 1}
{"id": "p.c", "label": "place", "pattern": "Tacoma", "priority": -2147483648}
{"id": "o.d", "label": "org", "pattern": "Acme", "priority": 2147483647}"#;
        let rules = RuleSet::from_files(vec![("t.jsonl".into(), text.into())]).unwrap();
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        for round in 0..3000 {
            let width = 8 + round % 200;
            // Spans of 0 to 9 bytes, some repeated with the same rule (the
            // groups tell the copies apart), and a rule index out of range.
            let mut matches = Vec::new();
            for i in 0..next(40) {
                let start = next(width);
                let m = Match { rule: next(rules.rules.len() + 1), span: Span::new(start, start + next(10)), groups: vec![Some(Span::new(i, i))] };
                if next(8) == 0 {
                    matches.push(Match { groups: vec![None], ..m.clone() });
                }
                matches.push(m);
            }
            let expected = reference(&rules, matches.clone());
            let got = select(&rules, matches);
            for label in [Label::Org, Label::Place, Label::Court] {
                let want = expected.get(&label).map(Vec::as_slice).unwrap_or(&[]);
                let have = got.of(label);
                let show = |l: &[Match]| l.iter().map(|m| (m.rule, m.span, m.groups.clone())).collect::<Vec<_>>();
                assert_eq!(show(have), show(want), "round {round}, {label:?}");
            }
        }
    }
}
