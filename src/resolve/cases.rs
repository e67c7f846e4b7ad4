//! Cases: who brings which action against whom (SPEC section 3, cases).
//!
//! Each `case_trigger` match (`rules/cases.jsonl`) is read in its sentence by
//! its frame: "A sued B" (active), "the suit filed by A against B"
//! (passive), "B pleaded guilty" (defendant), "A v. B" (caption). Sides are
//! the party mentions around the trigger, with lists ("X, Y and Z") taken
//! whole. A defendant-only frame gets its plaintiff from the article: the
//! plaintiff of its other actions, else the agency that prosecutes or
//! announces, else the United States.

use std::collections::BTreeSet;

use crate::document::Document;
use crate::rules::{Label, RuleSet};
use crate::span::Span;

use super::courts::Court;
use super::dates::ResolvedDate;
use super::parties::{Kind, Parties};
use super::Selected;

/// A side in a legal action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// Brings the action.
    Plaintiff,
    /// The action is against it.
    Defendant,
}

impl Role {
    /// The SPEC spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Plaintiff => "plaintiff",
            Role::Defendant => "defendant",
        }
    }
}

/// One legal action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Case {
    /// Party indexes bringing it.
    pub plaintiffs: Vec<usize>,
    /// Party indexes it is against.
    pub defendants: Vec<usize>,
    /// The court's id.
    pub court: Option<String>,
    /// When it was filed, as a date value.
    pub filed: Option<String>,
    /// A short phrase from the article.
    pub subject: Option<String>,
}

struct Frame {
    at: Span,
    plaintiffs: Vec<usize>,
    defendants: Vec<usize>,
    /// A frame that names no plaintiff by its nature ("pleaded guilty").
    takes_default: bool,
}

/// The cases of an article.
#[derive(Clone, Debug, Default)]
pub struct Cases {
    /// The actions, in order of first report.
    pub list: Vec<Case>,
    /// The plaintiff of the first action reported, which a document
    /// without a named author ("the complaint says") speaks for; `None`
    /// when that action names no plaintiff.
    pub main_plaintiff: Option<usize>,
}

