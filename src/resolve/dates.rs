//! Dates: every date match becomes a TIMEX3-style value, grain and mod
//! (SPEC section 3, dates), relative expressions resolved against the
//! reference date with the past bias of news ("on Tuesday" is the latest
//! Tuesday on or before the article's date unless the sentence speaks of the
//! future). The patterns are in `rules/dates.jsonl`; the productions named by
//! their `resolve` field are here.

use std::cell::LazyCell;

use crate::document::Document;
use crate::rules::{Label, Match, RuleSet};
use crate::span::Span;

use super::{after_spaces, cues_by_letter, Selected};

/// A calendar day (proleptic Gregorian).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Day {
    /// Year.
    pub y: i32,
    /// Month, 1-12.
    pub m: u32,
    /// Day of the month, 1-31.
    pub d: u32,
}

impl Day {
    /// A valid day, or `None`.
    pub fn new(y: i32, m: u32, d: u32) -> Option<Day> {
        (1..=12).contains(&m).then_some(())?;
        (d >= 1 && d <= days_in_month(y, m)).then_some(Day { y, m, d })
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Option<Day> {
        let mut parts = s.splitn(3, '-');
        let y = parts.next()?.parse().ok()?;
        let m = parts.next()?.parse().ok()?;
        let d = parts.next()?.get(..2)?.parse().ok()?;
        Day::new(y, m, d)
    }

    /// Days since 1970-01-01 (Howard Hinnant's algorithm).
    pub fn to_days(self) -> i64 {
        let y = i64::from(self.y) - i64::from(self.m <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.m);
        let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + i64::from(self.d) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The day `days` after 1970-01-01.
    pub fn from_days(days: i64) -> Day {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let y = (yoe + era * 400 + i64::from(m <= 2)) as i32;
        Day { y, m, d }
    }

    /// This day moved by `n` days.
    pub fn add_days(self, n: i64) -> Day {
        Day::from_days(self.to_days() + n)
    }

    /// 0 for Monday .. 6 for Sunday.
    pub fn weekday(self) -> i64 {
        (self.to_days() + 3).rem_euclid(7)
    }

    /// ISO 8601 week: (week-year, week).
    pub fn iso_week(self) -> (i32, u32) {
        let thursday = self.add_days(3 - self.weekday());
        let jan1 = Day { y: thursday.y, m: 1, d: 1 };
        (thursday.y, ((thursday.to_days() - jan1.to_days()) / 7 + 1) as u32)
    }

    fn iso(self) -> String {
        Value::year(self.y).then("-", self.m, 2).then("-", self.d, 2).0
    }
}

/// A date value's text being written: zero-padded numbers and the pieces
/// between them, as `format!("{y:04}-{m:02}")` writes them without the
/// formatting machinery, which cost about 700 instructions a value.
struct Value(String);

impl Value {
    /// A value that starts with a year of at least four digits.
    fn year(y: impl Into<i64>) -> Value {
        let mut value = Value(String::with_capacity(10));
        value.push_padded(y.into(), 4);
        value
    }

    /// This value followed by `piece` and `n` of at least `width` digits.
    fn then(mut self, piece: &str, n: impl Into<i64>, width: usize) -> Value {
        self.0.push_str(piece);
        self.push_padded(n.into(), width);
        self
    }

    /// Pushes `n` as `{n:0width$}` writes it: a minus sign first, counted
    /// in the width.
    fn push_padded(&mut self, n: i64, width: usize) {
        let mut digits = [0u8; 20];
        let mut rest = n.unsigned_abs();
        let mut start = digits.len();
        loop {
            start -= 1;
            digits[start] = b'0' + (rest % 10) as u8;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        if n < 0 {
            self.0.push('-');
        }
        let len = digits.len() - start + usize::from(n < 0);
        self.0.extend(std::iter::repeat_n('0', width.saturating_sub(len)));
        self.0.extend(digits[start..].iter().map(|&d| char::from(d)));
    }
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

/// What a date is resolved against: the reference date, and how numeric
/// dates are ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Anchor {
    /// The publication date, or `None` (relative dates then get no value).
    pub reference: Option<Day>,
    /// Read `07/08/2024` as 7 August (`--date-order dmy`) instead of July 8.
    pub day_first: bool,
}

/// A resolved date value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DateValue {
    /// TIMEX3 value; `None` when it needs a reference date and has none.
    pub value: Option<String>,
    /// Grain: day, week, month, quarter, half, season, year, decade.
    pub grain: &'static str,
    /// START, MID, END, APPROX or none.
    pub modifier: Option<&'static str>,
}

/// A date mention with its value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolvedDate {
    /// The mention.
    pub span: Span,
    /// The rule that found it.
    pub rule: usize,
    /// Its value.
    pub value: DateValue,
}

/// Resolves every kept date match; matches whose context shows they are not
/// dates (case numbers, statute years) are dropped.
pub fn resolve(doc: &Document<'_>, rules: &RuleSet, selected: &Selected, anchor: Anchor) -> Vec<ResolvedDate> {
    selected
        .of(Label::Date)
        .iter()
        .filter_map(|m| {
            let sentence = doc.sentences.get(doc.sentence_of(m.span.start)).copied().unwrap_or(m.span);
            let sentence = doc.str(doc.around(m.span, sentence, 200));
            let value = resolve_match(rules, m, doc.text, sentence, anchor)?;
            Some(ResolvedDate { span: m.span, rule: m.rule, value })
        })
        .collect()
}

/// The reference date a dateline or release header gives: the first date
/// with a day in the article's first paragraph ("WASHINGTON, Jan. 6, 2009
/// --", "Litigation Release No. 25117 / May 14, 2021"). One without a year
/// ("Aug 1 (Reuters) -") takes it from `fallback` when there is one.
pub fn dateline(doc: &Document<'_>, rules: &RuleSet, selected: &Selected, fallback: Anchor) -> Option<Day> {
    let first = *doc.paragraphs.first()?;
    selected.of(Label::Date).iter().filter(|m| first.contains(m.span)).find_map(|m| {
        let rule = rules.rules.get(m.rule)?;
        if !matches!(rule.resolve.as_deref(), Some("date.full" | "date.iso" | "date.numeric")) {
            return None;
        }
        let anchor = if rules.group(m, "year").is_some() { Anchor { reference: None, ..fallback } } else { fallback };
        let v = resolve_match(rules, m, doc.text, "", anchor)?;
        Day::parse(v.value.as_deref()?)
    })
}

struct Fields<'a> {
    rules: &'a RuleSet,
    m: &'a Match,
    text: &'a str,
}

