//! Courts: every court match, grouped into one entry per court by its id
//! (`rules/courts.jsonl` gives id, name and country), in order of first
//! mention. A generic "the court" names no court and is not matched.

use crate::rules::{Label, RuleSet};

use super::{Mention, Selected};

/// One court and its mentions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Court {
    /// Its official name.
    pub name: String,
    /// CourtListener id for U.S. courts, the project's own otherwise.
    pub id: Option<String>,
    /// ISO 3166 alpha-2 (`EU` for EU courts).
    pub country: Option<String>,
    /// Its mentions, in text order.
    pub mentions: Vec<Mention>,
}

/// Groups the court matches into courts.
pub fn resolve(rules: &RuleSet, selected: &Selected) -> Vec<Court> {
    let mut courts: Vec<Court> = Vec::new();
    for m in selected.of(Label::Court) {
        let rule = &rules.rules[m.rule];
        let id = rule.attr("court_id").map(String::from);
        let key = id.clone().unwrap_or_else(|| rule.id.clone());
        let mention = Mention { span: m.span, rule: Some(m.rule) };
        match courts.iter_mut().find(|c| c.id.as_deref().unwrap_or("") == key || c.name == key) {
            Some(court) => court.mentions.push(mention),
            None => courts.push(Court {
                name: rule.name.clone().unwrap_or_else(|| key.clone()),
                id,
                country: rule.attr("country").map(String::from),
                mentions: vec![mention],
            }),
        }
    }
    courts
}
