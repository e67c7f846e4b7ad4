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

use crate::rules::blocks::{BLOCK, Classes};
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
/// Most matches overlap no other of their label, and those the policy
/// keeps whatever the order. So each label's matches are put in text order
/// and cut into clusters that reach into each other; only a cluster of two
/// or more is sorted by the policy, and each match there is kept when none
/// of its bytes is taken yet, which a bit per byte of text tells in a word
/// or two.
pub fn select(rules: &RuleSet, matches: Vec<Match>) -> Selected {
    let (mut entries, ends) = by_label(rules, &matches);
    let mut policy = Policy { rules, matches: &matches, taken: ByteSet::default(), order: Vec::new(), kept: Vec::new() };
    // The indexes of the kept matches, by label and then in text order, and
    // how many each label keeps.
    let mut chosen: Vec<usize> = Vec::with_capacity(entries.len());
    let mut counts: Vec<usize> = Vec::with_capacity(ends.len());
    let mut start = 0;
    for &end in &ends {
        let list = &mut entries[start..end];
        // Stable: a label's matches are mostly runs already sorted.
        list.sort_by_key(|e| e.start);
        let before = chosen.len();
        for cluster in clusters(list) {
            match cluster {
                [one] => chosen.push(one.index),
                _ => policy.choose(cluster, &mut chosen),
            }
        }
        counts.push(chosen.len() - before);
        start = end;
    }
    // The entries go before the lists are built: only one of the two is
    // held at once with the matches.
    drop(entries);
    let mut matches = matches;
    let mut chosen = chosen.into_iter();
    let mut take = |i: usize| std::mem::replace(&mut matches[i], Match { rule: 0, span: Span::default(), groups: Vec::new() });
    let by_label = counts.into_iter().map(|n| chosen.by_ref().take(n).map(&mut take).collect()).collect();
    Selected { by_label }
}

/// A match of a known rule, for the policy.
#[derive(Clone, Copy)]
struct Entry {
    start: usize,
    /// One past the last byte it can contend for: its end, or for an empty
    /// span the byte at its place (a kept span holding that byte, or another
    /// empty span there, decides whether it stays).
    reach: usize,
    /// Where it is in the matches.
    index: usize,
}

/// The matches of known rules grouped by label (a counting sort), each
/// group in the order found, and where each label's group ends.
fn by_label(rules: &RuleSet, matches: &[Match]) -> (Vec<Entry>, Vec<usize>) {
    let label = |m: &Match| rules.rules.get(m.rule).map(|r| r.label as usize);
    let mut ends: Vec<usize> = Vec::new();
    for l in matches.iter().filter_map(label) {
        if ends.len() <= l {
            ends.resize(l + 1, 0);
        }
        ends[l] += 1;
    }
    // Each group's start, then (once filled) its end.
    let mut total = 0;
    for n in &mut ends {
        (*n, total) = (total, total + *n);
    }
    let mut entries = vec![Entry { start: 0, reach: 0, index: 0 }; total];
    for (index, m) in matches.iter().enumerate() {
        let Some(l) = label(m) else { continue };
        let start = m.span.start;
        entries[ends[l]] = Entry { start, reach: m.span.end.max(start.saturating_add(1)), index };
        ends[l] += 1;
    }
    (entries, ends)
}

/// The runs of a list in text order whose matches reach into each other
/// (directly or through others of the run): what the policy keeps in one
/// run does not depend on any other.
fn clusters(list: &[Entry]) -> impl Iterator<Item = &[Entry]> {
    let mut rest = list;
    std::iter::from_fn(move || {
        let first = rest.first()?;
        let mut reach = first.reach;
        let more = rest[1..]
            .iter()
            .take_while(|e| {
                let inside = e.start < reach;
                reach = reach.max(e.reach);
                inside
            })
            .count();
        let (cluster, tail) = rest.split_at(1 + more);
        rest = tail;
        Some(cluster)
    })
}

/// The policy's sort key within a label: longest first, highest priority
/// first, earliest rule, earliest start, and the index as found.
type OrderKey = (Reverse<usize>, Reverse<i32>, usize, usize, usize);

/// The policy applied to clusters, with its buffers kept between them.
struct Policy<'a> {
    rules: &'a RuleSet,
    matches: &'a [Match],
    /// The bytes of the kept matches; clear between clusters.
    taken: ByteSet,
    order: Vec<OrderKey>,
    /// (start, place in `order`, index) of the matches kept.
    kept: Vec<(usize, usize, usize)>,
}

