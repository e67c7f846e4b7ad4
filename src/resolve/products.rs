//! Products: known products from `rules/products.jsonl` (with the model
//! words after them: "iPhone 15 Pro Max"), and unknown ones written as
//! - a known company followed by a proper name that is not a corporate word
//!   ("Nokia CloudBand", "Amazon Prime Video");
//! - a proper name before a product noun after "its" or a company's
//!   possessive ("its TapLedger app", "Lumen's FlowGuard valves");
//! - a proper name with a trademark sign ("Roundup®", "Sentinel(TM)").
//!
//! The owner is the rule's, the company in the name, or the possessor.
//! Mentions whose words end another's ("Prime Video") join it.

use std::cell::LazyCell;
use std::collections::HashMap;
use std::ops::Deref;
use std::sync::LazyLock;

use regex::Regex;

use crate::document::{Document, Shape};
use crate::hash::BuildKeys;
use crate::rules::{Label, RuleSet};
use crate::span::Span;

use super::{ByteSet, Mention, Selected};

/// One product and its mentions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Product {
    /// The fullest form used.
    pub name: String,
    /// The maker, when the rules or the name show it.
    pub owner: Option<String>,
    /// Its mentions, in text order.
    pub mentions: Vec<Mention>,
}

/// Words that name a model of a product: "iPhone 15 Pro Max", "737 MAX 9".
const MODEL_WORDS: [&str; 20] = [
    "Pro", "Max", "MAX", "Ultra", "Plus", "Mini", "mini", "Air", "Lite", "SE", "XL", "X", "Fold", "Flip", "Note",
    "Neo", "neo", "GT", "S", "Series",
];

/// A product span extended over the model words and numbers after it
/// ("Galaxy" + " S24 Ultra"), never into a date.
fn with_model(doc: &Document<'_>, span: Span, blocked: &impl Deref<Target = ByteSet>) -> Span {
    let mut end = span.end;
    let mut i = doc.token_at(span.end);
    while let Some(t) = doc.tokens.get(i) {
        let word = doc.str(t.span);
        let alnum = word.chars().any(|c| c.is_ascii_digit()) && word.chars().all(|c| c.is_ascii_alphanumeric()) && word.len() <= 6;
        let year = word.len() == 4 && (word.starts_with("19") || word.starts_with("20"));
        let model = (alnum && !year) || MODEL_WORDS.contains(&word);
        if t.span.start != end + 1 || !model || blocked.overlaps(t.span) {
            break;
        }
        end = t.span.end;
        i += 1;
    }
    Span::new(span.start, end)
}

/// Who a product name is marked as belonging to: `Some(Some(company))`
/// after a possessive ("Amazon's Prime Video") or after "its" with a known
/// company earlier in the sentence, `Some(None)` after "its" alone, `None`
/// when nothing marks it as anyone's.
fn possessor(doc: &Document<'_>, rules: &RuleSet, selected: &Selected, start: usize) -> Option<Option<String>> {
    let i = doc.token_at(start);
    let prev = i.checked_sub(1).and_then(|j| doc.tokens.get(j))?;
    let orgs = selected.of(Label::Org);
    let org_name = |m: &crate::rules::Match| rules.rules[m.rule].name.clone().unwrap_or_else(|| doc.str(m.span).to_string());
    let before = orgs.partition_point(|m| m.span.end <= prev.span.start);
    let last_org = before.checked_sub(1).and_then(|j| orgs.get(j));
    match doc.str(prev.span) {
        "'s" | "\u{2019}s" => {
            let owner = i.checked_sub(2).and_then(|j| doc.tokens.get(j)).filter(|t| t.shape.is_capitalized())?;
            let known = last_org.filter(|m| m.span.end == prev.span.start).map(org_name);
            Some(Some(known.unwrap_or_else(|| doc.str(owner.span).to_string())))
        }
        "its" | "Its" => {
            let sentence = doc.sentences.get(prev.sentence)?;
            Some(last_org.filter(|m| m.span.start >= sentence.start).map(org_name))
        }
        _ => None,
    }
}

