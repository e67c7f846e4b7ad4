//! Products: known products from `rules/products.jsonl`, and unknown ones
//! written as a known company followed by a proper name that is not a
//! corporate word ("Nokia CloudBand", "Amazon Prime Video"). Mentions whose
//! words end another's ("Prime Video") join it.

use std::collections::HashMap;

use crate::document::{Document, Shape};
use crate::rules::{Label, RuleSet};
use crate::span::{Span, SpanSet};

use super::{Mention, Selected};

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

/// The text and each of its word-final parts: "Amazon Prime Video",
/// "Prime Video", "Video".
fn tails(text: &str) -> impl Iterator<Item = &str> {
    std::iter::once(text).chain(text.match_indices(' ').map(move |(i, _)| &text[i + 1..]))
}

/// Finds the products; `blocked` spans (sorted) are never products.
pub fn resolve(doc: &Document<'_>, rules: &RuleSet, selected: &Selected, blocked: &[Span]) -> Vec<Product> {
    let mut found: Vec<(Span, Option<usize>, Option<String>)> = Vec::new();
    let corporate = SpanSet::new([Label::OrgHead, Label::OrgSuffix].iter().flat_map(|l| selected.of(*l).iter().map(|m| m.span)));
    // A name that runs on into a corporate word is a company's ("Nova
    // Oculus Partners, LLC"), not a product.
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
    for m in selected.of(Label::Product) {
        if runs_into_company(m.span.end) {
            continue;
        }
        let owner = rules.rules[m.rule].attr("owner").map(String::from);
        found.push((m.span, Some(m.rule), owner));
    }
    let stops = SpanSet::new(
        [Label::OrgHead, Label::OrgSuffix, Label::PersonTitle, Label::NotName, Label::Place, Label::GivenName, Label::Org]
            .iter()
            .flat_map(|l| selected.of(*l).iter().map(|m| m.span))
            .chain(blocked.iter().copied()),
    );
    for m in selected.of(Label::Org) {
        // Only companies make products; agencies and universities do not.
        if rules.rules[m.rule].attr("kind").is_some_and(|k| k != "company") {
            continue;
        }
        let owner = rules.rules[m.rule].name.clone().unwrap_or_else(|| doc.str(m.span).to_string());
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
        // "SEC Enforcement Division" goes on into a corporate word, and "Rio
        // Tinto Coal Mozambique" into more capitalized words: a name.
        let continues = doc.tokens.get(i).is_some_and(|t| {
            corporate.overlaps(t.span) || (t.shape.is_capitalized() && t.span.start == doc.tokens[i - 1].span.end + 1)
        });
        if let Some(end) = end.filter(|_| !continues) {
            found.push((Span::new(m.span.start, end), None, Some(owner)));
        }
    }
    found.sort_by_key(|(s, _, _)| (s.start, std::cmp::Reverse(s.end)));
    let mut products: Vec<Product> = Vec::new();
    // Mention texts and all their word-final parts ("Prime Video" of
    // "Amazon Prime Video"), to join a mention to its product in O(words).
    let mut by_text: HashMap<String, usize> = HashMap::new();
    let mut by_tail: HashMap<String, usize> = HashMap::new();
    let mut last_end = 0;
    for (span, rule, owner) in found {
        if span.start < last_end {
            continue;
        }
        last_end = span.end;
        let text = doc.str(span).to_string();
        let mention = Mention { span, rule };
        let joined = by_tail.get(&text).or_else(|| tails(&text).skip(1).find_map(|t| by_text.get(t))).copied();
        let p = match joined {
            Some(p) => {
                let product = &mut products[p];
                if text.len() > product.name.len() {
                    product.name = text.clone();
                }
                if product.owner.is_none() {
                    product.owner = owner;
                }
                product.mentions.push(mention);
                p
            }
            None => {
                products.push(Product { name: text.clone(), owner, mentions: vec![mention] });
                products.len() - 1
            }
        };
        for t in tails(&text) {
            by_tail.entry(t.to_string()).or_insert(p);
        }
        by_text.entry(text).or_insert(p);
    }
    products
}