impl Fields<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        self.rules.group(self.m, name).map(|s| s.text(self.text)).filter(|s| !s.is_empty())
    }

    fn number(&self, name: &str) -> Option<i64> {
        self.get(name).and_then(number_word)
    }
}

/// Resolves one date match in its sentence; `None` rejects it.
pub fn resolve_match(rules: &RuleSet, m: &Match, text: &str, sentence: &str, anchor: Anchor) -> Option<DateValue> {
    let reference = anchor.reference;
    let rule = rules.rules.get(m.rule)?;
    if !date_context(text, m.span) {
        return None;
    }
    let f = Fields { rules, m, text };
    let modifier = f.get("mod").and_then(modifier_of);
    // Read only by the values that depend on it.
    let future = LazyCell::new(|| is_future(sentence));
    let year = f.get("year").and_then(|y| parse_year(y, reference));
    let done = |value: Option<String>, grain: &'static str| Some(DateValue { value, grain, modifier });
    let r = reference;
    match rule.resolve.as_deref()? {
        "date.full" => {
            let month = month_number(f.get("month")?)?;
            let day: u32 = f.get("day")?.parse().ok()?;
            Day::new(2000, month, day)?;
            // Without a year: the latest such day on or before the
            // reference date, or in a sentence about the future the next.
            let y = match year {
                Some(y) => Some(y),
                None => r.map(|r| match Day::new(r.y, month, day) {
                    Some(d) if d > r && !*future => r.y - 1,
                    Some(d) if d < r && *future => r.y + 1,
                    None if !*future => r.y - 1,
                    _ => r.y,
                }),
            };
            done(y.and_then(|y| Day::new(y, month, day)).map(Day::iso), "day")
        }
        "date.month" => {
            let month = month_number(f.get("month")?)?;
            let rel = f.get("rel").map(str::to_ascii_lowercase);
            let y = year.or_else(|| {
                r.map(|r| match rel.as_deref() {
                    Some("last") => if month < r.m { r.y } else { r.y - 1 },
                    Some("next") => if month > r.m { r.y } else { r.y + 1 },
                    Some("this") => r.y,
                    _ if month > r.m && !*future => r.y - 1,
                    _ if month < r.m && *future => r.y + 1,
                    _ => r.y,
                })
            });
            done(y.map(|y| Value::year(y).then("-", month, 2).0), "month")
        }
        "date.year" => done(Some(Value::year(year?).0), "year"),
        "date.decade" => {
            // "1990" or, written short, "90" ('90s): 20th century from '30 on.
            let d: String = f.get("decade")?.chars().filter(char::is_ascii_digit).collect();
            let full = match d.len() {
                4 => d,
                2 => format!("{}{d}", if d.as_str() >= "30" { "19" } else { "20" }),
                _ => return None,
            };
            done(Some(format!("{}X", full.get(..3)?)), "decade")
        }
        "date.quarter" => {
            let q = ordinal(f.get("quarter")?)?;
            let y = year.or_else(|| r.map(|r| if q > r.m.div_ceil(3) && !*future { r.y - 1 } else { r.y }));
            done(y.map(|y| Value::year(y).then("-Q", q, 1).0), "quarter")
        }
        "date.half" => {
            let h = ordinal(f.get("half")?)?;
            let y = year.or_else(|| r.map(|r| if h > r.m.div_ceil(6) && !*future { r.y - 1 } else { r.y }));
            done(y.map(|y| Value::year(y).then("-H", h, 1).0), "half")
        }
        "date.season" => {
            let (code, start) = season(f.get("season")?)?;
            let y = year.or_else(|| {
                let r = r?;
                let this_started = r.m >= start;
                Some(match f.get("rel").map(str::to_ascii_lowercase).as_deref() {
                    Some("last") => {
                        if r.m >= start + 3 { r.y } else { r.y - 1 }
                    }
                    Some("next") => {
                        if this_started { r.y + 1 } else { r.y }
                    }
                    Some("this") => r.y,
                    _ => {
                        if this_started || *future { r.y } else { r.y - 1 }
                    }
                })
            });
            done(y.map(|y| format!("{y:04}-{code}")), "season")
        }
        "date.iso" => {
            let d = Day::new(year?, f.get("m")?.parse().ok()?, f.get("day")?.parse().ok()?)?;
            done(Some(d.iso()), "day")
        }
        "date.numeric" => {
            let (a, b): (u32, u32) = (f.get("a")?.parse().ok()?, f.get("b")?.parse().ok()?);
            // The order asked for, unless the numbers allow only the other
            // (30/07/2024 has no month 30).
            let (month, day) = if anchor.day_first { (b, a) } else { (a, b) };
            let y = year?;
            let d = Day::new(y, month, day).or_else(|| Day::new(y, day, month))?;
            done(Some(d.iso()), "day")
        }
        "date.today" => {
            let shift: i64 = rule.attr("shift").and_then(|s| s.parse().ok()).unwrap_or(0);
            done(r.map(|r| r.add_days(shift).iso()), "day")
        }
        "date.weekday" => {
            let want = weekday_number(f.get("weekday")?)?;
            let rel = f.get("rel").map(str::to_ascii_lowercase);
            let value = r.map(|r| {
                let back = (r.weekday() - want).rem_euclid(7);
                let day = match rel.as_deref() {
                    Some("next") => r.add_days(7 - back),
                    Some("last") => r.add_days(-if back == 0 { 7 } else { back }),
                    _ if *future => r.add_days(if back == 0 { 7 } else { 7 - back }),
                    _ => r.add_days(-back),
                };
                day.iso()
            });
            done(value, "day")
        }
        "date.relative" => {
            let rel = f.get("rel")?.to_ascii_lowercase();
            let shift = match rel.split_whitespace().next()? {
                "last" | "previous" | "past" => -1,
                "next" | "coming" => 1,
                _ => 0,
            };
            let unit = f.get("unit")?.to_ascii_lowercase();
            let (value, grain) = shifted(r, &unit, shift)?;
            done(value, grain)
        }
        "date.ago" | "date.in" => {
            let n = f.number("num")?;
            let unit = f.get("unit")?.to_ascii_lowercase();
            let n = if rule.resolve.as_deref() == Some("date.ago") { -n } else { n };
            let (value, grain) = shifted(r, unit.trim_end_matches('s'), n)?;
            done(value, grain)
        }
        _ => None,
    }
}