/// Proper names right before a product noun, after "its" or a company's
/// possessive: "its [[TapLedger]] app", "Lumen's [[FlowGuard]] valves".
fn before_product_nouns(
    doc: &Document<'_>,
    rules: &RuleSet,
    selected: &Selected,
    stops: &impl Deref<Target = ByteSet>,
) -> Vec<(Span, Option<usize>, Option<String>)> {
    let mut out = Vec::new();
    for noun in selected.of(Label::ProductNoun) {
        let i = doc.token_at(noun.span.start);
        let mut start = None;
        let mut j = i;
        while let Some(t) = j.checked_sub(1).and_then(|k| doc.tokens.get(k)) {
            let capitalized = matches!(t.shape, Shape::Title | Shape::Upper) || doc.str(t.span).chars().next().is_some_and(|c| c.is_lowercase()) && doc.str(t.span).chars().skip(1).any(char::is_uppercase);
            if !capitalized || stops.overlaps(t.span) || i - j >= 4 {
                break;
            }
            start = Some(t.span.start);
            j -= 1;
        }
        let Some(start) = start else { continue };
        if let Some(owner) = possessor(doc, rules, selected, start) {
            let end = doc.tokens.get(i - 1).map_or(start, |t| t.span.end);
            out.push((Span::new(start, end), None, owner));
        }
    }
    out
}

/// What marks a name as a product in running text: a trademark sign after
/// it. None of them can overlap another, so one scan finds what a scan for
/// each would.
static TRADEMARKS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"®|™|\(R\)|\(TM\)").expect("constant pattern compiles"));

/// What starts a list of products, looked for apart from the trademark
/// signs: a list only names products with one already found, which most
/// articles have none of, and these common words cost most of a scan.
static LISTS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"such as |including ").expect("constant pattern compiles"));

/// Where `cues` match in `text`, in text order.
fn cues_in<'t>(cues: &Regex, text: &'t str) -> Vec<(usize, &'t str)> {
    cues.find_iter(text).map(|m| (m.start(), m.as_str())).collect()
}

/// Proper names listed after "such as" or "including" with a product
/// already found: "devices such as the Pixel 8, Nest Hub and Fitbit Charge
/// 6" makes all three products.
fn listed_with_products(
    doc: &Document<'_>,
    cues: &[(usize, &str)],
    found: &[(Span, Option<usize>, Option<String>)],
    stops: &impl Deref<Target = ByteSet>,
) -> Vec<(Span, Option<usize>, Option<String>)> {
    let known = ByteSet::new(doc.text.len(), found.iter().map(|(s, _, _)| *s));
    let mut out = Vec::new();
    for &(at, cue) in cues {
        let mut i = doc.token_at(at + cue.len());
        let mut items: Vec<Span> = Vec::new();
        let mut current: Option<Span> = None;
        while let Some(t) = doc.tokens.get(i) {
            let word = doc.str(t.span);
            let part_of_name = t.shape.is_capitalized()
                || current.is_some() && (t.shape == Shape::Number || word.chars().any(|c| c.is_ascii_digit()));
            let free = !stops.overlaps(t.span) || known.overlaps(t.span);
            if part_of_name && free {
                current = Some(current.map_or(t.span, |c| Span::new(c.start, t.span.end)));
            } else if matches!(word, "," | "and" | "or" | "the") {
                items.extend(current.take());
            } else {
                break;
            }
            i += 1;
            if items.len() > 8 {
                break;
            }
        }
        items.extend(current.take());
        if items.len() >= 2 && items.iter().any(|s| known.overlaps(*s)) {
            out.extend(items.into_iter().filter(|s| !known.overlaps(*s)).map(|s| (s, None, None)));
        }
    }
    out
}

