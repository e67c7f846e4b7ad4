//! The extractor: one article in, one record out. It runs the pipeline of
//! `lib.rs` with an immutable rule set, so one `Extractor` serves any number
//! of threads.

use crate::document::Document;
use crate::input::Article;
use crate::record::{CaseOut, CharIndex, CourtOut, DateOut, PartyOut, ProductOut, QuoteOut, Record};
use crate::resolve::dates::{Anchor, Day};
use crate::resolve::{self, cases, courts, dates, parties, products, quotes};
use crate::rules::{RuleErrors, RuleSet};
use crate::span::Span;

/// Options of an extraction run.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Reference date for articles that carry none and have no dateline.
    pub reference_date: Option<Day>,
    /// Add the rule id to every mention (default: off).
    pub explain: bool,
    /// Read numeric dates day first, `30/07/2024` (default: month first).
    pub day_first: bool,
}

/// Turns articles into records.
#[derive(Debug)]
pub struct Extractor {
    rules: RuleSet,
    options: Options,
}

impl Extractor {
    /// An extractor over `rules`.
    pub fn new(rules: RuleSet, options: Options) -> Extractor {
        Extractor { rules, options }
    }

    /// An extractor with the built-in rules and default options.
    ///
    /// # Errors
    /// Only if the built-in rules are broken, which the tests rule out.
    pub fn builtin() -> Result<Extractor, RuleErrors> {
        Ok(Extractor::new(RuleSet::builtin()?, Options::default()))
    }

    /// The rules in use.
    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// Extracts the record of one article. Never panics on any text.
    ///
    /// ```
    /// let extractor = gazette::Extractor::builtin()?;
    /// let record = extractor.extract(&gazette::Article::new("a", "\"We will appeal,\" said Jane Roe, a lawyer for Acme Corp."));
    /// assert_eq!(record.quotes[0].speaker.as_deref(), Some("Jane Roe"));
    /// assert_eq!(record.parties[1].name, "Acme Corp.");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn extract(&self, article: &Article) -> Record {
        let rules = &self.rules;
        let text = article.text.as_str();
        let doc = Document::new(text, &rules.abbreviations);
        let selected = resolve::select(rules, rules.find(&doc));
        let fallback = Anchor { reference: self.options.reference_date, day_first: self.options.day_first };
        let reference = article
            .date
            .as_deref()
            .and_then(Day::parse)
            .or_else(|| dates::dateline(&doc, rules, &selected, fallback))
            .or(self.options.reference_date);
        let found_dates = dates::resolve(&doc, rules, &selected, Anchor { reference, ..fallback });
        let found_courts = courts::resolve(rules, &selected);
        let mut blocked: Vec<Span> = found_courts.iter().flat_map(|c| c.mentions.iter().map(|m| m.span)).collect();
        blocked.extend(found_dates.iter().map(|d| d.span));
        blocked.sort();
        let found_products = products::resolve(&doc, rules, &selected, &blocked);
        blocked.extend(found_products.iter().flat_map(|p| p.mentions.iter().map(|m| m.span)));
        blocked.sort();
        let found_parties = parties::resolve(&doc, rules, &selected, &blocked);
        let found_cases = cases::resolve(&doc, rules, &selected, &found_parties, &found_courts, &found_dates);
        let found_quotes = quotes::resolve(&doc, rules, &selected, &found_parties, found_cases.main_plaintiff);
        let roles = cases::roles(&found_cases.list, found_parties.list.len());

        let index = CharIndex::new(text);
        let explain = |rule: Option<usize>, fallback: &str| {
            self.options.explain.then(|| rule.and_then(|r| rules.rules.get(r)).map_or(fallback.to_string(), |r| r.id.clone()))
        };
        let name_of = |i: &usize| found_parties.list.get(*i).map(|p| p.name.clone()).unwrap_or_default();
        // The cases first: they copy the names that the parties then give up.
        let cases = found_cases
            .list
            .into_iter()
            .map(|c| CaseOut {
                plaintiffs: c.plaintiffs.iter().map(name_of).collect(),
                defendants: c.defendants.iter().map(name_of).collect(),
                court: c.court,
                filed: c.filed,
                subject: c.subject,
            })
            .collect();
        Record {
            id: article.id.clone(),
            reference_date: reference.map(|d| format!("{:04}-{:02}-{:02}", d.y, d.m, d.d)),
            parties: found_parties
                .list
                .into_iter()
                .zip(&roles)
                .map(|(p, r)| PartyOut {
                    name: p.name,
                    kind: p.kind.as_str(),
                    roles: r.iter().map(|x| x.as_str()).collect(),
                    mentions: p.mentions.iter().map(|m| index.mention(m.span, explain(m.rule, "party.pattern"))).collect(),
                })
                .collect(),
            courts: found_courts
                .into_iter()
                .map(|c| CourtOut {
                    mentions: c.mentions.iter().map(|m| index.mention(m.span, explain(m.rule, "court"))).collect(),
                    name: c.name,
                    id: c.id,
                    country: c.country,
                })
                .collect(),
            dates: found_dates
                .into_iter()
                .map(|d| DateOut {
                    text: d.span.text(text).to_string(),
                    value: d.value.value,
                    grain: Some(d.value.grain),
                    modifier: d.value.modifier,
                    start: index.char_at(d.span.start),
                    end: index.char_at(d.span.end),
                    rule: explain(Some(d.rule), "date"),
                })
                .collect(),
            products: found_products
                .into_iter()
                .map(|p| ProductOut {
                    mentions: p.mentions.iter().map(|m| index.mention(m.span, explain(m.rule, "product.pattern"))).collect(),
                    name: p.name,
                    owner: p.owner,
                })
                .collect(),
            quotes: found_quotes
                .into_iter()
                .map(|q| QuoteOut {
                    text: q.span.text(text).to_string(),
                    speaker: q.speaker,
                    start: index.char_at(q.span.start),
                    end: index.char_at(q.span.end),
                    speaker_mention: q.speaker_mention.map(|s| index.mention(s, None)),
                })
                .collect(),
            cases,
        }
    }
}