/// The value `n` units away from the reference, at the unit's grain.
fn shifted(r: Option<Day>, unit: &str, n: i64) -> Option<(Option<String>, &'static str)> {
    let months = |r: Day, k: i64| {
        let total = i64::from(r.y) * 12 + i64::from(r.m) - 1 + k;
        (total.div_euclid(12) as i32, (total.rem_euclid(12) + 1) as u32)
    };
    Some(match unit {
        "day" => (r.map(|r| r.add_days(n).iso()), "day"),
        "week" => (
            r.map(|r| {
                let (y, w) = r.add_days(7 * n).iso_week();
                Value::year(y).then("-W", w, 2).0
            }),
            "week",
        ),
        "month" => (r.map(|r| months(r, n)).map(|(y, m)| Value::year(y).then("-", m, 2).0), "month"),
        "quarter" => (
            r.map(|r| {
                let (y, m) = months(r, 3 * n);
                Value::year(y).then("-Q", m.div_ceil(3), 1).0
            }),
            "quarter",
        ),
        "year" => (r.map(|r| Value::year(i64::from(r.y) + n).0), "year"),
        _ => return None,
    })
}

/// False when the text around a numeric date shows a case number, a statute
/// year, a section or a sum instead.
fn date_context(text: &str, span: Span) -> bool {
    let before = text.get(..span.start).unwrap_or("");
    let after = text.get(span.end..).unwrap_or("");
    let starts_with_digit = text.get(span.start..).and_then(|t| t.chars().next()).is_some_and(|c| c.is_ascii_digit());
    if !starts_with_digit {
        return true;
    }
    let prev = before.chars().next_back();
    if prev.is_some_and(|c| "-/:$#§.,[".contains(c) || c.is_alphanumeric()) {
        return false;
    }
    let mut next = after.chars();
    match (next.next(), next.next()) {
        (Some('-' | '/' | '%'), Some(c)) if c.is_alphanumeric() => return false,
        (Some('%'), _) => return false,
        (Some(c), _) if c.is_alphanumeric() => return false,
        _ => {}
    }
    let tail = before.char_indices().rev().nth(11).map_or(before, |(i, _)| &before[i..]).trim_end();
    // Numbers, and statutes named with their year ("the Companies Act 2006").
    let blocked = [
        "No.", "Nos.", "No", "Section", "Rule", "Release", "Act of", "Form", "Item", "Case", "Docket", "Number", "Chapter",
        "§", "Title", "Exhibit", "Count", "Room", "Suite", "Route", "Highway", "Act", "Regulations", "Rules", "Order",
        "Directive",
    ];
    !blocked.iter().any(|b| tail.ends_with(b))
}