/// Proper names marked as trademarks: "Roundup®", "Sentinel IV(TM)".
fn trademarked(
    doc: &Document<'_>,
    rules: &RuleSet,
    selected: &Selected,
    cues: &[(usize, &str)],
    stops: &impl Deref<Target = ByteSet>,
) -> Vec<(Span, Option<usize>, Option<String>)> {
    let mut out = Vec::new();
    for &(at, _) in cues {
        let i = doc.token_at(at);
        let mut start = None;
        let mut j = i;
        while let Some(t) = j.checked_sub(1).and_then(|k| doc.tokens.get(k)) {
            let adjacent = start.is_none() && t.span.end == at || start.is_some_and(|s| t.span.end + 1 == s);
            if !adjacent || !t.shape.is_capitalized() && t.shape != Shape::Number || stops.overlaps(t.span) || i - j >= 4 {
                break;
            }
            start = Some(t.span.start);
            j -= 1;
        }
        if let Some(start) = start {
            out.push((Span::new(start, at), None, possessor(doc, rules, selected, start).flatten()));
        }
    }
    out
}

/// The text and each of its word-final parts: "Amazon Prime Video",
/// "Prime Video", "Video".
fn tails(text: &str) -> impl Iterator<Item = &str> {
    std::iter::once(text).chain(text.match_indices(' ').map(move |(i, _)| &text[i + 1..]))
}

