//! Parties: organizations and people, one entity per real-world party.
//!
//! Known organizations come from the gazetteer (`parties.orgs.jsonl`). Others
//! are runs of capitalized words ("chunks") classified by cue words from
//! `parties.cues.jsonl`: a legal suffix or a head word makes an organization
//! ("Milo Brandt Company"), a title or a first name a person ("Assistant
//! Attorney General Harold T. Vossberg"). A lone capitalized word never makes a
//! party by itself; it joins one already found: a surname ("Dunleavy"), the
//! first word of an organization ("Veltrix"), an acronym ("SEC", or one
//! defined in parentheses), or a head word after "the" ("the Commission").

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;

use crate::document::{Document, Shape, Token};
use crate::hash::BuildKeys;
use crate::rules::blocks::{BLOCK, Classes};
use crate::rules::{Label, RuleSet};
use crate::span::{Span, SpanSet};

use super::{Mention, Selected};

/// Organization or person.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A company, agency, government, university...
    Organization,
    /// A natural person.
    Person,
}

impl Kind {
    /// The SPEC spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Organization => "organization",
            Kind::Person => "person",
        }
    }
}

/// One real-world party and its mentions.
#[derive(Clone, Debug)]
pub struct Party {
    /// The fullest name used in the article.
    pub name: String,
    /// Organization or person.
    pub kind: Kind,
    /// Every mention, in text order.
    pub mentions: Vec<Mention>,
    /// For organizations: its attrs.kind from the gazetteer (`agency`...).
    pub org_kind: Option<String>,
}

/// The parties of an article, with an index from mentions to parties.
#[derive(Clone, Debug, Default)]
pub struct Parties {
    /// Parties in order of first mention.
    pub list: Vec<Party>,
    /// (mention span, party index), sorted by span; mentions in
    /// parentheses are left out.
    pub mentions: Vec<(Span, usize)>,
}

impl Parties {
    /// The last party mention inside `range`.
    pub fn last_within(&self, range: Span) -> Option<(Span, usize)> {
        let i = self.mentions.partition_point(|(s, _)| s.start < range.end);
        self.mentions[..i].iter().rev().take_while(|(s, _)| s.start >= range.start).find(|(s, _)| s.end <= range.end).copied()
    }

    /// Party mentions that lie inside `range`, in text order.
    pub fn within(&self, range: Span) -> impl Iterator<Item = (Span, usize)> + '_ {
        let i = self.mentions.partition_point(|(s, _)| s.start < range.start);
        self.mentions[i..].iter().take_while(move |(s, _)| s.end <= range.end).copied()
    }
}

/// What a chunk or gazetteer hit says about itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Evidence {
    /// A gazetteer organization: rule index.
    Known(usize),
    /// A legal suffix or head word.
    Org,
    /// A title or first name.
    Person,
    /// A lone word or unclassified run: joins an existing party only.
    Weak,
    /// A place named as a government ("the states of Ohio and Utah").
    Government,
}

#[derive(Clone, Copy, Debug)]
struct Candidate {
    span: Span,
    evidence: Evidence,
    /// Starts its sentence (so its capital says nothing).
    sentence_start: bool,
    /// Follows a person title ("Judge Smith").
    after_title: bool,
    /// Its first token, where a run of them made it: `join` reads the word
    /// before without a search.
    first_token: Option<usize>,
}

/// Word-level facts the cue rules give each token.
struct Cues {
    known: Vec<Span>,
    titles: Vec<Span>,
    heads: Vec<Span>,
    suffixes: Vec<Span>,
    /// Words that split a run of capitalized words.
    splitters: SpanSet,
    /// Words that make a run a court or a statute, not a party.
    killers: SpanSet,
    given: Vec<Span>,
    places: Vec<Span>,
}

fn spans(selected: &Selected, label: Label) -> Vec<Span> {
    selected.of(label).iter().map(|m| m.span).collect()
}

fn covered(list: &[Span], span: Span) -> bool {
    let i = list.partition_point(|s| s.end <= span.start);
    list.get(i).is_some_and(|s| s.overlaps(span))
}

/// `covered` for spans asked in text order (`chunks` asks once per token):
/// one walk along the list instead of a binary search per token. The walk
/// finds the same index as `covered`'s search when the list's ends are sorted
/// too; a list of overlapping spans whose ends are not keeps the search, whose
/// answer there depends on its path.
struct Walk<'a> {
    list: &'a [Span],
    i: usize,
    walks: bool,
    /// The starts are sorted too (see `clear_until`).
    sorted: bool,
}