/// What a sentence about the future says, lower case, between spaces.
const FUTURE_CUES: [&str; 15] = [
    " will ", " shall ", " is scheduled", " are scheduled", " is set to", " are set to", " is expected to",
    " are expected to", " is due", " plans to", " expects to", " expect to", " intends to", " aims to", " next ",
];

/// True when the sentence speaks of the future.
fn is_future(sentence: &str) -> bool {
    // Searched as if in " " + the sentence lower-cased + " ", without
    // making that copy: every cue starts with a space and then a letter, so
    // only letters that start words are tried.
    let s = sentence.as_bytes();
    after_spaces(s, true).any(|i| starts_future_cue(&s[i..]))
}

/// By a byte, the future cues whose first letter it is in either case:
/// most words start with none.
const FUTURE_CUES_BY_FIRST: [u16; 256] = cues_by_letter(&FUTURE_CUES, true);

/// The first four bytes of each future cue after its space, as
/// `lower_head` reads a word's: every cue has that many, and words that
/// share a cue's first letter ("is", "and", "said") mostly part from it
/// by the fourth, which this tells in one compare.
const FUTURE_CUE_HEADS: [u32; 15] = {
    let mut heads = [0; 15];
    let mut k = 0;
    while k < FUTURE_CUES.len() {
        let b = FUTURE_CUES[k].as_bytes();
        heads[k] = u32::from_le_bytes([b[1], b[2], b[3], b[4]]) | 0x2020_2020;
        k += 1;
    }
    heads
};