/// Reads every trigger and assembles the cases.
pub fn resolve(
    doc: &Document<'_>,
    rules: &RuleSet,
    selected: &Selected,
    parties: &Parties,
    courts: &[Court],
    dates: &[ResolvedDate],
) -> Cases {
    let mut frames: Vec<Frame> = Vec::new();
    // Parties the article shows prosecuting: strong ("prosecuted by X")
    // and weak ("X announced").
    let mut prosecutors = Vec::new();
    let mut announcers = Vec::new();
    for m in selected.of(Label::CaseTrigger) {
        let Some(sentence) = doc.sentences.get(doc.sentence_of(m.span.start)).copied() else { continue };
        // The sides of an action are named near its trigger.
        let near = doc.around(m.span, sentence, 300);
        let left = Span::new(near.start, m.span.start);
        let right = Span::new(m.span.end, near.end);
        let frame = rules.rules[m.rule].attr("frame").unwrap_or("");
        let nearest_left = || parties.last_within(left);
        let (plaintiffs, defendants) = match frame {
            "active" => {
                let Some((_, p)) = nearest_left() else { continue };
                let mut defendants = list_after(doc, parties, right, 160);
                // "Dexcom countersued in the same court": a counter-action
                // with no object is against who sued the party.
                if defendants.is_empty() && doc.str(m.span).to_ascii_lowercase().contains("counter") {
                    defendants = frames
                        .iter()
                        .rev()
                        .find(|f| f.defendants.contains(&p))
                        .map(|f| f.plaintiffs.clone())
                        .unwrap_or_default();
                }
                (vec![p], defendants)
            }
            "passive" => {
                let plaintiffs = list_after(doc, parties, right, 60);
                let against = doc.str(right).find(" against ").map(|i| Span::new(right.start + i + 9, right.end));
                let defendants = match against {
                    Some(a) => list_after(doc, parties, a, 40),
                    None => list_before(doc, parties, left),
                };
                (plaintiffs, defendants)
            }
            "defendant" => {
                let before = list_before(doc, parties, left);
                if before.is_empty() {
                    // "the airlines that have pleaded guilty ... are: X, Y"
                    let rest = doc.str(right);
                    let are = rest.find(" are: ").map(|i| i + 6).or_else(|| rest.find(" are ").map(|i| i + 5));
                    let after = are.map(|i| list_after(doc, parties, Span::new(right.start + i, right.end), 4)).unwrap_or_default();
                    (Vec::new(), after)
                } else {
                    (Vec::new(), before)
                }
            }
            "object" => (Vec::new(), list_after(doc, parties, right, 4)),
            "caption" => {
                let before = parties.last_within(left).filter(|(s, _)| doc.str(Span::new(s.end, m.span.start)).trim().is_empty());
                let after = list_after(doc, parties, right, 2);
                match before {
                    Some((_, a)) if !after.is_empty() => (vec![a], after),
                    _ => continue,
                }
            }
            "allegation" => {
                // "the SEC alleges that X and Y ...": the accuser, when named,
                // against the accused; else the article's plaintiff.
                let accuser = nearest_left().map(|(_, p)| p).filter(|&p| is_authority(parties, p));
                (accuser.into_iter().collect(), list_after(doc, parties, right, 12))
            }
            "prosecutor" => {
                let by = doc.str(m.span).to_ascii_lowercase().ends_with(" by");
                let (found, into) = if by {
                    (list_after(doc, parties, right, 20), &mut prosecutors)
                } else {
                    (list_before(doc, parties, left), &mut announcers)
                };
                for p in found.into_iter().filter(|&p| is_authority(parties, p)) {
                    if !into.contains(&p) {
                        into.push(p);
                    }
                }
                continue;
            }
            _ => continue,
        };
        let defendants: Vec<usize> = defendants.into_iter().filter(|d| !plaintiffs.contains(d)).collect();
        if !defendants.is_empty() {
            let takes_default = matches!(frame, "defendant" | "object" | "allegation");
            frames.push(Frame { at: m.span, plaintiffs, defendants, takes_default });
        }
    }
    let default_plaintiffs: Vec<usize> = frames
        .iter()
        .find(|f| !f.plaintiffs.is_empty())
        .map(|f| f.plaintiffs.clone())
        .or_else(|| parties.list.iter().position(|p| p.name == "United States").map(|p| vec![p]))
        .or_else(|| (!prosecutors.is_empty()).then(|| prosecutors.clone()))
        .unwrap_or(announcers);
    let main_plaintiff = frames.first().and_then(|f| {
        if f.plaintiffs.is_empty() && f.takes_default { default_plaintiffs.first() } else { f.plaintiffs.first() }.copied()
    });
    let mut court_mentions: Vec<(Span, Option<String>)> =
        courts.iter().flat_map(|c| c.mentions.iter().map(move |m| (m.span, c.id.clone()))).collect();
    court_mentions.sort_by_key(|(s, _)| *s);
    let mut cases: Vec<Case> = Vec::new();
    for f in frames {
        // Only a frame that names no plaintiff by its nature takes the
        // article's; "sued by a group of funds" names an unnamed one.
        let plaintiffs = if f.plaintiffs.is_empty() && f.takes_default { default_plaintiffs.clone() } else { f.plaintiffs };
        let defendants: Vec<usize> = f.defendants.into_iter().filter(|d| !plaintiffs.contains(d)).collect();
        if plaintiffs.is_empty() || defendants.is_empty() {
            continue;
        }
        let sentence = doc.sentences.get(doc.sentence_of(f.at.start)).copied().unwrap_or(f.at);
        let sentence = doc.around(f.at, sentence, 300);
        let first_in = |i: usize| court_mentions.get(i).filter(|(s, _)| sentence.contains(*s));
        let court = first_in(court_mentions.partition_point(|(s, _)| s.start < sentence.start)).and_then(|(_, id)| id.clone());
        let d = dates.partition_point(|d| d.span.start < sentence.start);
        let filed = dates.get(d).filter(|d| sentence.contains(d.span)).and_then(|d| d.value.value.clone());
        let subject = subject(doc.str(Span::new(f.at.end, sentence.end)));
        match cases.iter_mut().find(|c| c.plaintiffs == plaintiffs && c.defendants == defendants) {
            Some(c) => {
                c.court = c.court.take().or(court);
                c.filed = c.filed.take().or(filed);
                c.subject = c.subject.take().or(subject);
            }
            None => cases.push(Case { plaintiffs, defendants, court, filed, subject }),
        }
    }
    // One court named in the whole article is where its one action is.
    if cases.len() == 1 && courts.len() == 1 && cases[0].court.is_none() {
        cases[0].court = courts[0].id.clone();
    }
    Cases { list: cases, main_plaintiff }
}

/// Parties who prosecute or enforce: agencies, regulators, governments.
fn is_authority(parties: &Parties, p: usize) -> bool {
    parties.list.get(p).is_some_and(|x| {
        x.kind == Kind::Organization
            && (x.name == "United States" || x.org_kind.as_deref().is_some_and(|k| matches!(k, "agency" | "regulator" | "government")))
    })
}

/// Words that may stand between the items of a list of parties: "X, and
/// its former CEO, Y".
const LIST_WORDS: [&str; 50] = [
    "and", "or", "the", "its", "his", "her", "their", "former", "current", "then", "founder", "co-founder", "ceo",
    "cfo", "coo", "president", "chairman", "principal", "executive", "officer", "chief", "financial", "operating",
    "director", "owner", "et", "al.", "also", "both", "medical", "general", "counsel", "wife", "husband", "son",
    "daughter", "brother", "sister", "cousin", "father", "mother", "partner", "business", "attorney", "accountant",
    "employee", "associate", "subsidiary", "affiliate", "parent",
];