impl<'a> Walk<'a> {
    fn new(list: &'a [Span]) -> Walk<'a> {
        let walks = list.windows(2).all(|w| w[0].end <= w[1].end);
        Walk { list, i: 0, walks, sorted: walks && list.is_sorted() }
    }

    /// A point such that no span starting at or after `from` and ending by
    /// it is `covered`: the start of the first span ending after `from`
    /// (with sorted starts, no later one starts sooner), or 0 (nothing is
    /// clear) when the starts are not sorted. `from` never goes back
    /// between calls.
    fn clear_until(&mut self, from: usize) -> usize {
        if !self.sorted {
            return 0;
        }
        while self.list.get(self.i).is_some_and(|s| s.end <= from) {
            self.i += 1;
        }
        self.list.get(self.i).map_or(usize::MAX, |s| s.start)
    }

    /// `covered(list, span)`; `span.start` never goes back between calls.
    fn covered(&mut self, span: Span) -> bool {
        if !self.walks {
            return covered(self.list, span);
        }
        while self.list.get(self.i).is_some_and(|s| s.end <= span.start) {
            self.i += 1;
        }
        self.list.get(self.i).is_some_and(|s| s.overlaps(span))
    }

    /// `SpanSet::covers` for a sorted disjoint list; `span.end` never goes
    /// back between calls.
    fn covers(&mut self, span: Span) -> bool {
        while self.list.get(self.i).is_some_and(|s| s.end < span.end) {
            self.i += 1;
        }
        self.list.get(self.i).is_some_and(|s| s.contains(span))
    }
}

fn exactly(list: &[Span], span: Span) -> bool {
    list.binary_search_by(|s| s.start.cmp(&span.start).then(s.end.cmp(&span.end))).is_ok()
}

/// Finds the parties. `blocked` spans (courts, dates, products), sorted, are
/// never parties.
pub fn resolve(doc: &Document<'_>, rules: &RuleSet, selected: &Selected, blocked: &[Span]) -> Parties {
    let (orgs, people, places) = (selected.of(Label::Org), selected.of(Label::Person), selected.of(Label::Place));
    // Non-name words with a kind make a run no party at all; the others
    // split runs.
    let not_names = selected.of(Label::NotName);
    let (mut killers, mut splitters) = (Vec::with_capacity(not_names.len()), Vec::with_capacity(not_names.len()));
    for m in not_names {
        let list = if rules.rules[m.rule].attr("kind").is_some() { &mut killers } else { &mut splitters };
        list.push(m.span);
    }
    let mut cues = Cues {
        titles: Vec::new(),
        known: Vec::with_capacity(orgs.len() + people.len()),
        heads: spans(selected, Label::OrgHead),
        suffixes: spans(selected, Label::OrgSuffix),
        splitters: SpanSet::new(splitters),
        killers: SpanSet::new(killers),
        given: spans(selected, Label::GivenName),
        places: spans(selected, Label::Place),
    };
    // Room for the known names; the runs' candidates are kept apart, in
    // text order (see `in_order`).
    let mut candidates = Vec::with_capacity(orgs.len() + people.len() + places.len());
    for m in orgs {
        let tokens = token_range(doc, m.span);
        if !covered(blocked, m.span) && !after_first_name(doc, &cues, m.span, tokens.start) {
            let (span, tokens) = extend_with_suffix(doc, &cues, m.span, tokens);
            // "Hoshino Denso Corp": a known name inside a longer one with a
            // legal suffix is the longer one's.
            let span = extend_before_suffixed(doc, &cues, blocked, span, tokens);
            cues.known.push(span);
            // "Veltrix Taiwan, Inc." is a company of its own, not "Veltrix".
            let words_added = doc.str(Span::new(m.span.end, span.end)).split_whitespace().count() > 1 || span.start < m.span.start;
            let evidence = if words_added { Evidence::Org } else { Evidence::Known(m.rule) };
            candidates.push(Candidate { span, evidence, sentence_start: false, after_title: false, first_token: None });
        }
    }
    // Known people (spaCy PERSON patterns) are people whatever their shape.
    for m in people {
        if !covered(blocked, m.span) && !covered(&cues.known, m.span) {
            cues.known.push(m.span);
            candidates.push(Candidate { span: m.span, evidence: Evidence::Person, sentence_start: false, after_title: false, first_token: None });
        }
    }
    // "the states of Ohio, Utah and Iowa": each a government, which news
    // names that way when they litigate.
    let mut previous_end: Option<usize> = None;
    for m in places {
        let before = doc.text.get(..m.span.start).unwrap_or("");
        let listed = previous_end
            .and_then(|e| doc.text.get(e..m.span.start))
            .is_some_and(|gap| matches!(gap, ", " | " and " | ", and " | " or "));
        if (before.ends_with("states of ") || listed) && !covered(blocked, m.span) && !covered(&cues.known, m.span) {
            candidates.push(Candidate { span: m.span, evidence: Evidence::Government, sentence_start: false, after_title: false, first_token: None });
            previous_end = Some(m.span.end);
        } else {
            previous_end = None;
        }
    }
    cues.known.sort();
    cues.titles = spans(selected, Label::PersonTitle).into_iter().filter(|s| !covered(&cues.known, *s)).collect();
    let (tokens, runs) = chunks(doc, &cues, blocked);
    let mut found = Vec::with_capacity(runs.len());
    for (run, after_title) in runs {
        classify(doc, &cues, &tokens[run], after_title, &mut found);
    }
    candidates.sort_by_key(candidate_order);
    // `classify` makes the runs' candidates in text order, which this
    // only checks.
    if !found.is_sorted_by_key(candidate_order) {
        found.sort_by_key(candidate_order);
    }
    cluster(doc, rules, &cues, [&candidates, &found])
}

/// The order candidates are clustered in: by start, the longest first.
fn candidate_order(c: &Candidate) -> (usize, std::cmp::Reverse<usize>) {
    (c.span.start, std::cmp::Reverse(c.span.end))
}

/// Two lists sorted by `candidate_order` as one, in the order a stable
/// sort of both would give: on a tie, the first list's candidate comes
/// first. The known names are few and the runs' candidates come sorted,
/// so merging them costs less than sorting all.
fn in_order<'c>(first: &'c [Candidate], second: &'c [Candidate]) -> impl Iterator<Item = Candidate> + 'c {
    let (mut i, mut j) = (0, 0);
    std::iter::from_fn(move || {
        let from_second = match (first.get(i), second.get(j)) {
            (Some(a), Some(b)) => candidate_order(b) < candidate_order(a),
            (None, b) => b.is_some(),
            (Some(_), None) => false,
        };
        let (list, at) = if from_second { (second, &mut j) } else { (first, &mut i) };
        *at += 1;
        list.get(*at - 1).copied()
    })
}

/// The tokens from `doc.token_at(span.start)` to `doc.token_at(span.end)`,
/// with one search: the end is walked to, as a known name has few tokens
/// and a search over the whole article costs more.
fn token_range(doc: &Document<'_>, span: Span) -> Range<usize> {
    let first = doc.token_at(span.start);
    first..first + doc.tokens[first..].iter().take_while(|t| t.span.start < span.end).count()
}

/// True when `doc.token_at(byte)` is `i`, without a search: the token
/// before `i` starts before `byte` and token `i` (if any) does not.
fn token_at_is(doc: &Document<'_>, byte: usize, i: usize) -> bool {
    i.checked_sub(1).is_none_or(|j| doc.tokens.get(j).is_some_and(|t| t.span.start < byte))
        && doc.tokens.get(i).is_none_or(|t| t.span.start >= byte)
}

/// True when a known organization's name (starting at token `first`)
/// follows a first name or an initial: "Laura K. Ford" is a person, not the
/// carmaker.
fn after_first_name(doc: &Document<'_>, cues: &Cues, span: Span, first: usize) -> bool {
    let Some(prev) = first.checked_sub(1).and_then(|j| doc.tokens.get(j)) else { return false };
    prev.span.end + 1 == span.start && (prev.shape == Shape::Initial || exactly(&cues.given, prev.span))
}

/// Extends a known name over what completes it into a legal name: "Dunmore
/// Foods" + " Inc.", "Kestrel Air" + " Lines Ltd.", "Orvane Airlines
/// International Co." + ", Ltd.". Without a suffix at the end, nothing is
/// added ("Nokia CloudBand" stays a company and a product). `tokens` are
/// the span's (see `token_range`), and so are the ones returned.
fn extend_with_suffix(doc: &Document<'_>, cues: &Cues, span: Span, tokens: Range<usize>) -> (Span, Range<usize>) {
    let mut end = span.end;
    let mut i = tokens.end;
    // The suffix's end and the index of the token after it.
    let mut suffix_end = None;
    while let Some(t) = doc.tokens.get(i) {
        if exactly(&cues.suffixes, t.span) && !suffix_is_word(doc, i) {
            suffix_end = Some((t.span.end, i + 1));
        } else {
            let comma_before_suffix =
                doc.str(t.span) == "," && doc.tokens.get(i + 1).is_some_and(|n| exactly(&cues.suffixes, n.span));
            let more_name = suffix_end.is_none() && t.shape.is_capitalized() && t.span.start == end + 1;
            if !comma_before_suffix && !more_name {
                break;
            }
        }
        end = t.span.end;
        i += 1;
    }
    match suffix_end {
        Some((e, after)) => (Span::new(span.start, e), tokens.start..after),
        None => (span, tokens),
    }
}

/// Extends a name that ends with a legal suffix over the capitalized words
/// right before it: "Hoshino" + "Denki Corp." is "Hoshino Denki Corp.", one
/// company, not the known "Denki Corp.". Words that never form a name,
/// titles, places, other known names and a sentence's first word stop it.
/// `tokens` are the span's (see `token_range`).
fn extend_before_suffixed(doc: &Document<'_>, cues: &Cues, blocked: &[Span], span: Span, tokens: Range<usize>) -> Span {
    let last = tokens.end.checked_sub(1).and_then(|i| doc.tokens.get(i));
    if !last.is_some_and(|t| t.span.end == span.end && exactly(&cues.suffixes, t.span)) {
        return span;
    }
    let mut start = span.start;
    let mut i = tokens.start;
    while let Some(j) = i.checked_sub(1) {
        let t = &doc.tokens[j];
        let sentence_first = j == 0 || doc.tokens[j - 1].sentence != t.sentence;
        let stop = !t.shape.is_capitalized()
            || t.span.end + 1 != start
            || sentence_first
            || cues.splitters.covers(t.span)
            || covered(&cues.titles, t.span)
            || covered(&cues.known, t.span)
            || covered(&cues.places, t.span)
            || covered(blocked, t.span)
            || covered(&cues.given, t.span);
        if stop {
            break;
        }
        start = t.span.start;
        i = j;
    }
    Span::new(start, span.end)
}

/// True when a suffix-like token ("SA", "AB") is really the start of more
/// capitalized words, which makes it part of another name.
fn suffix_is_word(doc: &Document<'_>, i: usize) -> bool {
    let (Some(t), Some(next)) = (doc.tokens.get(i), doc.tokens.get(i + 1)) else { return false };
    next.shape == Shape::Title && doc.str(next.span).len() > 1 && next.span.start == t.span.end + 1
}

/// Runs of capitalized tokens (with inner connectors) not covered by known
/// organizations, titles, blocked spans or non-name words: the token indices
/// of all runs one after another, and each run's range of them with whether
/// a title came before it.
fn chunks(doc: &Document<'_>, cues: &Cues, blocked: &[Span]) -> (Vec<usize>, Vec<(Range<usize>, bool)>) {
    // Room for the runs and for every token in them: growing costs more.
    let mut out = Vec::with_capacity(doc.tokens.len() / 2 + 1);
    // The current run is `all[start..]`.
    let (mut all, mut start): (Vec<usize>, usize) = (Vec::with_capacity(doc.tokens.len()), 0);
    let mut after_title = false;
    let mut title_before = false;
    let tokens = &doc.tokens;
    let (mut titles, mut known, mut blocked, mut splitters) =
        (Walk::new(&cues.titles), Walk::new(&cues.known), Walk::new(blocked), Walk::new(cues.splitters.spans()));
    let flush = |all: &mut Vec<usize>, start: &mut usize, title: bool, out: &mut Vec<(Range<usize>, bool)>| {
        while all.len() > *start && all.last().is_some_and(|&i| !tokens[i].shape.is_capitalized()) {
            all.pop();
        }
        if all.len() > *start {
            out.push((*start..all.len(), title));
            *start = all.len();
        }
    };
    let mut next = 0;
    while let Some(t) = tokens.get(next) {
        let i = next;
        next += 1;
        // Most words: lower case, with no run open, no title right before
        // and none covering them, they change nothing. Skip them all in one
        // tight loop.
        if all.len() == start && !after_title {
            let clear = titles.clear_until(t.span.start);
            let mut quiet_end = i;
            while tokens.get(quiet_end).is_some_and(|t| !t.shape.is_capitalized() && t.span.end <= clear) {
                quiet_end += 1;
            }
            if quiet_end > i {
                next = quiet_end;
                continue;
            }
        }
        let is_title = titles.covered(t.span);
        if all.len() == start && !is_title && !t.shape.is_capitalized() {
            // Nothing to flush, and a lower-case word starts no run, so all
            // the rest comes down to this.
            if after_title {
                after_title = doc.str(t.span) == ","
                    && !(known.covered(t.span) || blocked.covered(t.span) || splitters.covers(t.span));
            }
            continue;
        }
        let stop = known.covered(t.span) || blocked.covered(t.span) || is_title || splitters.covers(t.span);
        let sentence_break = all[start..].last().is_some_and(|&p| tokens[p].sentence != t.sentence);
        if sentence_break {
            flush(&mut all, &mut start, title_before, &mut out);
        }
        if stop {
            flush(&mut all, &mut start, title_before, &mut out);
            after_title = is_title;
            continue;
        }
        // "its former CEO, Minh Tran-Vo": an apposition after a title.
        if after_title && all.len() == start && doc.str(t.span) == "," {
            continue;
        }
        // Most tokens here are capitalized: the word is read only if not.
        let word = || doc.str(t.span);
        let joins = if t.shape.is_capitalized() {
            true
        } else if all.len() == start {
            false
        } else if matches!(word(), "of" | "and" | "&" | "for" | "the" | "de" | "du" | "van" | "von" | "der" | "la" | "le" | "da" | "di") {
            true
        } else if word() == "-" {
            // "Coca-Cola": a hyphen inside a word joins.
            all[start..].last().is_some_and(|&p| tokens[p].span.end == t.span.start)
                && tokens.get(i + 1).is_some_and(|n| n.span.start == t.span.end && n.shape.is_capitalized())
        } else if matches!(word(), "\"" | "\u{201c}" | "\u{201d}" | "\u{ab}" | "\u{bb}") {
            // A nickname inside a name: Kang Min "K.M." Yoon.
            nickname(doc, i, &all[start..])
        } else if word() == "," {
            // "Veltrix Taiwan, Inc." and "John Smith, Jr."
            tokens.get(i + 1).is_some_and(|n| {
                exactly(&cues.suffixes, n.span) || matches!(doc.str(n.span), "Jr." | "Sr." | "II" | "III" | "IV")
            })
        } else {
            false
        };
        if joins {
            if all.len() == start {
                title_before = after_title;
            }
            all.push(i);
        } else {
            flush(&mut all, &mut start, title_before, &mut out);
        }
        after_title = false;
    }
    flush(&mut all, &mut start, title_before, &mut out);
    (all, out)
}

/// True when the quote mark at token `i` opens or closes a nickname between
/// two parts of a name.
fn nickname(doc: &Document<'_>, i: usize, current: &[usize]) -> bool {
    let tokens = &doc.tokens;
    let is_mark = |j: usize| tokens.get(j).is_some_and(|t| matches!(doc.str(t.span), "\"" | "\u{201c}" | "\u{201d}" | "\u{ab}" | "\u{bb}"));
    let cap = |j: usize| tokens.get(j).is_some_and(|t| t.shape.is_capitalized());
    let Some(&prev) = current.last() else { return false };
    if is_mark(prev) {
        return false;
    }
    // Opening: name so far, then "Nick", then more name.
    let opens = cap(i + 1) && (i + 2..i + 5).any(|j| is_mark(j) && cap(j + 1) && (i + 1..j).all(cap));
    // Closing: this mark ends a nickname opened inside the current run.
    let closes = cap(i + 1) && current.iter().any(|&j| is_mark(j));
    opens || closes
}

/// The text of token `t` if it may be a word that joins parts of a name
/// ("and", "or", "of", "for"), else "": those are lower case, so a
/// capitalized token (most in a run) is none of them, and its text is not
/// read.
fn connector<'t>(doc: &Document<'t>, t: &Token) -> &'t str {
    if t.shape.is_capitalized() { "" } else { doc.str(t.span) }
}

fn chunk_span(tokens: &[Token], idx: &[usize]) -> Span {
    Span::new(tokens[idx[0]].span.start, tokens[idx[idx.len() - 1]].span.end)
}