impl Policy<'_> {
    /// Pushes the indexes of the matches of `cluster` that the policy keeps,
    /// in text order.
    fn choose(&mut self, cluster: &[Entry], out: &mut Vec<usize>) {
        let matches = self.matches;
        self.order.clear();
        self.order.extend(cluster.iter().map(|e| {
            let m = &matches[e.index];
            (Reverse(m.span.len()), Reverse(self.rules.rules[m.rule].priority), m.rule, m.span.start, e.index)
        }));
        self.order.sort_unstable();
        self.kept.clear();
        for (place, &(.., i)) in self.order.iter().enumerate() {
            let span = matches[i].span;
            // An empty span (they come last) is kept unless it lies inside a
            // kept one; of two at one place, the later replaces the earlier.
            let free = if span.is_empty() { !self.taken.get(span.start) } else { !self.taken.overlaps(span) };
            if free {
                self.taken.insert(span);
                self.kept.push((span.start, place, i));
            }
        }
        self.kept.sort_unstable();
        for (j, &(start, _, i)) in self.kept.iter().enumerate() {
            self.taken.remove(matches[i].span);
            if self.kept.get(j + 1).is_none_or(|next| next.0 != start) {
                out.push(i);
            }
        }
    }
}

/// The places in `bytes`, in order, of the ASCII letters and digits right
/// after a space (and of the first byte, when `from_start` counts the start
/// as a space): where the phrases that resolvers look for in a context
/// ("will", " over ") may start. Read off the 64-byte blocks' masks, as a
/// walk of every byte for spaces cost more than the lookups that followed.
pub(crate) fn after_spaces(bytes: &[u8], from_start: bool) -> impl Iterator<Item = usize> + '_ {
    let (mut next_block, mut after_space, mut bits) = (0, from_start, 0u64);
    std::iter::from_fn(move || {
        while bits == 0 {
            if next_block >= bytes.len() {
                return None;
            }
            // Bytes past the end read as spaces, which are no letters.
            let classes = Classes::at(bytes, next_block);
            bits = (classes.space << 1 | u64::from(after_space)) & classes.alphanumeric;
            after_space = classes.space >> 63 == 1;
            next_block += BLOCK;
        }
        let i = next_block - BLOCK + bits.trailing_zeros() as usize;
        bits &= bits - 1;
        Some(i)
    })
}

/// By a byte, the cues (bit `k` for `cues[k]`, at most 16) whose letter
/// after their leading space it is, in that case or, with `either_case`,
/// in both: a lookup at a letter from [`after_spaces`] turns away most
/// words before any cue is compared.
pub(crate) const fn cues_by_letter(cues: &[&str], either_case: bool) -> [u16; 256] {
    let mut table = [0; 256];
    let mut k = 0;
    while k < cues.len() {
        let letter = cues[k].as_bytes()[1];
        if either_case {
            table[letter.to_ascii_lowercase() as usize] |= 1 << k;
            table[letter.to_ascii_uppercase() as usize] |= 1 << k;
        } else {
            table[letter as usize] |= 1 << k;
        }
        k += 1;
    }
    table
}

/// One bit per byte of text: the bytes some spans hold. It fills in one
/// pass over spans in any order, where a `SpanSet` sorts them first, and it
/// answers for the bytes of a span: an empty span overlaps nothing.
#[derive(Debug, Default)]
pub(crate) struct ByteSet(Vec<u64>);

impl ByteSet {
    /// The bytes of `spans`, in a text of `len` bytes: sized for the whole
    /// text at once, as growing with each span reallocated it several times
    /// an article.
    pub(crate) fn new(len: usize, spans: impl IntoIterator<Item = Span>) -> ByteSet {
        let mut set = ByteSet(vec![0; len.div_ceil(64)]);
        spans.into_iter().for_each(|s| set.insert(s));
        set
    }

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

    /// True when some byte of `span` is in the set.
    pub(crate) fn overlaps(&self, span: Span) -> bool {
        ByteSet::words(span.start, span.end).any(|(w, mask)| self.0.get(w).is_some_and(|bits| bits & mask != 0))
    }

    /// Adds the bytes of `span`.
    pub(crate) fn insert(&mut self, span: Span) {
        if span.start < span.end && self.0.len() <= (span.end - 1) / 64 {
            self.0.resize((span.end - 1) / 64 + 1, 0);
        }
        ByteSet::words(span.start, span.end).for_each(|(w, mask)| self.0[w] |= mask);
    }