/// Finds the products; `blocked` spans (sorted) are never products.
pub fn resolve(doc: &Document<'_>, rules: &RuleSet, selected: &Selected, blocked: &[Span]) -> Vec<Product> {
    let mut found: Vec<(Span, Option<usize>, Option<String>)> = Vec::new();
    // The byte sets are made when first asked: many articles never ask
    // some of them (no product noun, no trademark, no name after a
    // company), and the stops alone cost about 3K instructions an article.
    let corporate = LazyCell::new(|| {
        ByteSet::new(doc.text.len(), [Label::OrgHead, Label::OrgSuffix].iter().flat_map(|l| selected.of(*l).iter().map(|m| m.span)))
    });
    // A name that runs on into a corporate word is a company's ("Zenith
    // Galaxy Partners, LLC"), not a product.
    let runs_into_company = |end: usize| {
        let mut i = doc.token_at(end);
        while let Some(t) = doc.tokens.get(i).filter(|t| t.shape.is_capitalized() || doc.str(t.span) == ",") {
            if corporate.overlaps(t.span) {
                return true;
            }
            i += 1;
        }
        false
    };
    let blocked_set = LazyCell::new(|| ByteSet::new(doc.text.len(), blocked.iter().copied()));
    for m in selected.of(Label::Product) {
        if runs_into_company(m.span.end) {
            continue;
        }
        let owner = rules.rules[m.rule].attr("owner").map(String::from);
        found.push((with_model(doc, m.span, &blocked_set), Some(m.rule), owner));
    }
    let stop_labels = [Label::OrgHead, Label::OrgSuffix, Label::PersonTitle, Label::NotName, Label::Place, Label::GivenName, Label::Org];
    let stops = LazyCell::new(|| {
        let stop_spans = stop_labels.iter().flat_map(|l| selected.of(*l).iter().map(|m| m.span));
        ByteSet::new(doc.text.len(), stop_spans.chain(blocked.iter().copied()))
    });
    found.extend(before_product_nouns(doc, rules, selected, &stops));
    found.extend(trademarked(doc, rules, selected, &cues_in(&TRADEMARKS, doc.text), &stops));
    for m in selected.of(Label::Org) {
        // Only companies make products; agencies and universities do not.
        if rules.rules[m.rule].attr("kind").is_some_and(|k| k != "company") {
            continue;
        }
        let mut i = doc.token_at(m.span.end);
        let mut end = None;
        while let Some(t) = doc.tokens.get(i) {
            let gap = doc.text.get(doc.tokens[i.saturating_sub(1)].span.end..t.span.start).unwrap_or("");
            let same_sentence = doc.tokens.get(i.saturating_sub(1)).is_some_and(|p| p.sentence == t.sentence);
            let ok = gap == " "
                && same_sentence
                && matches!(t.shape, Shape::Title | Shape::Upper)
                && !stops.overlaps(t.span);
            if !ok {
                break;
            }
            end = Some(t.span.end);
            i += 1;
        }
        // "SEC Enforcement Division" goes on into a corporate word, and "Kestrel
        // Mining Coal Zambia" into more capitalized words: a name.
        let continues = || {
            doc.tokens.get(i).is_some_and(|t| {
                corporate.overlaps(t.span) || (t.shape.is_capitalized() && t.span.start == doc.tokens[i - 1].span.end + 1)
            })
        };
        if let Some(end) = end.filter(|_| !continues()) {
            // Named only here: most companies are followed by no product.
            let owner = rules.rules[m.rule].name.clone().unwrap_or_else(|| doc.str(m.span).to_string());
            found.push((with_model(doc, Span::new(m.span.start, end), &blocked_set), None, Some(owner)));
        }
    }
    if !found.is_empty() {
        found.extend(listed_with_products(doc, &cues_in(&LISTS, doc.text), &found, &stops));
    }
    found.sort_by_key(|(s, _, _)| (s.start, std::cmp::Reverse(s.end)));
    let mut products: Vec<Product> = Vec::new();
    // Mention texts and all their word-final parts ("Prime Video" of
    // "Amazon Prime Video"), to join a mention to its product in O(words).
    // Keyed by short words: `BuildKeys` hashes them for less than SipHash.
    let mut by_text: HashMap<&str, usize, BuildKeys> = HashMap::default();
    let mut by_tail: HashMap<&str, usize, BuildKeys> = HashMap::default();
    let mut by_rule: HashMap<&str, usize, BuildKeys> = HashMap::default();
    let mut last_end = 0;
    for (span, rule, owner) in found {
        if span.start < last_end {
            continue;
        }
        last_end = span.end;
        let text = doc.str(span);
        let mention = Mention { span, rule };
        // The same gazetteer line names one product ("PS5 Pro", "PlayStation
        // 5 Pro"); else a mention joins one whose words it ends or starts.
        let rule_id = rule.and_then(|r| rules.rules.get(r)).map(|r| r.id.as_str());
        let joined = rule_id
            .and_then(|id| by_rule.get(id))
            .or_else(|| by_tail.get(text))
            .or_else(|| tails(text).skip(1).find_map(|t| by_text.get(t)))
            .copied();
        let p = match joined {
            Some(p) => {
                let product = &mut products[p];
                if text.len() > product.name.len() {
                    product.name = text.to_string();
                }
                if product.owner.is_none() {
                    product.owner = owner;
                }
                product.mentions.push(mention);
                p
            }
            None => {
                products.push(Product { name: text.to_string(), owner, mentions: vec![mention] });
                products.len() - 1
            }
        };
        for t in tails(text) {
            by_tail.entry(t).or_insert(p);
        }
        if let Some(id) = rule_id {
            by_rule.entry(id).or_insert(p);
        }
        by_text.entry(text).or_insert(p);
    }
    products
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn products_one_cue_scan_finds_what_a_scan_per_cue_does(
            pieces in proptest::collection::vec("such as |including |\\(R\\)|\\(TM\\)|®|™|\\(|R|T|M|\\)|such|as |includ|ing |s|x ", 0..30)
        ) {
            let text = pieces.concat();
            for (cues, each) in [(&*TRADEMARKS, ["®", "™", "(R)", "(TM)"].as_slice()), (&*LISTS, ["such as ", "including "].as_slice())] {
                let mut expected: Vec<(usize, &str)> = each.iter().flat_map(|c| text.match_indices(c)).collect();
                expected.sort();
                prop_assert_eq!(cues_in(cues, &text), expected);
            }
        }
    }
}