/// The first four bytes of `rest` with bit 5 of each set: lower case for
/// letters, and the same for a space; another byte may come out as a
/// cue's, which the full compare then turns away.
fn lower_head(rest: &[u8]) -> Option<u32> {
    rest.first_chunk::<4>().map(|head| u32::from_le_bytes(*head) | 0x2020_2020)
}

/// True when `rest`, which starts a word, starts with a future cue.
fn starts_future_cue(rest: &[u8]) -> bool {
    let mut cues = rest.first().map_or(0, |&b| FUTURE_CUES_BY_FIRST[usize::from(b)]);
    if cues == 0 {
        return false;
    }
    // Shorter than every cue.
    let Some(head) = lower_head(rest) else { return false };
    while cues != 0 {
        let k = cues.trailing_zeros() as usize;
        cues &= cues - 1;
        if FUTURE_CUE_HEADS[k] == head && starts_with_cue(rest, &FUTURE_CUES[k].as_bytes()[1..]) {
            return true;
        }
    }
    false
}

/// True when `rest` followed by a space starts with `cue` (lower case),
/// ignoring ASCII case.
fn starts_with_cue(rest: &[u8], cue: &[u8]) -> bool {
    match (rest.get(..cue.len()), cue.split_last()) {
        (Some(head), _) => head.eq_ignore_ascii_case(cue),
        (None, Some((b' ', cue))) => rest.eq_ignore_ascii_case(cue),
        (None, _) => false,
    }
}

fn modifier_of(word: &str) -> Option<&'static str> {
    let w = word.to_ascii_lowercase();
    let w = w.trim_end_matches(['-', ' ']).trim_start_matches("the ");
    Some(match w {
        "early" | "beginning of" | "start of" | "the beginning of" | "the start of" => "START",
        "mid" | "middle of" | "the middle of" => "MID",
        "late" | "end of" | "the end of" => "END",
        "on or about" | "in or about" | "on or around" | "approximately" | "about" | "around" | "circa" | "roughly"
        | "some time in" => "APPROX",
        _ => return None,
    })
}

fn parse_year(s: &str, reference: Option<Day>) -> Option<i32> {
    // Its digits read in place, not collected into a string first: only
    // two or four of them make a year, so the value never overflows.
    let (mut len, mut n) = (0, 0i32);
    for d in s.bytes().filter(u8::is_ascii_digit) {
        len += 1;
        n = n.wrapping_mul(10).wrapping_add(i32::from(d - b'0'));
    }
    year_of(n, len, reference)
}

/// The year that `digits` digits of value `n` name: four as they are, two
/// in the reference date's century ('23 is 2023 unless that is far in the
/// reference date's future), any other count none.
fn year_of(n: i32, digits: usize, reference: Option<Day>) -> Option<i32> {
    match digits {
        4 => Some(n),
        2 => {
            let century = reference.map_or(2000, |r| r.y / 100 * 100);
            let y = century + n;
            Some(if reference.is_some_and(|r| y > r.y + 10) { y - 100 } else { y })
        }
        _ => None,
    }
}

fn month_number(s: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    let key = s.get(..3)?.to_ascii_lowercase();
    MONTHS.iter().position(|m| *m == key).map(|i| i as u32 + 1)
}

fn weekday_number(s: &str) -> Option<i64> {
    const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let key = s.get(..3)?.to_ascii_lowercase();
    DAYS.iter().position(|d| *d == key).map(|i| i as i64)
}

fn ordinal(s: &str) -> Option<u32> {
    Some(match s.to_ascii_lowercase().as_str() {
        "first" | "1st" | "1" => 1,
        "second" | "2nd" | "2" => 2,
        "third" | "3rd" | "3" => 3,
        "fourth" | "4th" | "4" => 4,
        _ => return None,
    })
}

