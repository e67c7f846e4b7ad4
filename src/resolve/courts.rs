//! Courts: every court match, grouped into one entry per court by its id
//! (`rules/courts.jsonl` gives id, name and country), in order of first
//! mention.
//!
//! Two kinds of match name no court by themselves (`courts.ambiguous.jsonl`):
//! - a state with several federal districts ("a Texas federal court") joins
//!   the one district of that state the article names, and otherwise stays
//!   a court of its own with no id: never a guess;
//! - an anaphor ("the court") joins the court named last before it, and is
//!   dropped when there is none.

use crate::rules::{Label, RuleSet};

use super::{Mention, Selected};

/// One court and its mentions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Court {
    /// Its official name.
    pub name: String,
    /// CourtListener id for U.S. courts, the project's own otherwise; `None`
    /// when the article does not say which court of a state it is.
    pub id: Option<String>,
    /// ISO 3166 alpha-2 (`EU` for EU courts).
    pub country: Option<String>,
    /// Its mentions, in text order.
    pub mentions: Vec<Mention>,
}

/// True for a U.S. district court id of the state with code `state`:
/// "txed", "arwd", "njd".
fn district_of(id: &str, state: &str) -> bool {
    id.strip_prefix(state).is_some_and(|rest| matches!(rest, "d" | "nd" | "sd" | "ed" | "wd" | "md" | "cd"))
}

/// Groups the court matches into courts.
pub fn resolve(rules: &RuleSet, selected: &Selected) -> Vec<Court> {
    // Courts by key (id, else rule id), with the rule's state when it names
    // only a state.
    let mut courts: Vec<(String, Option<String>, Court)> = Vec::new();
    for m in selected.of(Label::Court) {
        let rule = &rules.rules[m.rule];
        let mention = Mention { span: m.span, rule: Some(m.rule) };
        if rule.attr("anaphor").is_some() {
            // The court named last before it: the one whose latest mention
            // is latest.
            let last = courts.iter_mut().max_by_key(|(_, _, c)| c.mentions.last().map(|x| x.span.start));
            if let Some((_, _, court)) = last {
                court.mentions.push(mention);
            }
            continue;
        }
        let id = rule.attr("court_id").map(String::from);
        let key = id.clone().unwrap_or_else(|| rule.id.clone());
        match courts.iter_mut().find(|(k, _, _)| *k == key) {
            Some((_, _, court)) => court.mentions.push(mention),
            None => courts.push((
                key,
                rule.attr("state_code").map(String::from),
                Court {
                    name: rule.name.clone().unwrap_or_else(|| rule.id.clone()),
                    id,
                    country: rule.attr("country").map(String::from),
                    mentions: vec![mention],
                },
            )),
        }
    }
    // A state-only mention joins the one district of its state named.
    let mut out: Vec<Court> = Vec::new();
    let mut unresolved = Vec::new();
    for (_, state, court) in courts {
        match state {
            Some(code) => unresolved.push((code, court)),
            None => out.push(court),
        }
    }
    for (code, court) in unresolved {
        let districts: Vec<usize> =
            (0..out.len()).filter(|&i| out[i].id.as_deref().is_some_and(|id| district_of(id, &code))).collect();
        match districts.as_slice() {
            [one] => out[*one].mentions.extend(court.mentions),
            _ => out.push(court),
        }
    }
    for court in &mut out {
        court.mentions.sort();
    }
    out.sort_by_key(|c| c.mentions.first().map(|m| m.span.start));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn courts_district_ids_belong_to_their_state() {
        assert!(district_of("txed", "tx") && district_of("njd", "nj") && district_of("cand", "ca"));
        assert!(!district_of("ca9", "ca") && !district_of("cacb", "ca") && !district_of("cal", "ca"));
    }
}