/// Splits a chunk (token indices) where "and" joins two names, and
/// classifies each part into `out`.
fn classify(doc: &Document<'_>, cues: &Cues, idx: &[usize], after_title: bool, out: &mut Vec<Candidate>) {
    let tokens = &doc.tokens;
    let span = chunk_span(tokens, idx);
    // A court or a statute: no party at all.
    if cues.killers.overlaps(span) {
        return;
    }
    let last = idx[idx.len() - 1];
    let capitalized = idx.iter().filter(|&&i| tokens[i].shape.is_capitalized()).count();
    // A lone head word ("the Department") only refers to a named party.
    let ends_org = exactly(&cues.suffixes, tokens[last].span) || (capitalized > 1 && covered(&cues.heads, tokens[last].span));
    let connector = |i: usize| connector(doc, &tokens[i]);
    let head_before_of = idx.windows(2).any(|w| {
        matches!(connector(w[1]), "of" | "for") && covered(&cues.heads, tokens[w[0]].span)
    });
    // "Dale Pruett and Nina Aldana" are two; "Securities and Exchange
    // Commission" and "Department of Housing and Urban Development" are one;
    // "and the" or a legal suffix before "and" always separates two names.
    let and_at = idx.iter().position(|&i| matches!(connector(i), "and" | "or"));
    let separates = and_at.is_some_and(|a| {
        let next_the = idx.get(a + 1).is_some_and(|&i| matches!(doc.str(tokens[i].span), "the" | "The"));
        let suffix_before = a > 0 && exactly(&cues.suffixes, tokens[idx[a - 1]].span);
        next_the || suffix_before
    });
    if ((!ends_org && !head_before_of) || separates)
        && let Some(cut) = and_at {
            let before = out.len();
            for mut part in [&idx[..cut], &idx[cut + 1..]] {
                while let [first, rest @ ..] = part
                    && !tokens[*first].shape.is_capitalized()
                {
                    part = rest;
                }
                while let [rest @ .., last] = part
                    && !tokens[*last].shape.is_capitalized()
                {
                    part = rest;
                }
                if !part.is_empty() {
                    classify(doc, cues, part, after_title && out.len() == before, out);
                }
            }
            return;
        }
    // Whether the sentence's first token is `idx[0]`, or one before it
    // that opens a quote or parenthesis.
    let sentence_start = doc.sentences.get(tokens[idx[0]].sentence).is_some_and(|s| {
        token_at_is(doc, s.start, idx[0])
            || (idx[0] > 0
                && token_at_is(doc, s.start, idx[0] - 1)
                && matches!(doc.str(tokens[idx[0] - 1].span), "\"" | "\u{201c}" | "'" | "\u{2018}" | "("))
    });
    let candidate = |span, evidence| Candidate { span, evidence, sentence_start, after_title, first_token: Some(idx[0]) };
    if idx.iter().all(|&i| !tokens[i].shape.is_capitalized() || exactly(&cues.suffixes, tokens[i].span)) {
        return;
    }
    if exactly(&cues.places, span) || quoted_title(doc, span) {
        return;
    }
    // "R. Carter Vance of the Denver Regional Office": a person, then an
    // organization.
    // "Walker J. Ostby of Bozeman": a person and a home town.
    if let Some(cut) = idx.iter().position(|&i| connector(i) == "of").filter(|&c| c >= 2) {
        let right = chunk_span(tokens, &idx[cut + 1..]);
        let from_place = exactly(&cues.places, right);
        if person_name(doc, cues, &idx[..cut]) || (from_place && name_shaped(doc, &idx[..cut])) {
            out.push(candidate(chunk_span(tokens, &idx[..cut]), Evidence::Person));
            if from_place {
                return;
            }
            let mut right = &idx[cut + 1..];
            while let [first, rest @ ..] = right
                && !tokens[*first].shape.is_capitalized()
            {
                right = rest;
            }
            if !right.is_empty() {
                classify(doc, cues, right, false, out);
            }
            return;
        }
    }
    let evidence = if ends_org || head_before_of {
        Evidence::Org
    } else if person_name(doc, cues, idx)
        || (after_title && (name_shaped(doc, idx) || (idx.len() == 1 && tokens[idx[0]].shape == Shape::Title)))
    {
        Evidence::Person
    } else {
        Evidence::Weak
    };
    out.push(candidate(span, evidence));
}

/// True when the run is all that stands between quote marks: a title of a
/// work or a campaign ("Built to Serve"), not a party.
fn quoted_title(doc: &Document<'_>, span: Span) -> bool {
    let before = doc.text.get(..span.start).and_then(|t| t.chars().next_back());
    let after = doc.text.get(span.end..).and_then(|t| t.chars().next());
    matches!(before, Some('"' | '\u{201c}' | '\u{2018}')) && matches!(after, Some('"' | '\u{201d}' | '\u{2019}'))
}

/// What `person_name` and `name_shaped` ask of a name's words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct NameWords<'d> {
    count: usize,
    first: &'d Token,
    last: &'d Token,
    /// A word between the first and the last is an initial.
    middle_initial: bool,
}

/// The words of a name, leaving out hyphens, a nickname in quotes and the
/// comma before "Jr.": `Kang Min "K.M." Yoon` -> Kang, Min, Yoon. `None`
/// when a word is not name-shaped or there is no word. Runs for every
/// chunk, so it keeps what its callers ask instead of a list.
fn name_words<'d>(doc: &'d Document<'_>, idx: &[usize]) -> Option<NameWords<'d>> {
    let mut words: Option<NameWords<'d>> = None;
    let mut in_quote = false;
    for &i in idx {
        let t = &doc.tokens[i];
        match doc.str(t.span) {
            "\"" | "\u{201c}" | "\u{201d}" | "\u{ab}" | "\u{bb}" => in_quote = !in_quote,
            "-" | "," => {}
            _ if in_quote => {}
            "Jr." | "Sr." | "II" | "III" | "IV" => {}
            _ if matches!(t.shape, Shape::Title | Shape::Initial) => match &mut words {
                None => words = Some(NameWords { count: 1, first: t, last: t, middle_initial: false }),
                Some(w) => {
                    // The last word so far is now a middle one.
                    w.middle_initial |= w.count >= 2 && w.last.shape == Shape::Initial;
                    w.count += 1;
                    w.last = t;
                }
            },
            _ => return None,
        }
    }
    words
}

/// True for two to five name-shaped words.
fn name_shaped(doc: &Document<'_>, idx: &[usize]) -> bool {
    name_words(doc, idx).is_some_and(|w| (2..=5).contains(&w.count))
}

/// True for a run shaped like a person's name with a mark of one: a first
/// name ("Raghav Sahgal"), a leading initial ("B. Allen Kessler"), a middle
/// initial ("Corwin E. Haddad") or a nickname in quotes.
fn person_name(doc: &Document<'_>, cues: &Cues, idx: &[usize]) -> bool {
    let Some(words) = name_words(doc, idx).filter(|w| (2..=5).contains(&w.count)) else { return false };
    let (first, last) = (words.first, words.last);
    // The marks in the order they cost: the shapes at hand, then a search
    // for the first name, then a pass over the words.
    let leading_initial = first.shape == Shape::Initial && words.count >= 3;
    let middle_initial = words.count >= 3 && first.shape == Shape::Title && words.middle_initial;
    // A nickname in quotes marks a person: Wei-Ting "Vince" Okada.
    let nickname = || idx.iter().any(|&i| matches!(doc.str(doc.tokens[i].span), "\"" | "\u{201c}" | "\u{ab}"));
    last.shape == Shape::Title && (leading_initial || middle_initial || exactly(&cues.given, first.span) || nickname())
}

/// A name reduced for comparison: lower case, no possessive, no legal suffix,
/// no leading "the", no punctuation.
#[cfg(test)]
fn key(text: &str) -> String {
    let mut out = String::new();
    push_key(text, &mut out);
    out
}

/// Appends `text`'s key (see `key`) to `out`: this runs for every candidate,
/// so all keys go into one buffer. Its words are never empty and are joined
/// by single spaces, so a key's words can be compared as one string (see
/// `starts_with_words`).
fn push_key(text: &str, out: &mut String) {
    let begin = out.len();
    let mut t = text;
    while let Some(rest) = t.strip_suffix("'s") {
        t = rest;
    }
    while let Some(rest) = t.strip_suffix("\u{2019}s") {
        t = rest;
    }
    // Words lower-cased without periods, one space between them.
    if let Some(spaces) = plain_words(t) {
        out.push_str(t);
        out[begin..].make_ascii_lowercase();
        drop_legal_suffixes(out, begin, spaces);
        return drop_the(out, begin);
    }
    if t.is_ascii() {
        push_ascii_words(t, out);
    } else {
        for w in t.split(|c: char| c.is_whitespace() || c == ',') {
            let w = w.trim_matches(|c: char| !c.is_alphanumeric() && c != '&');
            let mark = out.len();
            if out.len() > begin {
                out.push(' ');
            }
            let word = out.len();
            out.extend(w.chars().flat_map(char::to_lowercase).filter(|&c| c != '.'));
            if out.len() == word {
                out.truncate(mark);
            }
        }
    }
    while let Some(space) = out[begin..].bytes().rposition(|b| b == b' ')
        && legal_suffix(&out[begin + space + 1..])
    {
        out.truncate(begin + space);
    }
    drop_the(out, begin);
}

/// The legal suffixes' part of `push_key` for a key of plain words (see
/// `plain_words`), whose spaces, at `out[begin..]`, are the bits of
/// `spaces`: the last one is found without a search.
fn drop_legal_suffixes(out: &mut String, begin: usize, mut spaces: u64) {
    while spaces != 0 {
        let space = (u64::BITS - 1 - spaces.leading_zeros()) as usize;
        if !legal_suffix(&out[begin + space + 1..]) {
            break;
        }
        out.truncate(begin + space);
        spaces ^= 1 << space;
    }
}

/// Drops a leading "the " from the key at `out[begin..]`.
fn drop_the(out: &mut String, begin: usize) {
    if out[begin..].starts_with("the ") {
        out.drain(begin..begin + 4);
    }
}

/// A key's last word that is only a legal form ("inc", "gmbh").
fn legal_suffix(word: &str) -> bool {
    matches!(
        word,
        "inc" | "corp" | "corporation" | "co" | "ltd" | "llc" | "plc" | "lp" | "llp" | "ag" | "sa" | "nv" | "bv"
            | "gmbh" | "se" | "limited" | "incorporated" | "ab" | "oyj" | "asa" | "spa" | "pty"
    )
}

/// True for text that is its own key words but for case: ASCII letters
/// and digits in words between single spaces, as most names are. It is
/// classified a block at once, which costs less than `push_ascii_words`'
/// look at each byte. The spaces, one bit each, when it is.
fn plain_words(t: &str) -> Option<u64> {
    let bytes = t.as_bytes();
    if bytes.is_empty() || bytes.len() > BLOCK {
        return None;
    }
    let classes = Classes::at(bytes, 0);
    let text = u64::MAX >> (BLOCK - bytes.len());
    let plain = (classes.alphanumeric | classes.space) & text == text && single_spaced(&classes, bytes.len());
    plain.then_some(classes.space & text)
}

/// True when the first `len` bytes (1 to a block) that `classes`
/// describes have no space at either end or next to another.
fn single_spaced(classes: &Classes, len: usize) -> bool {
    let space = classes.space & u64::MAX >> (BLOCK - len);
    let ends = 1 | 1 << (len - 1);
    space & (space << 1 | ends) == 0
}

/// What `push_ascii_words` makes of a byte: it splits words (ASCII
/// whitespace as `char::is_whitespace` has it, with the vertical tab, and
/// the comma), a word keeps it at its ends (ASCII letters and digits as
/// `char::is_alphanumeric`, and `&`), or neither.
const KEY_BYTES: [u8; 256] = {
    let mut table = [0; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        table[b] = match byte {
            b'\t'..=b'\r' | b' ' | b',' => SPLITS,
            _ if byte.is_ascii_alphanumeric() || byte == b'&' => KEEPS,
            _ => 0,
        };
        b += 1;
    }
    table
};
const SPLITS: u8 = 1;
const KEEPS: u8 = 2;

/// The words part of `push_key` for ASCII text, a byte at a time: each run
/// between splitting bytes, trimmed to its first and last kept byte,
/// lower-cased, without periods.
fn push_ascii_words(t: &str, out: &mut String) {
    let bytes = t.as_bytes();
    let first = out.len();
    let mut i = 0;
    while i < bytes.len() {
        if KEY_BYTES[usize::from(bytes[i])] != KEEPS {
            i += 1;
            continue;
        }
        let (start, mut last, mut dot) = (i, i, false);
        while let Some(&b) = bytes.get(i)
            && KEY_BYTES[usize::from(b)] != SPLITS
        {
            if KEY_BYTES[usize::from(b)] == KEEPS {
                last = i;
            }
            dot |= b == b'.';
            i += 1;
        }
        if out.len() > first {
            out.push(' ');
        }
        // Starts and ends with a kept byte, never a period: not empty.
        let word = out.len();
        let w = &t[start..=last];
        if dot {
            out.extend(w.chars().filter(|&c| c != '.'));
        } else {
            out.push_str(w);
        }
        out[word..].make_ascii_lowercase();
    }
}