fn season(s: &str) -> Option<(&'static str, u32)> {
    Some(match s.to_ascii_lowercase().as_str() {
        "spring" => ("SP", 3),
        "summer" => ("SU", 6),
        "fall" | "autumn" => ("FA", 9),
        "winter" => ("WI", 12),
        _ => return None,
    })
}

fn number_word(s: &str) -> Option<i64> {
    const WORDS: [&str; 13] =
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"];
    let w = s.to_ascii_lowercase();
    if w == "a" || w == "an" {
        return Some(1);
    }
    WORDS.iter().position(|x| *x == w).map(|i| i as i64).or_else(|| w.parse().ok().filter(|n| *n < 1000))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn dates_future_cues_are_found_as_in_a_padded_lower_case_copy(sentence in "( |  |will|Will|WILL|next|is|due|set|to|plans|aim|aims|\u{e9}|x|\t)*") {
            let padded = format!(" {} ", sentence.to_ascii_lowercase());
            prop_assert_eq!(is_future(&sentence), FUTURE_CUES.iter().any(|c| padded.contains(c)));
        }

        /// Long sentences, whose words start on either side of a block's
        /// edge, read across several blocks.
        #[test]
        fn dates_future_cues_are_found_across_blocks(
            pieces in proptest::collection::vec(prop_oneof![
                60 => "( |  |wil|is|set|to|plan|expects|x|_|7|\u{e9}|\t|\\.)",
                1 => "(will|WiLL|next|plans to|is set to)",
            ], 0..200),
        ) {
            let sentence = pieces.concat();
            let padded = format!(" {} ", sentence.to_ascii_lowercase());
            prop_assert_eq!(is_future(&sentence), FUTURE_CUES.iter().any(|c| padded.contains(c)));
        }
    }

    proptest! {
        /// `Value` writes numbers as `format!` does, signs and widths
        /// included.
        #[test]
        fn dates_values_are_written_as_format_writes_them(
            y in prop_oneof![-1200i32..12_000, any::<i32>()],
            n in prop_oneof![-120i64..120, any::<i64>()],
            small in 0u32..120,
        ) {
            prop_assert_eq!(Value::year(y).0, format!("{y:04}"));
            prop_assert_eq!(Value::year(y).then("-", small, 2).then("-Q", n, 1).0, format!("{y:04}-{small:02}-Q{n}"));
            prop_assert_eq!(Value::year(n).then("-W", small, 2).0, format!("{n:04}-W{small:02}"));
        }

        /// A year is read from its digits as a copy of them would be.
        #[test]
        fn dates_years_are_read_as_from_a_copy_of_their_digits(s in "[0-9'\u{2019}a ]{0,14}", r in proptest::option::of(1900i32..2100)) {
            let reference = r.and_then(|y| Day::new(y, 6, 1));
            let digits: String = s.chars().filter(char::is_ascii_digit).collect();
            let copied = digits.parse::<i32>().ok().and_then(|n| year_of(n, digits.len(), reference));
            prop_assert_eq!(parse_year(&s, reference), copied);
        }
    }

    #[test]
    fn dates_day_arithmetic_round_trips() {
        let d = Day::new(2024, 2, 29).unwrap();
        assert_eq!(Day::from_days(d.to_days()), d);
        assert_eq!(Day::new(1970, 1, 1).unwrap().to_days(), 0);
        assert_eq!(Day::new(2024, 7, 31).unwrap().weekday(), 2, "a Wednesday");
        assert_eq!(Day::new(2018, 1, 22).unwrap().iso_week(), (2018, 4));
        assert_eq!(Day::new(2021, 1, 1).unwrap().iso_week(), (2020, 53));
        assert_eq!(Day::new(2023, 2, 29), None);
    }

    #[test]
    fn dates_context_rejects_numbers_that_are_not_dates() {
        let ok = |t: &str, s: usize, e: usize| date_context(t, Span::new(s, e));
        assert!(ok("in 2006.", 3, 7));
        assert!(!ok("Act of 1933", 7, 11));
        assert!(!ok("No. 2009-cv-1", 4, 8));
        assert!(!ok("$2005", 1, 5));
        assert!(!ok("the Money Laundering Regulations 2017 apply", 33, 37));
        assert!(!ok("[2024] EWHC 2291 (Pat)", 1, 5));
    }
}