/// The gap between two list items: commas, "and", titles and possessives
/// ("X, and its former CEO, Y"), or an apposition of age and home town
/// ("45, of Queens;").
fn list_gap(gap: &str) -> bool {
    let gap = without_asides(gap);
    let g = gap.trim_matches(|c: char| c == ',' || c == ';' || c == ':' || c.is_whitespace());
    let words: Vec<String> = g.split([' ', ',', ';']).filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
    let separated = gap.contains(',') || words.first().is_some_and(|w| w == "and" || w == "or");
    if g.is_empty() || (separated && words.len() <= 6 && words.iter().all(|w| LIST_WORDS.contains(&w.as_str()))) {
        return true;
    }
    let digits = g.chars().take_while(char::is_ascii_digit).count();
    (1..=3).contains(&digits) && g.len() < 60 && !g.contains(" and ") && g.split(',').count() <= 4
}

/// A gap with its asides removed: parenthesized short names ("(\"Abbass\")")
/// and aliases ("a/k/a Lana Puleo", "f/k/a The Eye Machine, LLC").
fn without_asides(gap: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in gap.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    for alias in ["a/k/a ", "f/k/a ", "d/b/a ", "doing business as ", "formerly known as ", "also known as "] {
        if let Some(i) = out.find(alias) {
            let end = out[i..].find([',', ';']).map_or(out.len(), |j| i + j);
            out.replace_range(i..end, "");
        }
    }
    out
}

/// The party right after `region`'s start (within `reach` bytes) and those
/// listed with it.
fn list_after(doc: &Document<'_>, parties: &Parties, region: Span, reach: usize) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::new();
    let mut last_end: Option<usize> = None;
    for (s, p) in parties.within(region) {
        // "former Leo Burnett employees, Greg Hamilton and Michele Casey":
        // a name used as a modifier is no side.
        if last_end.is_none() && modifier(doc, s) {
            continue;
        }
        match last_end {
            None if s.start > region.start + reach => break,
            None => {}
            Some(end) if !list_gap(doc.str(Span::new(end, s.start))) => break,
            Some(_) => {}
        }
        if !out.contains(&p) {
            out.push(p);
        }
        last_end = Some(s.end);
    }
    out
}

/// Nouns after which a name only qualifies someone: "Leo Burnett
/// employees", "Amazon shareholders".
const MODIFIED: [&str; 16] = [
    "employee", "employees", "executive", "executives", "shareholders", "investors", "customers", "officials",
    "workers", "staff", "lawyer", "lawyers", "spokesperson", "spokesman", "spokeswoman", "subsidiary",
];

/// True when the mention at `s` modifies a noun of `MODIFIED`.
fn modifier(doc: &Document<'_>, s: Span) -> bool {
    let after = doc.text.get(s.end..).unwrap_or("");
    let next = after.strip_prefix(' ').and_then(|t| t.split([' ', ',', '.', ';']).next()).unwrap_or("");
    MODIFIED.contains(&next)
}

/// The party right before the trigger and those listed with it.
fn list_before(doc: &Document<'_>, parties: &Parties, region: Span) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::new();
    let mut end = region.end;
    let mut next_start: Option<usize> = None;
    while let Some((s, p)) = parties.last_within(Span::new(region.start, end)) {
        if let Some(start) = next_start
            && !list_gap(doc.str(Span::new(s.end, start))) {
                break;
            }
        if !out.contains(&p) {
            out.insert(0, p);
        }
        next_start = Some(s.start);
        end = s.start;
    }
    out
}

/// "over cloud computing patents", "alleging securities fraud": a short
/// phrase after the trigger.
fn subject(rest: &str) -> Option<String> {
    let cues = [" over ", " alleging ", " for ", " with ", " regarding ", " related to ", " accusing "];
    let (at, cue) = cues.iter().filter_map(|c| rest.find(c).map(|i| (i, *c))).min_by_key(|(i, _)| *i)?;
    let mut phrase = rest.get(at + cue.len()..)?;
    // "accusing the latter of infringing ...": the charge, not the accused.
    if cue == " accusing " {
        phrase = phrase.split_once(" of ").map_or(phrase, |(_, charge)| charge);
    }
    let end = phrase.find([',', ';', '.', '(']).unwrap_or(phrase.len());
    let words: Vec<&str> = phrase[..end].split_whitespace().take(8).collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// The roles each party takes, by party index.
pub fn roles(cases: &[Case], parties: usize) -> Vec<BTreeSet<Role>> {
    let mut out = vec![BTreeSet::new(); parties];
    for c in cases {
        for &p in &c.plaintiffs {
            if let Some(r) = out.get_mut(p) {
                r.insert(Role::Plaintiff);
            }
        }
        for &d in &c.defendants {
            if let Some(r) = out.get_mut(d) {
                r.insert(Role::Defendant);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases_list_gaps_allow_commas_and_ages() {
        assert!(list_gap(", "));
        assert!(list_gap(" and "));
        assert!(list_gap(", 45, of Queens; "));
        assert!(!list_gap(" in the United States District Court for "));
        assert!(list_gap(" (\"Abbass\"); "));
        assert!(list_gap(" a/k/a Lana Velazquez, "));
        assert!(list_gap(", and its former CEO, "));
        assert!(!list_gap(" retained "));
        assert_eq!(subject(" against Nokia over cloud computing patents."), Some("cloud computing patents".into()));
    }
}