/// A key's first word.
fn first_word(k: &str) -> &str {
    k.bytes().position(|b| b == b' ').map_or(k, |space| &k[..space])
}

/// A key's last word.
fn last_word(k: &str) -> &str {
    k.bytes().rposition(|b| b == b' ').map_or(k, |space| &k[space + 1..])
}

/// True for a key of more than one word.
fn several_words(k: &str) -> bool {
    k.as_bytes().contains(&b' ')
}

/// True when key `k`'s words begin key `long`, which has more of them.
fn starts_with_words(long: &str, k: &str) -> bool {
    long.len() > k.len() && long.starts_with(k) && long.as_bytes()[k.len()] == b' '
}

/// True when key `k`'s words end key `long`, which has more of them.
fn ends_with_words(long: &str, k: &str) -> bool {
    long.len() > k.len() && long.ends_with(k) && long.as_bytes()[long.len() - k.len() - 1] == b' '
}

/// Initials of a name's capitalized words: "Securities and Exchange
/// Commission" -> "SEC".
#[cfg(test)]
fn initials(name: &str) -> String {
    let mut out = String::new();
    initials_into(name, &mut out);
    out
}

/// Writes `name`'s initials (see `initials`) into `out`, replacing what was
/// there.
fn initials_into(name: &str, out: &mut String) {
    out.clear();
    if name.is_ascii() {
        // ASCII whitespace as `char::is_whitespace` has it.
        let mut after_space = true;
        for b in name.bytes() {
            if after_space && b.is_ascii_uppercase() {
                out.push(char::from(b));
            }
            after_space = matches!(b, b'\t'..=b'\r' | b' ');
        }
    } else {
        out.extend(name.split_whitespace().filter_map(|w| w.chars().next()).filter(|c| c.is_uppercase()));
    }
}

struct Entity<'a> {
    kind: Kind,
    known: Option<String>,
    org_kind: Option<String>,
    /// Two runs in text order, `mentions[..split]` and `mentions[split..]`
    /// (see `mention`), to find the latest mention before a point.
    mentions: Vec<Mention>,
    split: usize,
    keys: Keys<'a>,
}

/// An entity's keys (see `Index::add`); the first is kept inline, as most
/// entities have one or two.
#[derive(Default)]
struct Keys<'a> {
    /// Empty until the first key comes: a key is never empty.
    first: &'a str,
    rest: Vec<&'a str>,
}

impl<'a> Keys<'a> {
    fn contains(&self, k: &str) -> bool {
        self.first == k || self.rest.contains(&k)
    }

    fn push(&mut self, k: &'a str) {
        if self.first.is_empty() {
            self.first = k;
        } else {
            self.rest.push(k);
        }
    }

    fn iter(&self) -> impl Iterator<Item = &'a str> + '_ {
        std::iter::once(self.first).filter(|k| !k.is_empty()).chain(self.rest.iter().copied())
    }
}

impl<'a> Entity<'a> {
    fn new(kind: Kind, known: Option<String>, org_kind: Option<String>) -> Entity<'a> {
        Entity { kind, known, org_kind, mentions: Vec::new(), split: 0, keys: Keys::default() }
    }

    /// Candidates come in text order, strong ones first and then weak ones,
    /// so an entity's mentions are two runs in text order: the first mention
    /// out of order starts the second run, and one out of order in that run
    /// (never expected) is inserted in place. Their order shows nowhere
    /// else: `finish` sorts them.
    fn mention(&mut self, m: Mention) {
        let run = &self.mentions[self.split..];
        if run.last().is_none_or(|l| l.span.start <= m.span.start) {
            self.mentions.push(m);
        } else if self.split == 0 {
            self.split = self.mentions.len();
            self.mentions.push(m);
        } else {
            let i = self.split + run.partition_point(|x| x.span.start <= m.span.start);
            self.mentions.insert(i, m);
        }
    }

    /// The latest start of a mention before `point`; only while mentions
    /// come through `mention`.
    fn latest_before(&self, point: usize) -> Option<usize> {
        let last = |run: &[Mention]| run[..run.partition_point(|m| m.span.start < point)].last().map(|m| m.span.start);
        last(&self.mentions[..self.split]).max(last(&self.mentions[self.split..]))
    }
}

/// Entities filed under one name, in the order they were filed; the first
/// is kept inline, as most names name one. An entity may be filed twice
/// (see [`Ids::push`]).
struct Ids {
    first: usize,
    rest: Vec<usize>,
}

impl Ids {
    fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        std::iter::once(self.first).chain(self.rest.iter().copied())
    }

    /// Files `e`, unless it was the last filed. Every lookup takes the
    /// first entity filed that fits, or the greatest or latest mentioned,
    /// and a later repeat changes none of these; looking for `e` among all
    /// the entities filed under a common word ("holdings") made filing
    /// quadratic in the number of organizations.
    fn push(&mut self, e: usize) {
        if self.rest.last().copied().unwrap_or(self.first) != e {
            self.rest.push(e);
        }
    }
}

type Map<K, V> = HashMap<K, V, BuildKeys>;
type Set<K> = HashSet<K, BuildKeys>;

/// Lookups from names and their words to entities, kept up to date as
/// entities gain names, so that joining a mention never scans every entity.
/// Only looked up, never iterated: the hash order never shows. Keys and
/// words borrow from the keys written once for all candidates (`cluster`).
#[derive(Default)]
struct Index<'a> {
    by_key: Map<&'a str, Ids>,
    by_rule_id: Map<&'a str, usize>,
    /// First word of an organization's multi-word name.
    by_first: Map<&'a str, Ids>,
    /// Last word of a person's multi-word name.
    by_last: Map<&'a str, Ids>,
    /// Every word of an organization's name ("the Commission"), filed
    /// from `unfiled` when first asked (see `words_filed`).
    by_word: Map<&'a str, Ids>,
    /// Organizations' keys not yet filed in `by_word`, in the order they
    /// came: few articles look up a word at all, and filing every word of
    /// every name cost more than all the lookups.
    unfiled: Vec<(usize, &'a str)>,
    /// Initials of an organization's name as written ("SEC") that some
    /// candidate is written as (`asked_initials`): most initials are asked
    /// for by no one, and a map of all cost more than all the lookups.
    by_initials: Map<&'a str, Ids>,
    /// The texts that weak candidates may look up in `by_initials`.
    asked_initials: Set<&'a str>,
    /// A buffer for initials.
    scratch: String,
}

/// Files entity `e` under `key` in `map`.
fn file<'a>(map: &mut Map<&'a str, Ids>, key: &'a str, e: usize) {
    map.entry(key).and_modify(|ids| ids.push(e)).or_insert(Ids { first: e, rest: Vec::new() });
}

impl<'a> Index<'a> {
    /// Records that entity `e` is named `k` (written `text`).
    fn add(&mut self, entities: &mut [Entity<'a>], e: usize, k: &'a str, text: &str) {
        if entities[e].keys.contains(k) {
            return;
        }
        entities[e].keys.push(k);
        file(&mut self.by_key, k, e);
        let several = several_words(k);
        match entities[e].kind {
            Kind::Organization => {
                if several {
                    file(&mut self.by_first, first_word(k), e);
                }
                self.unfiled.push((e, k));
                if !self.asked_initials.is_empty() {
                    initials_into(text, &mut self.scratch);
                    if self.scratch.chars().nth(1).is_some()
                        && let Some(&initials) = self.asked_initials.get(self.scratch.as_str())
                    {
                        file(&mut self.by_initials, initials, e);
                    }
                }
            }
            Kind::Person => {
                if several {
                    file(&mut self.by_last, last_word(k), e);
                }
            }
        }
    }

    /// `by_word`, with every organization's key filed so far: the words
    /// of each waiting key are filed in the order the keys came, as if
    /// filed when they came.
    fn words_filed(&mut self) -> &Map<&'a str, Ids> {
        for (e, k) in self.unfiled.drain(..) {
            for w in k.split(' ') {
                file(&mut self.by_word, w, e);
            }
        }
        &self.by_word
    }

    /// The entities filed under `key` in `map`.
    fn get<'m>(map: &'m Map<&str, Ids>, key: &str) -> impl Iterator<Item = usize> + 'm {
        map.get(key).into_iter().flat_map(Ids::iter)
    }

    /// Organizations whose name starts with key `k`'s words and goes on.
    fn org_prefixed<'s>(&'s self, entities: &'s [Entity<'a>], k: &'s str) -> impl Iterator<Item = usize> + 's {
        Index::get(&self.by_first, first_word(k)).filter(move |&e| entities[e].keys.iter().any(|ek| starts_with_words(ek, k)))
    }

    /// People whose name ends with key `k`'s words and is longer.
    fn person_ending<'s>(&'s self, entities: &'s [Entity<'a>], k: &'s str) -> impl Iterator<Item = usize> + 's {
        Index::get(&self.by_last, last_word(k)).filter(move |&e| entities[e].keys.iter().any(|ek| ends_with_words(ek, k)))
    }
}

/// A map with room for `room` entries: growing one rehashes it.
fn with_room<K, V>(room: usize) -> Map<K, V> {
    Map::with_capacity_and_hasher(room, BuildKeys::default())
}

/// The range of `text`'s key in `all_keys`, written there the first time
/// the text comes: most names come more than once.
fn key_range<'t>(written: &mut Map<&'t str, Range<usize>>, all_keys: &mut String, text: &'t str) -> Range<usize> {
    let range = written.entry(text).or_insert_with(|| {
        let start = all_keys.len();
        push_key(text, all_keys);
        start..all_keys.len()
    });
    range.clone()
}