    /// Takes out the bytes of `span`, which the set holds.
    fn remove(&mut self, span: Span) {
        ByteSet::words(span.start, span.end).for_each(|(w, mask)| self.0[w] &= !mask);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::Strategy;

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

    /// Rules of two labels, with priorities from the least to the greatest.
    fn policy_rules() -> RuleSet {
        let text = r#"{"id": "o.a", "label": "org", "patterns": ["Amazon", "Amazon Web Services"]}
{"id": "o.b", "label": "org", "pattern": "Web Services", "priority": 5}
{"id": "o.c", "label": "org", "pattern": "Web", "priority": -2}
{"id": "p.a", "label": "place", "pattern": "Amazon"}
{"id": "p.b", "label": "place", "pattern": "Seattle", "priority": 1}
{"id": "p.c", "label": "place", "pattern": "Tacoma", "priority": -2147483648}
{"id": "o.d", "label": "org", "pattern": "Acme", "priority": 2147483647}"#;
        RuleSet::from_files(vec![("t.jsonl".into(), text.into())]).unwrap()
    }

    /// Checks that `select` keeps what the first-written policy keeps.
    fn assert_agrees(rules: &RuleSet, matches: Vec<Match>, case: &str) {
        let expected = reference(rules, matches.clone());
        let got = select(rules, matches);
        for label in [Label::Org, Label::Place, Label::Court] {
            let want = expected.get(&label).map(Vec::as_slice).unwrap_or(&[]);
            let have = got.of(label);
            let show = |l: &[Match]| l.iter().map(|m| (m.rule, m.span, m.groups.clone())).collect::<Vec<_>>();
            assert_eq!(show(have), show(want), "{case}, {label:?}");
        }
    }

    /// Matches of the given rules and spans, in that order; a copy of one
    /// (the same rule and span) differs from it by its groups.
    fn matches_of(raw: &[(usize, usize, usize, bool)]) -> Vec<Match> {
        let mut matches = Vec::new();
        for (i, &(rule, start, len, copied)) in raw.iter().enumerate() {
            let m = Match { rule, span: Span::new(start, start + len), groups: vec![Some(Span::new(i, i))] };
            if copied {
                matches.push(Match { groups: vec![None], ..m.clone() });
            }
            matches.push(m);
        }
        matches
    }

    #[test]
    fn select_matches_the_first_written_policy() {
        let rules = policy_rules();
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
            let raw: Vec<_> = (0..next(40)).map(|_| (next(rules.rules.len() + 1), next(width), next(10), next(8) == 0)).collect();
            assert_agrees(&rules, matches_of(&raw), &format!("round {round}"));
        }
    }

    proptest::proptest! {
        /// `after_spaces` finds what a walk of every byte finds, in texts
        /// long enough to cross blocks.
        #[test]
        fn after_spaces_finds_the_letters_after_spaces(
            text in "[ a9_.\t\u{e9}]{0,300}",
            from_start in proptest::bool::ANY,
        ) {
            let bytes = text.as_bytes();
            let walked: Vec<usize> = (0..bytes.len())
                .filter(|&i| bytes[i].is_ascii_alphanumeric() && if i == 0 { from_start } else { bytes[i - 1] == b' ' })
                .collect();
            proptest::prop_assert_eq!(after_spaces(bytes, from_start).collect::<Vec<_>>(), walked);
        }

        /// A `ByteSet` tells what the `SpanSet` it replaces tells of every
        /// non-empty span: spans short and long, across word boundaries,
        /// nested, empty, past the end of all others.
        #[test]
        fn byte_set_overlaps_as_span_set_does(
            spans in proptest::collection::vec((0usize..300, 0usize..140), 0..40),
            queries in proptest::collection::vec((0usize..460, 1usize..140), 1..40),
        ) {
            let spans: Vec<Span> = spans.iter().map(|&(start, len)| Span::new(start, start + len)).collect();
            let bytes = ByteSet::new(300, spans.iter().copied());
            let oracle = crate::span::SpanSet::new(spans);
            // Every single byte too, the word boundaries among them.
            for (start, len) in queries.into_iter().chain((0..460).map(|b| (b, 1))) {
                let q = Span::new(start, start + len);
                proptest::prop_assert_eq!(bytes.overlaps(q), oracle.overlaps(q), "{:?}", q);
            }
        }

        /// Spans packed tight or spread out, long or empty, copied, and of
        /// an unknown rule: clusters of every shape.
        #[test]
        fn select_agrees_with_the_first_written_policy(
            raw in (1usize..400).prop_flat_map(|width| proptest::collection::vec((0usize..8, 0..width, 0usize..40, proptest::bool::weighted(0.1)), 0..150)),
        ) {
            assert_agrees(&policy_rules(), matches_of(&raw), "proptest");
        }
    }
}