/// Groups candidates into parties: strong ones first make or join entities,
/// then weak ones join an entity or are dropped.
fn cluster(doc: &Document<'_>, rules: &RuleSet, cues: &Cues, candidates: [&[Candidate]; 2]) -> Parties {
    // Every candidate's key, and the key of a known organization's name,
    // written into one string that the index borrows from: the index files
    // many words, and a String for each cost more than the rest of
    // clustering. A candidate without a key is dropped.
    let count = candidates[0].len() + candidates[1].len();
    let mut all_keys = String::with_capacity(candidates.iter().flat_map(|list| list.iter()).map(|c| c.span.len()).sum());
    let mut written = with_room(count);
    let mut keyed = Vec::with_capacity(count);
    for c in in_order(candidates[0], candidates[1]) {
        let key = key_range(&mut written, &mut all_keys, doc.str(c.span));
        if key.is_empty() {
            continue;
        }
        let name = match c.evidence {
            // Often the name as written: its key is the one just found.
            Evidence::Known(r) => rules.rules[r].name.as_deref().map(|name| {
                if name == doc.str(c.span) { key.clone() } else { key_range(&mut written, &mut all_keys, name) }
            }),
            _ => None,
        };
        keyed.push((c, key, name));
    }
    let all_keys = all_keys.as_str();
    // The texts weak candidates can look up by initials (see `join`) and
    // find: acronyms of capitals only, as initials are.
    let asked_initials: Set<&str> = keyed
        .iter()
        .filter(|(c, _, _)| c.evidence == Evidence::Weak)
        .map(|(c, _, _)| doc.str(c.span))
        .filter(|text| text.len() >= 2 && text.chars().all(char::is_uppercase))
        .collect();
    // Room for a name or two a candidate: growing the maps rehashes them,
    // and growing the lists copies them. Words are filed only if asked
    // for, and only asked initials at all.
    let room = keyed.len();
    let mut entities: Vec<Entity<'_>> = Vec::with_capacity(room);
    let mut index = Index {
        by_key: with_room(room),
        by_rule_id: with_room(room),
        by_first: with_room(room),
        by_last: with_room(room),
        by_word: Map::default(),
        unfiled: Vec::with_capacity(room),
        by_initials: with_room(asked_initials.len()),
        asked_initials,
        scratch: String::new(),
    };
    let mut weak = Vec::with_capacity(room);
    let mut plural = String::new();
    for (c, key, name_key) in keyed {
        let k = &all_keys[key];
        let text = doc.str(c.span);
        let (kind, known) = match c.evidence {
            Evidence::Known(rule) => (Kind::Organization, Some(rule)),
            Evidence::Org | Evidence::Government => (Kind::Organization, None),
            Evidence::Person => {
                // "Milo Brandt" after "Milo Brandt Company", "Mr. Dunleavy"
                // after "Owen P. Dunleavy": an entity already named.
                // "Dunmore Food" names "Dunmore Foods".
                plural.clear();
                plural.push_str(k);
                plural.push('s');
                let plural_orgs = Index::get(&index.by_key, &plural).filter(|&e| entities[e].kind == Kind::Organization);
                // "Mr. Dunleavy", "Judge St. Claire": a surname of someone named.
                let short = k.bytes().filter(|&b| b == b' ').count() <= 1;
                let people = short.then(|| index.person_ending(&entities, k)).into_iter().flatten();
                if let Some(i) = index.org_prefixed(&entities, k).chain(plural_orgs).chain(people).max() {
                    entities[i].mention(Mention { span: c.span, rule: None });
                    continue;
                }
                (Kind::Person, None)
            }
            Evidence::Weak => {
                weak.push((c, k));
                continue;
            }
        };
        // Lines of one id name one organization only when the id names it
        // (`name`); a pattern rule ("the state of X") finds many.
        let rule_id = known.filter(|r| rules.rules[*r].name.is_some()).map(|r| rules.rules[r].id.as_str());
        let name = known.and_then(|r| rules.rules[r].name.as_deref());
        let name_key = name_key.map(|range| &all_keys[range]);
        let same_person = || {
            let (first, last) = (first_word(k), last_word(k));
            let found = Index::get(&index.by_last, last).find(|&e| {
                entities[e].keys.iter().any(|w| several_words(w) && first_word(w) == first && last_word(w) == last)
            });
            found.filter(|_| several_words(k))
        };
        let by_rule_id = rule_id.and_then(|id| index.by_rule_id.get(id).copied());
        let existing = by_rule_id
            .or_else(|| Index::get(&index.by_key, k).find(|&e| entities[e].kind == kind))
            // Lines naming one entity ("id" of spaCy lines, `name` of ours).
            .or_else(|| name_key.and_then(|nk| Index::get(&index.by_key, nk).find(|&e| entities[e].kind == kind)))
            .or_else(|| if kind == Kind::Person { same_person() } else { None });
        let e = match existing {
            Some(i) => i,
            None => {
                let org_kind = known
                    .and_then(|r| rules.rules[r].attr("kind").map(String::from))
                    .or_else(|| (c.evidence == Evidence::Government).then(|| "government".to_string()));
                entities.push(Entity::new(kind, name.map(String::from), org_kind));
                entities.len() - 1
            }
        };
        entities[e].mention(Mention { span: c.span, rule: known });
        index.add(&mut entities, e, k, text);
        if let (Some(name), Some(name_key)) = (name, name_key) {
            index.add(&mut entities, e, name_key, name);
        }
        if let Some(id) = rule_id
            && by_rule_id.is_none()
        {
            index.by_rule_id.insert(id, e);
        }
    }
    let acronyms = acronym_definitions(doc, &entities);
    // Organizations named so far, to find a name listed with them.
    let mut organizations: Vec<Span> = Vec::with_capacity(mention_count(&entities));
    organizations.extend(
        entities.iter().filter(|e| e.kind == Kind::Organization).flat_map(|e| e.mentions.iter().map(|m| m.span)),
    );
    organizations.sort_unstable();
    for (c, k) in weak {
        if let Some(i) = join(doc, cues, &entities, &mut index, &acronyms, &c, k, &mut plural) {
            entities[i].mention(Mention { span: c.span, rule: None });
        } else if listed_with(doc, &organizations, &c) {
            // "Acme Paints Ltd., Corvane Chemical and Ostrava": a name listed
            // with organizations is one too.
            let mut entity = Entity::new(Kind::Organization, None, None);
            entity.mention(Mention { span: c.span, rule: None });
            entities.push(entity);
            let e = entities.len() - 1;
            index.add(&mut entities, e, k, doc.str(c.span));
        } else if let Some(person) = person_by_context(doc, cues, &c) {
            let mut entity = Entity::new(Kind::Person, None, None);
            entity.mention(Mention { span: person, rule: None });
            entities.push(entity);
            let e = entities.len() - 1;
            // `person` is the candidate's span: its key is `k`.
            index.add(&mut entities, e, k, doc.str(person));
        }
    }
    merge_aliases(doc, &mut entities);
    finish(doc, entities)
}

/// True when a weak run of one to three capitalized words stands in a list
/// with an organization right before or after it: "Acme Inc., Beta and
/// Gamma", "Gamma and Acme Inc.".
fn listed_with(doc: &Document<'_>, organizations: &[Span], c: &Candidate) -> bool {
    let text = doc.str(c.span);
    if c.sentence_start || c.after_title || text.ends_with('.') {
        return false;
    }
    // A comma alone links an apposition, an address or a docket number as
    // often as a list item: only "and"/"or" will do.
    let link = |gap: &str| matches!(gap, " and " | ", and " | " or " | ", or ");
    let i = organizations.partition_point(|s| s.end <= c.span.start);
    let before = i.checked_sub(1).and_then(|j| organizations.get(j)).and_then(|s| doc.text.get(s.end..c.span.start));
    let after = organizations.get(i).filter(|s| s.start >= c.span.end).and_then(|s| doc.text.get(c.span.end..s.start));
    // The words last: reading them costs most, and few runs are linked.
    (before.is_some_and(link) || after.is_some_and(link))
        && text.split_whitespace().count() <= 3
        && text.split_whitespace().all(|w| w.starts_with(char::is_uppercase))
}

/// How many mentions the entities have: lists of them are made with room
/// for all, as growing one costs more than filling it.
fn mention_count(entities: &[Entity<'_>]) -> usize {
    entities.iter().map(|e| e.mentions.len()).sum()
}

/// Words that join two names of one party (SPEC: one party with aliases).
const ALIAS_LINKS: [&str; 7] =
    ["f/k/a ", "a/k/a ", "d/b/a ", "formerly known as ", "also known as ", "doing business as ", "now known as "];

/// Merges entities whose names are joined by "f/k/a", "doing business as"
/// and the like ("Halden-Marsh Company doing business as Corvane", "Dean
/// Voss (formerly known as Dean Carrow)") into the first.
fn merge_aliases(doc: &Document<'_>, entities: &mut [Entity<'_>]) {
    // A merge needs a link right after a mention, and few articles have
    // one: looking after each mention costs less than sorting them all.
    if !entities.iter().any(|e| e.mentions.iter().any(|m| link_follows(doc, m.span))) {
        return;
    }
    let mut mentions: Vec<(Span, usize)> = Vec::with_capacity(mention_count(entities));
    mentions.extend(entities.iter().enumerate().flat_map(|(e, x)| x.mentions.iter().map(move |m| (m.span, e))));
    mentions.sort_unstable();
    for pair in mentions.windows(2) {
        let ((a, ea), (b, eb)) = (pair[0], pair[1]);
        if ea == eb || entities[ea].kind != entities[eb].kind {
            continue;
        }
        let gap = before_link(doc.text.get(a.end..b.start).unwrap_or(""));
        let link = |l: &str| {
            starts_with_link(gap, l)
                && gap.get(l.len()..).is_some_and(|rest| rest.is_empty() || rest.eq_ignore_ascii_case("the "))
        };
        if gap.len() <= 24 && ALIAS_LINKS.iter().any(|l| link(l)) {
            let moved = std::mem::take(&mut entities[eb].mentions);
            entities[ea].mentions.extend(moved);
        }
    }
}

/// `text` without the commas, spaces and parentheses before a link:
/// `trim_start_matches([',', ' ', '('])` a byte at a time, as ASCII bytes
/// are whole characters.
fn before_link(text: &str) -> &str {
    &text[text.bytes().take_while(|b| matches!(b, b',' | b' ' | b'(')).count()..]
}

/// True when `text` starts with alias link `l`, in any case.
fn starts_with_link(text: &str, l: &str) -> bool {
    text.get(..l.len()).is_some_and(|g| g.eq_ignore_ascii_case(l))
}

/// True when an alias link follows `span` (see `merge_aliases`).
fn link_follows(doc: &Document<'_>, span: Span) -> bool {
    let after = before_link(doc.text.get(span.end..).unwrap_or(""));
    // Most text has no link's first letter next: a byte turns it away.
    let Some(first) = after.as_bytes().first().map(u8::to_ascii_lowercase) else { return false };
    ALIAS_LINKS.iter().any(|l| l.as_bytes()[0] == first && starts_with_link(after, l))
}

/// Acronyms defined right after a name: "Amazon Web Services' (AWS)",
/// "Talbot Reyes, Inc. (\"TRII\")".
fn acronym_definitions(doc: &Document<'_>, entities: &[Entity<'_>]) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for (e, entity) in entities.iter().enumerate() {
        for m in &entity.mentions {
            let mut i = doc.token_at(m.span.end);
            let word = |i: usize| doc.tokens.get(i).map_or("", |t| doc.str(t.span));
            if matches!(word(i), "'" | "\u{2019}" | "'s" | "\u{2019}s") {
                i += 1;
            }
            if word(i) != "(" {
                continue;
            }
            i += 1;
            let quoted = matches!(word(i), "\"" | "\u{201c}");
            if quoted {
                i += 1;
            }
            let Some(t) = doc.tokens.get(i) else { continue };
            let close = word(i + 1 + usize::from(quoted));
            if t.shape == Shape::Upper && close == ")" {
                out.entry(word(i).to_string()).or_insert(e);
            }
        }
    }
    out
}

/// The entity a weak candidate (a lone word, an unclassified run) names;
/// `k` is its key, `plural` a buffer.
#[allow(clippy::too_many_arguments)]
fn join(
    doc: &Document<'_>,
    cues: &Cues,
    entities: &[Entity<'_>],
    index: &mut Index<'_>,
    acronyms: &BTreeMap<String, usize>,
    c: &Candidate,
    k: &str,
    plural: &mut String,
) -> Option<usize> {
    let text = doc.str(c.span);
    if let Some(&e) = acronyms.get(text) {
        return Some(e);
    }
    // The entity mentioned most recently before; among ties, the earliest.
    let pick = |found: &mut dyn Iterator<Item = usize>| -> Option<usize> {
        found.max_by_key(|&e| (entities[e].latest_before(c.span.start), std::cmp::Reverse(e)))
    };
    // "Dunmore Food" names "Dunmore Foods".
    plural.clear();
    plural.push_str(k);
    plural.push('s');
    if let Some(e) = pick(&mut Index::get(&index.by_key, k).chain(Index::get(&index.by_key, plural))) {
        return Some(e);
    }
    let one_word = !several_words(k);
    // "the Commission": a head word after "the" names the latest
    // organization whose name has it.
    let i = c.first_token.filter(|&i| token_at_is(doc, c.span.start, i)).unwrap_or_else(|| doc.token_at(c.span.start));
    let after_the = i > 0 && doc.tokens.get(i - 1).is_some_and(|t| matches!(doc.str(t.span), "the" | "The"));
    if one_word && after_the && covered(&cues.heads, c.span) {
        return pick(&mut Index::get(index.words_filed(), k));
    }
    let person = pick(&mut index.person_ending(entities, k));
    // A lone surname is the person's, not the firm's that starts with it
    // ("Tobias Renner of Renner Falk LLP ... Renner said").
    if one_word && person.is_some() {
        return person;
    }
    let orgs = (!GENERIC_FIRST.contains(&first_word(k))).then(|| index.org_prefixed(entities, k)).into_iter().flatten();
    let acronym = (text.len() >= 2 && text.chars().all(|ch| !ch.is_lowercase())).then(|| Index::get(&index.by_initials, text));
    pick(&mut person.into_iter().chain(orgs).chain(acronym.into_iter().flatten()))
}

/// First words too generic to name an organization alone ("United").
const GENERIC_FIRST: [&str; 14] =
    ["united", "national", "american", "first", "general", "international", "global", "federal", "new", "north", "south", "east", "west", "central"];

/// A run with no cue is a person when its context says so: a title before,
/// "said" right before or after, or an age apposition (", 45,").
fn person_by_context(doc: &Document<'_>, cues: &Cues, c: &Candidate) -> Option<Span> {
    let after_title = c.after_title && !c.sentence_start;
    // The context first: few runs have one, and reading it costs less than
    // reading the words.
    if !after_title && !person_context(doc, c.span) {
        return None;
    }
    let text = doc.str(c.span);
    // One pass: `words` counts them all unless one is not titled, when
    // nothing else matters.
    let mut words = 0;
    let titled = text.split_whitespace().all(|w| {
        words += 1;
        w.chars().next().is_some_and(char::is_uppercase) && w.chars().skip(1).all(|ch| !ch.is_uppercase() || ch == '.')
    });
    if !titled || exactly(&cues.places, c.span) || words > 4 {
        return None;
    }
    (after_title || words >= 2).then_some(c.span)
}

/// True when the text around a run says it names a person: "said" right
/// before or after, or an age or a role in apposition.
fn person_context(doc: &Document<'_>, span: Span) -> bool {
    let before = doc.text.get(..span.start).unwrap_or("").trim_end();
    let after = doc.text.get(span.end..).unwrap_or("");
    let said_before = before.ends_with(" said") || before.ends_with(" says");
    let said_after = after.starts_with(" said") || after.starts_with(" says") || after.starts_with(" told");
    let age = {
        let a = after.strip_prefix(", ").unwrap_or("");
        let digits = a.chars().take_while(char::is_ascii_digit).count();
        (2..=3).contains(&digits) && a[digits..].starts_with(',')
    };
    said_before || said_after || age || role_apposition(after)
}

/// Nouns of a person's role: ", a former officer of", ", the company's
/// founder".
const ROLES: [&str; 30] = [
    "officer", "executive", "employee", "director", "president", "founder", "co-founder", "partner", "attorney",
    "lawyer", "consultant", "trader", "broker", "manager", "owner", "resident", "citizen", "member", "analyst",
    "accountant", "engineer", "principal", "chairman", "chairwoman", "spokesman", "spokeswoman", "spokesperson",
    "salesman", "investor", "adviser",
];

/// True when the text after a name is an apposition naming a person's role:
/// ", a former officer and director of Brennick Health".
fn role_apposition(after: &str) -> bool {
    let Some(rest) = after.strip_prefix(", ") else { return false };
    let mut words = rest.split_whitespace();
    if !matches!(words.next(), Some("a" | "an" | "the" | "its" | "his" | "her" | "their")) {
        return false;
    }
    words.take(4).map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-').to_lowercase()).any(|w| ROLES.contains(&w.as_str()))
}

/// A name without a nickname in quotes: `Kang Min "K.M." Yoon` ->
/// `Kang Min Yoon`.
fn without_nickname(name: &str) -> Cow<'_, str> {
    let quote = |c: char| matches!(c, '"' | '\u{201c}' | '\u{201d}' | '\u{ab}' | '\u{bb}');
    // No quote mark, no whitespace but single spaces between words: as is.
    let mut after_space = true;
    let plain = if name.is_ascii() {
        name.bytes().all(|b| {
            let ok = b != b'"' && if b == b' ' { !after_space } else { !matches!(b, b'\t'..=b'\r') };
            after_space = b == b' ';
            ok
        })
    } else {
        name.chars().all(|c| {
            let ok = !quote(c) && if c == ' ' { !after_space } else { !c.is_whitespace() };
            after_space = c == ' ';
            ok
        })
    } && !after_space;
    if plain || name.is_empty() {
        return Cow::Borrowed(name);
    }
    let mut out = String::new();
    let mut in_quote = false;
    for c in name.chars() {
        match c {
            c if quote(c) => in_quote = !in_quote,
            _ if !in_quote => out.push(c),
            _ => {}
        }
    }
    Cow::Owned(out.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// True when `name`, the text at byte `at` of `text`, is plain as
/// `without_nickname` has it (no quote mark, no whitespace but single
/// spaces between words) and ASCII, at most a block long: most names.
/// The block is classified where it lies in `text`, which costs less than
/// `without_nickname`'s look at each byte, and less than copying the name
/// to a block of its own.
fn plain_name(text: &str, at: usize, name: &str) -> bool {
    let len = name.len();
    if len == 0 || len > BLOCK {
        return false;
    }
    let classes = Classes::at(text.as_bytes(), at);
    let bytes = u64::MAX >> (BLOCK - len);
    if classes.ascii & bytes != bytes || !single_spaced(&classes, len) {
        return false;
    }
    // What is neither a letter, a digit nor a space: a few bytes a name.
    let mut others = bytes & !(classes.alphanumeric | classes.space);
    while others != 0 {
        if matches!(name.as_bytes()[others.trailing_zeros() as usize], b'"' | b'\t'..=b'\r') {
            return false;
        }
        others &= others - 1;
    }
    true
}

/// Orders entities by first mention, names each by its fullest mention and
/// builds the mention index.
fn finish(doc: &Document<'_>, entities: Vec<Entity<'_>>) -> Parties {
    // A mention's name: no possessive, no nickname.
    let form = |m: &Mention| {
        let mut t = doc.str(m.span);
        while let Some(rest) = t.strip_suffix("'s") {
            t = rest;
        }
        let t = t.trim_end_matches('\u{2019}');
        if plain_name(doc.text, m.span.start, t) { Cow::Borrowed(t) } else { without_nickname(t) }
    };
    let mut list: Vec<Party> = entities
        .into_iter()
        .filter(|e| !e.mentions.is_empty())
        .map(|mut e| {
            e.mentions.sort_unstable();
            e.mentions.dedup_by_key(|m| m.span);
            // The fullest proper name used in the article (SPEC): the longest
            // capitalized mention, the first in alphabetical order among the
            // longest; a known organization's canonical name only when the
            // article names it in lower case alone.
            let mut longest: Option<Cow<'_, str>> = None;
            // The mention `longest` is the form of: one written the same way
            // has the same form, which is not longer.
            let mut longest_text = "";
            for m in &e.mentions {
                // A form is never longer than its mention.
                if longest.as_ref().is_some_and(|l| m.span.len() < l.len()) || doc.str(m.span) == longest_text {
                    continue;
                }
                let f = form(m);
                let proper = f.chars().next().is_some_and(char::is_uppercase);
                let longer = |l: &Cow<'_, str>| (f.len(), std::cmp::Reverse(f.as_ref())) > (l.len(), std::cmp::Reverse(l.as_ref()));
                if proper && longest.as_ref().is_none_or(longer) {
                    longest = Some(f);
                    longest_text = doc.str(m.span);
                }
            }
            let name = match (longest, &e.known) {
                (Some(l), _) => l.into_owned(),
                (None, Some(k)) => k.clone(),
                (None, None) => form(&e.mentions[0]).into_owned(),
            };
            Party { name, kind: e.kind, mentions: e.mentions, org_kind: e.org_kind }
        })
        .collect();
    list.sort_by_key(|p| p.mentions[0].span.start);
    // Mentions in parentheses ("(Reuters)", "(AWS)") are asides: they name
    // no speaker and no side of an action, so the index leaves them out.
    let aside = |s: Span| {
        doc.text.get(..s.start).is_some_and(|t| t.ends_with('(')) && doc.text.get(s.end..).is_some_and(|t| t.starts_with(')'))
    };
    let mut mentions: Vec<(Span, usize)> = Vec::with_capacity(list.iter().map(|p| p.mentions.len()).sum());
    mentions.extend(
        list.iter().enumerate().flat_map(|(i, p)| p.mentions.iter().map(move |m| (m.span, i))).filter(|(s, _)| !aside(*s)),
    );
    mentions.sort_unstable();
    Parties { list, mentions }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Abbreviations;
    use proptest::prelude::*;

    /// Sorted mention starts as first kept: two runs of their own, each
    /// appended to, a start out of order inserted in place.
    #[derive(Default)]
    struct Starts {
        runs: [Vec<usize>; 2],
    }

    impl Starts {
        fn insert(&mut self, start: usize) {
            let run = if self.runs[0].last().is_none_or(|&l| l <= start) { &mut self.runs[0] } else { &mut self.runs[1] };
            if run.last().is_none_or(|&l| l <= start) {
                run.push(start);
            } else {
                let i = run.partition_point(|&s| s <= start);
                run.insert(i, start);
            }
        }

        fn before(&self, point: usize) -> Option<usize> {
            let last = |run: &Vec<usize>| run[..run.partition_point(|&s| s < point)].last().copied();
            last(&self.runs[0]).max(last(&self.runs[1]))
        }
    }

    /// Mention starts as clustering makes them, two runs in text order,
    /// or in any order.
    fn mention_starts() -> impl Strategy<Value = Vec<usize>> {
        let runs = (proptest::collection::vec(0..60usize, 0..20), proptest::collection::vec(0..60usize, 0..20))
            .prop_map(|(mut a, mut b)| {
                a.sort_unstable();
                b.sort_unstable();
                a.extend(b);
                a
            });
        prop_oneof![runs, proptest::collection::vec(0..60usize, 0..30)]
    }

    /// Candidates at spans from a start and a length, told apart by
    /// `first_token`, their place in the list.
    fn candidates_at(spans: &[(usize, usize)], first: usize) -> Vec<Candidate> {
        let candidate = |(i, &(start, len)): (usize, &(usize, usize))| Candidate {
            span: Span::new(start, start + len),
            evidence: Evidence::Weak,
            sentence_start: false,
            after_title: false,
            first_token: Some(first + i),
        };
        spans.iter().enumerate().map(candidate).collect()
    }

    proptest! {
        /// Merging two lists sorted apart orders them as a stable sort of
        /// both, ties too.
        #[test]
        fn parties_in_order_matches_a_stable_sort(
            first in proptest::collection::vec((0..12usize, 1..4usize), 0..12),
            second in proptest::collection::vec((0..12usize, 1..4usize), 0..24),
        ) {
            let (mut first, mut second) = (candidates_at(&first, 0), candidates_at(&second, first.len()));
            let mut expected: Vec<Candidate> = first.iter().chain(&second).copied().collect();
            expected.sort_by_key(|c| (c.span.start, std::cmp::Reverse(c.span.end)));
            first.sort_by_key(candidate_order);
            second.sort_by_key(candidate_order);
            let ids = |list: &[Candidate]| list.iter().map(|c| (c.span, c.first_token)).collect::<Vec<_>>();
            prop_assert_eq!(ids(&in_order(&first, &second).collect::<Vec<_>>()), ids(&expected));
        }
    }

    proptest! {
        #[test]
        fn parties_latest_before_matches_sorted_starts(starts in mention_starts()) {
            let mut entity = Entity::new(Kind::Person, None, None);
            let mut oracle = Starts::default();
            for &s in &starts {
                entity.mention(Mention { span: Span::new(s, s + 1), rule: None });
                oracle.insert(s);
            }
            let mut sorted: Vec<usize> = entity.mentions.iter().map(|m| m.span.start).collect();
            sorted.sort_unstable();
            let mut expected = starts.clone();
            expected.sort_unstable();
            prop_assert_eq!(sorted, expected);
            for point in 0..62 {
                prop_assert_eq!(entity.latest_before(point), oracle.before(point), "point {}", point);
            }
        }
    }

    /// `chunks` as first written, with a binary search per token and list.
    fn chunks_by_search(doc: &Document<'_>, cues: &Cues, blocked: &[Span]) -> (Vec<usize>, Vec<(Range<usize>, bool)>) {
        let mut out = Vec::new();
        // The current run is `all[start..]`.
        let (mut all, mut start): (Vec<usize>, usize) = (Vec::new(), 0);
        let mut after_title = false;
        let mut title_before = false;
        let tokens = &doc.tokens;
        let flush = |all: &mut Vec<usize>, start: &mut usize, title: bool, out: &mut Vec<(Range<usize>, bool)>| {
            while all.len() > *start && all.last().is_some_and(|&i| !tokens[i].shape.is_capitalized()) {
                all.pop();
            }
            if all.len() > *start {
                out.push((*start..all.len(), title));
                *start = all.len();
            }
        };
        for (i, t) in tokens.iter().enumerate() {
            let is_title = covered(&cues.titles, t.span);
            if all.len() == start && !is_title && !t.shape.is_capitalized() {
                // Most words: nothing to flush, and a lower-case word starts no
                // run, so all the rest comes down to this.
                if after_title {
                    after_title = doc.str(t.span) == ","
                        && !(covered(&cues.known, t.span) || covered(blocked, t.span) || cues.splitters.covers(t.span));
                }
                continue;
            }
            let word = doc.str(t.span);
            let stop = covered(&cues.known, t.span) || covered(blocked, t.span) || is_title || cues.splitters.covers(t.span);
            let sentence_break = all[start..].last().is_some_and(|&p| tokens[p].sentence != t.sentence);
            if sentence_break {
                flush(&mut all, &mut start, title_before, &mut out);
            }
            if stop {
                flush(&mut all, &mut start, title_before, &mut out);
                after_title = is_title;
                continue;
            }
            // "its former CEO, Minh Tran-Vo": an apposition after a title.
            if word == "," && after_title && all.len() == start {
                continue;
            }
            let joins = if t.shape.is_capitalized() {
                true
            } else if all.len() == start {
                false
            } else if matches!(word, "of" | "and" | "&" | "for" | "the" | "de" | "du" | "van" | "von" | "der" | "la" | "le" | "da" | "di") {
                true
            } else if word == "-" {
                // "Coca-Cola": a hyphen inside a word joins.
                all[start..].last().is_some_and(|&p| tokens[p].span.end == t.span.start)
                    && tokens.get(i + 1).is_some_and(|n| n.span.start == t.span.end && n.shape.is_capitalized())
            } else if matches!(word, "\"" | "\u{201c}" | "\u{201d}" | "\u{ab}" | "\u{bb}") {
                // A nickname inside a name: Kang Min "K.M." Yoon.
                nickname(doc, i, &all[start..])
            } else if word == "," {
                // "Veltrix Taiwan, Inc." and "John Smith, Jr."
                tokens.get(i + 1).is_some_and(|n| {
                    exactly(&cues.suffixes, n.span) || matches!(doc.str(n.span), "Jr." | "Sr." | "II" | "III" | "IV")
                })
            } else {
                false
            };
            if joins {
                if all.len() == start {
                    title_before = after_title;
                }
                all.push(i);
            } else {
                flush(&mut all, &mut start, title_before, &mut out);
            }
            after_title = false;
        }
        flush(&mut all, &mut start, title_before, &mut out);
        (all, out)
    }


    /// Spans of tokens `at..at + len` (wrapping), for cue lists.
    fn token_spans(doc: &Document<'_>, picks: &[(usize, usize)]) -> Vec<Span> {
        let n = doc.tokens.len();
        picks
            .iter()
            .filter(|_| n > 0)
            .map(|&(at, len)| {
                let a = at % n;
                Span::new(doc.tokens[a].span.start, doc.tokens[(a + len).min(n) - 1].span.end)
            })
            .collect()
    }

    proptest! {
        #[test]
        fn parties_chunks_match_a_search_per_token(
            words in proptest::collection::vec("Judge|Mr\\.|Acme|Corp\\.|Kang|Min|\"|\u{201c}|of|and|the|said|,|-|Jr\\.|SEC|\u{c9}mile|\u{e9}t\u{e9}|\\.|\\(|\\)|42|a", 0..40),
            glue in proptest::collection::vec(" | |\n", 40),
            picks in proptest::collection::vec(proptest::collection::vec((0..64usize, 1..3usize), 0..5), 5),
        ) {
            let text: String = words.iter().zip(&glue).flat_map(|(w, g)| [w.as_str(), g.as_str()]).collect();
            let doc = Document::new(&text, &Abbreviations::default());
            let sorted = |picks: &[(usize, usize)]| {
                let mut spans = token_spans(&doc, picks);
                spans.sort();
                spans
            };
            // Titles also as they come, unsorted and overlapping.
            let titles = if picks[4].is_empty() { sorted(&picks[0]) } else { token_spans(&doc, &[&picks[0][..], &picks[4][..]].concat()) };
            let cues = Cues {
                known: sorted(&picks[1]),
                titles,
                heads: Vec::new(),
                suffixes: doc.tokens.iter().filter(|t| doc.str(t.span) == "Corp.").map(|t| t.span).collect(),
                splitters: SpanSet::new(token_spans(&doc, &picks[2])),
                killers: SpanSet::default(),
                given: Vec::new(),
                places: Vec::new(),
            };
            let blocked = sorted(&picks[3]);
            prop_assert_eq!(chunks(&doc, &cues, &blocked), chunks_by_search(&doc, &cues, &blocked), "{:?}", text);
        }
    }

    /// Cues with legal suffixes only: the tokens "Corp.", "Inc" and "SA".
    fn suffix_cues(doc: &Document<'_>) -> Cues {
        Cues {
            known: Vec::new(),
            titles: Vec::new(),
            heads: Vec::new(),
            suffixes: doc.tokens.iter().filter(|t| matches!(doc.str(t.span), "Corp." | "Inc" | "SA")).map(|t| t.span).collect(),
            splitters: SpanSet::default(),
            killers: SpanSet::default(),
            given: Vec::new(),
            places: Vec::new(),
        }
    }

    proptest! {
        #[test]
        fn parties_token_indices_match_token_at(
            words in proptest::collection::vec("Acme|Corp\\.|Inc|SA|Gmbh|,|\\.|\"|\u{c9}mile|\u{e9}t\u{e9}|said|the|\\(|42|a|U\\.S\\.|J\\.|\u{201c}", 0..30),
            glue in proptest::collection::vec(" | |\n|\u{a0}|  ", 30),
            picks in proptest::collection::vec((0..200usize, 0..40usize), 1..10),
        ) {
            let text: String = words.iter().zip(&glue).flat_map(|(w, g)| [w.as_str(), g.as_str()]).collect();
            let doc = Document::new(&text, &Abbreviations::default());
            for byte in 0..=text.len() + 1 {
                for i in 0..=doc.tokens.len() + 1 {
                    prop_assert_eq!(token_at_is(&doc, byte, i), doc.token_at(byte) == i, "{:?} {} {}", text, byte, i);
                }
            }
            let cues = suffix_cues(&doc);
            for (at, len) in picks {
                let start = at % (text.len() + 1);
                let span = Span::new(start, (start + len).min(text.len()));
                let tokens = token_range(&doc, span);
                prop_assert_eq!(tokens.clone(), doc.token_at(span.start)..doc.token_at(span.end), "{:?} {:?}", text, span);
                let (extended, tokens) = extend_with_suffix(&doc, &cues, span, tokens);
                prop_assert_eq!(tokens, doc.token_at(extended.start)..doc.token_at(extended.end), "{:?} {:?}", text, span);
            }
        }
    }

    /// `name_words` as first written: every word in a list.
    fn name_word_list<'d>(doc: &'d Document<'_>, idx: &[usize]) -> Option<Vec<&'d Token>> {
        let mut words = Vec::new();
        let mut in_quote = false;
        for &i in idx {
            let t = &doc.tokens[i];
            match doc.str(t.span) {
                "\"" | "\u{201c}" | "\u{201d}" | "\u{ab}" | "\u{bb}" => in_quote = !in_quote,
                "-" | "," => {}
                _ if in_quote => {}
                "Jr." | "Sr." | "II" | "III" | "IV" => {}
                _ if matches!(t.shape, Shape::Title | Shape::Initial) => words.push(t),
                _ => return None,
            }
        }
        Some(words)
    }

    proptest! {
        #[test]
        fn parties_name_words_match_the_word_list(
            words in proptest::collection::vec("Kang|Min|Yoon|K\\.|K\\.M\\.|B\\.|\"|\u{201c}|\u{201d}|\u{ab}|-|,|Jr\\.|II|of|and|SEC|\u{c9}mile|\u{e9}t\u{e9}|Wei-Ting|O'Neil|42|\\.", 0..10),
            glue in proptest::collection::vec(" |  |", 10),
        ) {
            let text: String = words.iter().zip(&glue).flat_map(|(w, g)| [w.as_str(), g.as_str()]).collect();
            let doc = Document::new(&text, &Abbreviations::default());
            let n = doc.tokens.len();
            for a in 0..n {
                for b in a..n.min(a + 9) {
                    let idx: Vec<usize> = (a..=b).collect();
                    let expected = name_word_list(&doc, &idx).filter(|w| !w.is_empty()).map(|w| NameWords {
                        count: w.len(),
                        first: w[0],
                        last: w[w.len() - 1],
                        middle_initial: w.len() > 2 && w[1..w.len() - 1].iter().any(|t| t.shape == Shape::Initial),
                    });
                    prop_assert_eq!(name_words(&doc, &idx), expected, "{:?} {:?}", text, idx);
                }
            }
        }
    }

    /// The entities filed under a name in the order each was first filed,
    /// which is all a lookup depends on (see `Ids::push`).
    fn first_filed(ids: impl Iterator<Item = usize>) -> Vec<usize> {
        let mut first = Vec::new();
        for e in ids {
            if !first.contains(&e) {
                first.push(e);
            }
        }
        first
    }

    proptest! {
        #[test]
        fn parties_index_files_words_and_initials_as_filing_all_at_once_would(
            names in proptest::collection::vec("(The |)(Acme|Securities|Beta|United|U\\.S\\.|\u{c9}mile) (and |of |)(Acme|Exchange|Beta|Commission|Steel)( Commission| Co\\.| Board|)", 1..10),
            owners in proptest::collection::vec((0..4usize, any::<bool>()), 10),
            asks in proptest::collection::vec(any::<bool>(), 10),
            words in proptest::collection::vec("acme|securities|exchange|beta|commission|board|united|steel|co|the", 0..4),
            initials_asked in proptest::collection::vec("SEC|AC|ABC|UB|SEB|BC|UAS|\u{c9}AC|ASB", 0..4),
        ) {
            let mut all_keys = String::new();
            let ranges: Vec<Range<usize>> = names
                .iter()
                .map(|n| {
                    let start = all_keys.len();
                    push_key(n, &mut all_keys);
                    start..all_keys.len()
                })
                .collect();
            // Asked: some names' own initials, and others.
            let initials_asked: Vec<String> =
                names.iter().zip(&asks).filter(|(_, ask)| **ask).map(|(n, _)| initials(n)).chain(initials_asked).collect();
            let asked_initials = initials_asked.iter().map(String::as_str).collect();
            let mut index = Index { asked_initials, ..Index::default() };
            let kind = |org: bool| if org { Kind::Organization } else { Kind::Person };
            let mut entities: Vec<Entity<'_>> = owners[..4].iter().map(|&(_, org)| Entity::new(kind(org), None, None)).collect();
            // The plain index: every word, and all initials of two letters
            // or more, of every new name of an organization.
            let mut all_words: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
            let mut all_initials: BTreeMap<String, Vec<usize>> = BTreeMap::new();
            for (i, (name, range)) in names.iter().zip(&ranges).enumerate() {
                let (e, k) = (owners[i].0, &all_keys[range.clone()]);
                if k.is_empty() {
                    continue;
                }
                if entities[e].kind == Kind::Organization && !entities[e].keys.contains(k) {
                    let file = |ids: &mut Vec<usize>| {
                        if !ids.contains(&e) {
                            ids.push(e);
                        }
                    };
                    k.split(' ').for_each(|w| file(all_words.entry(w).or_default()));
                    let name_initials = initials(name);
                    if name_initials.chars().count() > 1 {
                        file(all_initials.entry(name_initials).or_default());
                    }
                }
                index.add(&mut entities, e, k, name);
                // Asked between names too: what waits is filed then.
                for w in words.iter().filter(|_| asks[i]) {
                    let filed = first_filed(Index::get(index.words_filed(), w));
                    prop_assert_eq!(filed, all_words.get(w.as_str()).cloned().unwrap_or_default(), "{:?} {}", names, w);
                }
                for a in &initials_asked {
                    let filed = first_filed(Index::get(&index.by_initials, a));
                    prop_assert_eq!(filed, all_initials.get(a).cloned().unwrap_or_default(), "{:?} {}", names, a);
                }
            }
            for w in &words {
                let filed = first_filed(Index::get(index.words_filed(), w));
                prop_assert_eq!(filed, all_words.get(w.as_str()).cloned().unwrap_or_default(), "{:?} {}", names, w);
            }
        }
    }

    proptest! {
        #[test]
        fn parties_connector_tells_connectors_as_the_text_does(
            words in proptest::collection::vec("and|or|of|for|And|OF|For|\u{e9}t\u{e9}|\u{c9}mile|\u{f6}f|a|I|U\\.S\\.|,|\"|42|andy", 0..12),
        ) {
            let text = words.join(" ");
            let doc = Document::new(&text, &Abbreviations::default());
            for t in &doc.tokens {
                for w in ["and", "or", "of", "for"] {
                    prop_assert_eq!(connector(&doc, t) == w, doc.str(t.span) == w, "{:?} {:?}", text, t);
                }
            }
        }
    }

    #[test]
    fn parties_key_drops_suffixes_possessives_and_the() {
        assert_eq!(key("Dunmore Foods Inc."), "dunmore foods");
        assert_eq!(key("Veltrix Taiwan, Inc."), "veltrix taiwan");
        assert_eq!(key("The Walt Disney Company"), "walt disney company");
        assert_eq!(key("Nokia's"), "nokia");
        assert_eq!(initials("Securities and Exchange Commission"), "SEC");
    }

    /// Strings of tricky characters: ASCII and other whitespace, periods,
    /// commas, possessives, quote marks, letters that lower-case to more.
    fn tricky_strings() -> Vec<String> {
        let alphabet: Vec<char> = "aZ9 .,&'s\u{2019}\t\u{b}\u{1c}\u{a0}\"\u{201c}\u{c9}\u{130}-".chars().collect();
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        (0..20_000)
            .map(|_| {
                let len = next() % 12;
                (0..len).map(|_| alphabet[(next() % alphabet.len() as u64) as usize]).collect()
            })
            .chain(["The Acme Co.", "acme's", "Nokia\u{2019}s", "U.S. Steel Corp", "  A\u{b}B  ", "\"K.M.\" Yoon"].map(String::from))
            .collect()
    }

    /// `key` as first written: a char at a time, for any text.
    fn key_by_chars(text: &str) -> String {
        const SUFFIXES: [&str; 22] = [
            "inc", "corp", "corporation", "co", "ltd", "llc", "plc", "lp", "llp", "ag", "sa", "nv", "bv", "gmbh",
            "se", "limited", "incorporated", "ab", "oyj", "asa", "spa", "pty",
        ];
        let t = text.trim_end_matches("'s").trim_end_matches("\u{2019}s");
        let mut out = String::new();
        for w in t.split(|c: char| c.is_whitespace() || c == ',') {
            let w = w.trim_matches(|c: char| !c.is_alphanumeric() && c != '&');
            let mark = out.len();
            if !out.is_empty() {
                out.push(' ');
            }
            let begin = out.len();
            out.extend(w.chars().flat_map(char::to_lowercase).filter(|&c| c != '.'));
            if out.len() == begin {
                out.truncate(mark);
            }
        }
        while let Some(space) = out.rfind(' ')
            && SUFFIXES.contains(&&out[space + 1..])
        {
            out.truncate(space);
        }
        if out.starts_with("the ") {
            out.drain(..4);
        }
        out
    }

    proptest! {
        #[test]
        fn parties_push_key_appends_the_char_by_char_key(
            before in "(acme|the|co|inc| |,){0,4}",
            text in "([aZ9 .,&'s\u{2019}\t\u{b}\u{a0}\"\u{c9}\u{130}-]|Inc|Co|The |the |'s){0,16}",
        ) {
            let mut out = before.clone();
            push_key(&text, &mut out);
            prop_assert_eq!(out, before + &key_by_chars(&text));
        }

        /// ASCII text alone, which `push_key` takes a byte or a block at a
        /// time: plain words (see `plain_words`), some past a block, or
        /// words with other bytes.
        #[test]
        fn parties_push_key_appends_the_char_by_char_key_of_ascii(
            before in "(acme|the|co|inc| |,){0,4}",
            text in prop_oneof![
                "(Inc|Co|The|the|[aZ9]{1,5})( (Inc|Co|The|the|[aZ9]{1,5})){0,14}",
                "([aZ9 .,&'s\t\u{b}\u{1c}\"-]|Inc|Co|The |the |'s|\\.\\.){0,16}",
            ],
        ) {
            let mut out = before.clone();
            push_key(&text, &mut out);
            prop_assert_eq!(out, before + &key_by_chars(&text));
        }
    }

    #[test]
    fn parties_key_matches_the_char_by_char_definition() {
        for text in tricky_strings() {
            let k = key(&text);
            assert_eq!(k, key_by_chars(&text), "{text:?}");
            assert!(k.is_empty() || k.split(' ').all(|w| !w.is_empty()), "{text:?} -> {k:?}");
        }
    }

    #[test]
    fn parties_initials_match_the_char_by_char_definition() {
        for text in tricky_strings().iter().chain(&["Securities and Exchange Commission".to_string()]) {
            let reference: String =
                text.split_whitespace().filter_map(|w| w.chars().next()).filter(|c| c.is_uppercase()).collect();
            assert_eq!(initials(text), reference, "{text:?}");
            // Only such acronyms are asked for (see `cluster`).
            assert!(reference.chars().all(char::is_uppercase), "{text:?}");
        }
    }

    /// A name `without_nickname` keeps as it is, by its definition.
    fn plain_by_chars(text: &str) -> bool {
        let quote = |c: char| matches!(c, '"' | '\u{201c}' | '\u{201d}' | '\u{ab}' | '\u{bb}');
        let spaced = |c: char| c.is_whitespace() && c != ' ';
        !text.contains(quote) && !text.contains(spaced) && !text.contains("  ") && text.trim() == text
    }

    #[test]
    fn parties_without_nickname_keeps_plain_names_as_they_are() {
        for text in tricky_strings() {
            assert_eq!(matches!(without_nickname(&text), Cow::Borrowed(_)), plain_by_chars(&text), "{text:?}");
        }
    }

    proptest! {
        /// `plain_name`, which reads a block where the name lies in the
        /// text, finds the ASCII names of a block or less that are plain.
        #[test]
        fn parties_plain_name_matches_the_char_by_char_definition(
            before in "[a \"]{0,3}",
            name in prop_oneof![
                // Words between single spaces, a few with a quote mark,
                // some longer than a block.
                "[aZ9]{1,6}( [aZ9.'&\"-]{1,6}){0,12}",
                // Words between other bytes, or none.
                "[aZ9]{1,4}([ .,&'\"\t\u{b}\u{c}\r\n\u{1c}\u{a0}\u{c9}-]{0,2}[aZ9]{1,4}){0,8}",
                // Spaces at the ends, or next to each other.
                " ?[aZ9 ]{0,8} ?",
            ],
            after in "[a \"\t]{0,80}",
        ) {
            let text = format!("{before}{name}{after}");
            let expected = name.is_ascii() && (1..=BLOCK).contains(&name.len()) && plain_by_chars(&name);
            prop_assert_eq!(plain_name(&text, before.len(), &name), expected, "{:?}", name);
        }
    }

    fn names(text: &str) -> Vec<(String, Vec<&'static str>)> {
        let extractor = crate::Extractor::builtin().expect("built-in rules");
        let record = extractor.extract(&crate::Article::new("t", text));
        record.parties.into_iter().map(|p| (p.name, p.roles)).collect()
    }

    #[test]
    fn parties_states_listed_after_states_of_are_governments() {
        let found = names("The states of Vermont, Iowa and Utah later joined the federal government in this case.");
        let found: Vec<&str> = found.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(found, ["Vermont", "Iowa", "Utah"]);
        assert!(names("He moved to the United States of America in 1990.").iter().all(|(n, _)| n != "America"));
    }

    #[test]
    fn parties_a_lone_name_listed_with_an_organization_is_one() {
        let found = names("Corvane Chemical Corp. and Ostrava also will pay a civil penalty.");
        assert!(found.iter().any(|(n, _)| n == "Ostrava"), "{found:?}");
        let found = names("The lawsuit against Corvane Chemical Corp., No. 4:22-cv-118, is pending.");
        assert!(found.iter().all(|(n, _)| n != "No."), "{found:?}");
    }

    #[test]
    fn parties_a_known_name_inside_a_longer_suffixed_name_is_the_longer_one() {
        let found = names("Japanese parts maker Hoshino Denso Corp has agreed to pay $2 million.");
        assert!(found.iter().any(|(n, _)| n == "Hoshino Denso Corp"), "{found:?}");
    }
}
