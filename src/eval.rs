//! Scoring of records against gold files: a port of `shared/score.py` (SPEC section 5).
//!
//! `gazette eval GOLD PRED` must print the figures that
//! `python3 shared/score.py GOLD PRED` prints, byte for byte, so this module
//! follows the script step by step rather than restating SPEC in its own
//! words: the same normalization ([`norm`]), the same greedy one-to-one
//! pairing (required gold items first, then optional ones; an exact match
//! first, else the first match), the same party resolver for cases and quote
//! speakers, the same tallies, and Python's own rounding and float printing
//! for the table and the JSON summary.
//!
//! Where the script reads a value loosely, so does the port: a missing key,
//! `null`, `0`, `""`, `[]` and `{}` all count as absent; a string where a list
//! is expected is read as its characters and an object as its keys, as
//! Python's `list()` and `set()` read them; labels and ids that are not
//! strings are printed as Python's `str()` prints them.
//!
//! Where the script would crash instead (a `TypeError` or `AttributeError` on
//! malformed input), the port goes on: an item that is not an object is
//! skipped, a collection that is neither a list, a string nor an object is
//! empty, and text that is not a string normalizes to nothing.
//!
//! Known differences, all outside well-formed records:
//! - Python iterates the set of case pairs in hash order, which changes from
//!   run to run; the port lists missed and extra case pairs in the order they
//!   first appear (plaintiff by defendant, case by case).
//! - Objects printed in a diff label (an item with neither `name` nor `text`)
//!   keep serde_json's key order, which is sorted unless serde_json's
//!   `preserve_order` feature is on; Python keeps the file's order.
//! - JSON that serde_json reads differently: `NaN`/`Infinity` and lone
//!   surrogate escapes are errors, integers beyond 64 bits become floats and
//!   `-0` reads as `-0.0`.
//! - Unicode tables are those of the Rust crates, not Python 3.11's Unicode
//!   14.0; they differ only on characters assigned since.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;
use serde_json::{Map, Value};
use unicode_normalization::UnicodeNormalization;

/// The record types the scorer knows, in the order it scores and prints them.
pub const TYPES: [&str; 6] = ["parties", "courts", "dates", "products", "quotes", "cases"];

/// Trailing words that [`norm`] drops from party names.
#[rustfmt::skip]
const LEGAL_SUFFIXES: [&str; 24] = [
    "inc", "corp", "corporation", "co", "ltd", "llc", "plc", "lp", "llp", "ag", "sa", "nv", "bv",
    "gmbh", "se", "limited", "incorporated", "ab", "oyj", "asa", "spa", "pty", "pte", "kk",
];

/// The characters that `str.strip(" \t\"'.,;:!?()[]{}-")` removes.
const EDGE_PUNCTUATION: [char; 17] = [
    ' ', '\t', '"', '\'', '.', ',', ';', ':', '!', '?', '(', ')', '[', ']', '{', '}', '-',
];

/// A record, or one item of a record.
type Item = Map<String, Value>;

/// What a missing key reads as: Python's `None`.
static NULL: Value = Value::Null;

/// Python's `\w+`: letters, digits and numerals of every script, and `_`. Unlike
/// the regex crate's `\w`, Python's leaves out combining marks.
static WORD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[\p{L}\p{N}_]+").expect("constant pattern compiles"));

/// The non-ASCII characters Python's `repr()` escapes (`str.isprintable()` is false).
static UNPRINTABLE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[\p{C}\p{Z}]$").expect("constant pattern compiles"));

/// Python's `str.isspace()`, which is also what `re`'s `\s` matches in a str pattern.
fn is_space(c: char) -> bool {
    matches!(c,
        '\t'..='\r' | '\u{1c}'..='\u{1f}' | ' ' | '\u{85}' | '\u{a0}' | '\u{1680}'
        | '\u{2000}'..='\u{200a}' | '\u{2028}' | '\u{2029}' | '\u{202f}' | '\u{205f}' | '\u{3000}')
}

/// score.py's `PLAIN` table: curly quotes, guillemets and dashes made plain.
fn plain(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' => '\'',
        '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{ab}' | '\u{bb}' => '"',
        '\u{2013}' | '\u{2014}' => '-',
        '\u{a0}' => ' ',
        other => other,
    }
}

/// Normalizes text as the scorer does (NFKC, lower case, plain quotes and dashes,
/// white space collapsed, surrounding punctuation, a leading "the " and a trailing
/// "'s" removed). `party` also drops trailing legal suffixes ("Nokia Corp." → "nokia").
pub fn norm(s: &str, party: bool) -> String {
    let lower = s.nfkc().map(plain).collect::<String>().to_lowercase();
    let mut collapsed = String::with_capacity(lower.len());
    let mut in_space = false;
    for c in lower.chars() {
        if !is_space(c) {
            collapsed.push(c);
        } else if !in_space {
            collapsed.push(' ');
        }
        in_space = is_space(c);
    }
    let s = collapsed
        .trim_matches(is_space)
        .trim_matches(&EDGE_PUNCTUATION[..]);
    let s = s.strip_prefix("the ").unwrap_or(s);
    let s = s.strip_suffix("'s").unwrap_or(s).trim_matches(is_space);
    if !party {
        return s.to_string();
    }
    let spaced = s.replace(',', " ");
    let mut words: Vec<&str> = spaced.split(is_space).filter(|w| !w.is_empty()).collect();
    while words.len() > 1
        && words
            .last()
            .is_some_and(|w| LEGAL_SUFFIXES.contains(&w.replace('.', "").as_str()))
    {
        words.pop();
    }
    words.join(" ").trim_matches([' ', '.', ',']).to_string()
}

/// [`norm`] of a JSON value; anything but a string normalizes to "".
fn norm_value(v: &Value, party: bool) -> String {
    v.as_str().map_or_else(String::new, |s| norm(s, party))
}

/// score.py's `words()`: the `\w+` runs of the normalized text.
fn words(s: &str) -> Vec<String> {
    WORD.find_iter(&norm(s, false))
        .map(|m| m.as_str().to_string())
        .collect()
}

/// `d.get(key)`, with a missing key read as `None`.
fn get<'a>(item: &'a Item, key: &str) -> &'a Value {
    item.get(key).unwrap_or(&NULL)
}

/// Python's truth value of a JSON value.
fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|x| x != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

/// Python's `==` on JSON values (`True == 1 == 1.0`).
fn py_eq(a: &Value, b: &Value) -> bool {
    let number = |v: &Value| match v {
        Value::Bool(b) => Some(f64::from(u8::from(*b))),
        Value::Number(n) => n.as_f64(),
        _ => None,
    };
    match (a, b) {
        (Value::Number(x), Value::Number(y)) if !x.is_f64() && !y.is_f64() => x == y,
        (Value::Null, Value::Null) => true,
        (Value::String(x), Value::String(y)) => x == y,
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| py_eq(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| py_eq(v, w)))
        }
        _ => matches!((number(a), number(b)), (Some(x), Some(y)) if x == y),
    }
}

/// The elements of `v or []` as Python iterates them: a list's items, a string's
/// characters, an object's keys.
fn py_iter(v: &Value) -> Vec<Value> {
    match v {
        Value::Array(a) => a.clone(),
        Value::String(s) => s.chars().map(|c| Value::String(c.to_string())).collect(),
        Value::Object(o) => o.keys().map(|k| Value::String(k.clone())).collect(),
        _ => Vec::new(),
    }
}

/// The distinct elements of `set(v or [])`, in first-seen order.
fn py_set(v: &Value) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    for x in py_iter(v) {
        if !out.iter().any(|y| py_eq(y, &x)) {
            out.push(x);
        }
    }
    out
}

/// The items of a record's list of `kind`; anything but objects is skipped.
fn items<'a>(record: &'a Item, kind: &str) -> Vec<&'a Item> {
    match get(record, kind) {
        Value::Array(a) => a.iter().filter_map(Value::as_object).collect(),
        _ => Vec::new(),
    }
}

/// Python's `repr()` of a float: the shortest round-trip digits, in exponent
/// form below 1e-4 and from 1e16 on.
fn py_float_repr(x: f64) -> String {
    if !x.is_finite() {
        return if x.is_nan() {
            "nan"
        } else if x > 0.0 {
            "inf"
        } else {
            "-inf"
        }
        .to_string();
    }
    // Rust finds as few digits as Python does, but when two such digit strings are
    // equally close to x it may take the other one; Python takes the correctly
    // rounded one (ties to even), which Rust's fixed-precision formatting gives.
    let shortest = format!("{:e}", x.abs());
    let places = shortest
        .split_once('e')
        .map_or(0, |(m, _)| m.len().saturating_sub(2));
    let rounded = format!("{:.places$e}", x.abs());
    let sci = if rounded.parse() == Ok(x.abs()) {
        rounded
    } else {
        shortest
    };
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits = mantissa.replace('.', "");
    let sign = if x.is_sign_negative() { "-" } else { "" };
    let body = if (-4..16).contains(&exp) {
        let point = usize::try_from(exp + 1).unwrap_or(0);
        if exp < 0 {
            format!(
                "0.{}{digits}",
                "0".repeat(usize::try_from(-exp - 1).unwrap_or(0))
            )
        } else if digits.len() <= point {
            format!("{digits}{}.0", "0".repeat(point - digits.len()))
        } else {
            let (int, frac) = digits.split_at(point);
            format!("{int}.{frac}")
        }
    } else {
        let e = format!(
            "{}{:02}",
            if exp < 0 { '-' } else { '+' },
            exp.unsigned_abs()
        );
        format!("{mantissa}e{e}")
    };
    format!("{sign}{body}")
}

/// A JSON number as Python prints it: integers as they are, floats by `repr()`.
fn py_number(n: &serde_json::Number) -> String {
    match n.as_f64() {
        Some(x) if n.is_f64() => py_float_repr(x),
        _ => n.to_string(),
    }
}

/// Python's `repr()` of a string.
fn py_repr_str(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            '\0'..='\u{1f}' | '\u{7f}' => out.push_str(&format!("\\x{:02x}", u32::from(c))),
            c if c.is_ascii() || !UNPRINTABLE.is_match(c.encode_utf8(&mut [0; 4])) => out.push(c),
            c if u32::from(c) < 0x100 => out.push_str(&format!("\\x{:02x}", u32::from(c))),
            c if u32::from(c) < 0x10000 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push_str(&format!("\\U{:08x}", u32::from(c))),
        }
    }
    out.push(quote);
    out
}

/// Python's `repr()` of a JSON value.
fn py_repr(v: &Value) -> String {
    match v {
        Value::Null => "None".to_string(),
        Value::Bool(true) => "True".to_string(),
        Value::Bool(false) => "False".to_string(),
        Value::Number(n) => py_number(n),
        Value::String(s) => py_repr_str(s),
        Value::Array(a) => format!("[{}]", a.iter().map(py_repr).collect::<Vec<_>>().join(", ")),
        Value::Object(o) => {
            let pairs: Vec<String> = o
                .iter()
                .map(|(k, v)| format!("{}: {}", py_repr_str(k), py_repr(v)))
                .collect();
            format!("{{{}}}", pairs.join(", "))
        }
    }
}

/// Python's `str()` of a JSON value, as an f-string prints it.
fn py_str(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => py_repr(other),
    }
}

/// A JSON string as `json.dumps(..., ensure_ascii=False)` writes it.
fn dumps_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\0'..='\u{1f}' => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `json.dumps(v, ensure_ascii=False)`: one line, `", "` and `": "` separators.
fn dumps(v: &Value) -> String {
    match v {
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => py_number(n),
        Value::String(s) => dumps_str(s),
        Value::Array(a) => format!("[{}]", a.iter().map(dumps).collect::<Vec<_>>().join(", ")),
        Value::Object(o) => {
            let pairs: Vec<String> = o
                .iter()
                .map(|(k, v)| format!("{}: {}", dumps_str(k), dumps(v)))
                .collect();
            format!("{{{}}}", pairs.join(", "))
        }
    }
}

/// Python's `round(x, digits)`: the correctly rounded decimal (ties to even on the
/// exact binary value), read back as a float. Rust's `{:.N}` rounds the same way.
fn py_round(x: f64, digits: usize) -> f64 {
    format!("{x:.digits$}").parse().unwrap_or(x)
}

/// score.py's `names_of()`: every normalized surface form of an item.
fn names_of(item: &Item, party: bool) -> BTreeSet<String> {
    let mut forms = vec![get(item, "name").clone()];
    forms.extend(py_iter(get(item, "aliases")));
    for m in py_iter(get(item, "mentions")) {
        forms.push(m.as_object().map_or(m.clone(), |m| get(m, "text").clone()));
    }
    forms
        .iter()
        .map(|x| norm_value(x, party))
        .filter(|n| !n.is_empty())
        .collect()
}

/// True when one name's words are a prefix or suffix of the other's.
fn affix(a: &str, b: &str) -> bool {
    let (wa, wb) = (words(a), words(b));
    if wa.is_empty() || wb.is_empty() {
        return false;
    }
    let (short, long) = if wa.len() <= wb.len() {
        (wa, wb)
    } else {
        (wb, wa)
    };
    long.starts_with(&short) || long.ends_with(&short)
}

/// score.py's `match_entity()` for parties, courts and products.
fn match_entity(g: &Item, p: &Item, kind: &str) -> bool {
    if kind == "courts" {
        let (gid, pid) = (get(g, "id"), get(p, "id"));
        if truthy(gid) && truthy(pid) && py_eq(gid, pid) {
            return true;
        }
        return !names_of(g, false).is_disjoint(&names_of(p, false));
    }
    let party = kind == "parties";
    let (gn, pn) = (names_of(g, party), names_of(p, party));
    if !gn.is_disjoint(&pn) {
        return true;
    }
    kind == "products" && gn.iter().any(|x| pn.iter().any(|y| affix(x, y)))
}

/// Dates match when one normalized text contains the other.
fn match_date(g: &Item, p: &Item) -> bool {
    let (a, b) = (
        norm_value(get(g, "text"), false),
        norm_value(get(p, "text"), false),
    );
    !a.is_empty() && !b.is_empty() && (a.contains(&b) || b.contains(&a))
}

/// Quotes match when the shorter text (12 characters or more) lies in the longer,
/// or when their word sets overlap by a Jaccard index of 0.6 or more.
fn match_quote(g: &Item, p: &Item) -> bool {
    let (a, b) = (
        norm_value(get(g, "text"), false),
        norm_value(get(p, "text"), false),
    );
    if a.is_empty() || b.is_empty() {
        return false;
    }
    let (short, long) = if b.chars().count() < a.chars().count() {
        (&b, &a)
    } else {
        (&a, &b)
    };
    if short.chars().count() >= 12 && long.contains(short.as_str()) {
        return true;
    }
    let wa: BTreeSet<String> = words(&a).into_iter().collect();
    let wb: BTreeSet<String> = words(&b).into_iter().collect();
    let union = wa.union(&wb).count().max(1);
    wa.intersection(&wb).count() as f64 / union as f64 >= 0.6
}

/// Exact match for dates and quotes: equal non-empty normalized texts.
fn same_text(g: &Item, p: &Item) -> bool {
    let a = norm_value(get(g, "text"), false);
    !a.is_empty() && a == norm_value(get(p, "text"), false)
}

/// A test of whether a predicted item matches a gold item.
type Matcher<'m> = &'m dyn Fn(&Item, &Item) -> bool;

/// The result of [`pair`].
struct Pairing<'a> {
    /// Matched (gold, predicted) items, in pairing order.
    pairs: Vec<(&'a Item, &'a Item)>,
    /// Gold items left unmatched.
    missed: Vec<&'a Item>,
    /// Predicted items left unmatched, in their order.
    extra: Vec<&'a Item>,
}

/// One-to-one matching: required gold items first, then optional ones; each takes
/// the first unused prediction that is an exact match, else the first that matches.
fn pair<'a>(
    gold: &[&'a Item],
    pred: &[&'a Item],
    same: Matcher<'_>,
    exact: Option<Matcher<'_>>,
) -> Pairing<'a> {
    let mut used = vec![false; pred.len()];
    let mut out = Pairing {
        pairs: Vec::new(),
        missed: Vec::new(),
        extra: Vec::new(),
    };
    let (required, optional): (Vec<_>, Vec<_>) = gold
        .iter()
        .copied()
        .partition(|g| !truthy(get(g, "optional")));
    for g in required.into_iter().chain(optional) {
        let free = || {
            pred.iter()
                .zip(&used)
                .enumerate()
                .filter(|(_, (_, u))| !**u)
        };
        let hit = exact
            .and_then(|exact| free().find(|(_, (p, _))| exact(g, p)))
            .or_else(|| free().find(|(_, (p, _))| same(g, p)))
            .map(|(j, (p, _))| (j, *p));
        match hit {
            Some((j, p)) => {
                if let Some(u) = used.get_mut(j) {
                    *u = true;
                }
                out.pairs.push((g, p));
            }
            None => out.missed.push(g),
        }
    }
    out.extra = pred
        .iter()
        .zip(&used)
        .filter(|(_, u)| !**u)
        .map(|(p, _)| *p)
        .collect();
    out
}

/// Maps predicted party names to the gold party each one matched.
struct Resolver {
    /// Predicted `name` → gold `name`, the last pair winning (a Python dict).
    exact: Vec<(Value, Value)>,
    /// Normalized predicted form → gold `name`, the first pair keeping a form.
    forms: HashMap<String, Value>,
}

impl Resolver {
    /// score.py's `party_resolver()`: pairs the parties, then indexes each matched
    /// prediction by its exact name and by every normalized form.
    fn new(gold: &[&Item], pred: &[&Item]) -> Resolver {
        let same = |g: &Item, p: &Item| match_entity(g, p, "parties");
        let mut r = Resolver {
            exact: Vec::new(),
            forms: HashMap::new(),
        };
        for (g, p) in pair(gold, pred, &same, None).pairs {
            let gname = get(g, "name");
            let pname = get(p, "name");
            if truthy(pname) {
                match r.exact.iter_mut().find(|(k, _)| py_eq(k, pname)) {
                    Some(entry) => entry.1 = gname.clone(),
                    None => r.exact.push((pname.clone(), gname.clone())),
                }
            }
            for form in names_of(p, true) {
                r.forms.entry(form).or_insert_with(|| gname.clone());
            }
        }
        r
    }

    /// `exact.get(name) or forms.get(norm(name, True))`.
    fn resolve(&self, name: &Value) -> Option<&Value> {
        match self.exact.iter().find(|(k, _)| py_eq(k, name)) {
            Some((_, v)) if truthy(v) => Some(v),
            _ => self.forms.get(&norm_value(name, true)),
        }
    }
}

/// The normalized forms of the gold party `name` names, or `name` alone.
fn gold_party_forms(gold: &[&Item], name: &Value) -> BTreeSet<String> {
    let n = norm_value(name, true);
    gold.iter()
        .map(|g| names_of(g, true))
        .find(|forms| forms.contains(&n))
        .unwrap_or_else(|| BTreeSet::from([n]))
}

/// The scores of one type.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TypeScore {
    /// Matched required gold items (for cases: pairs found).
    pub tp: usize,
    /// Predictions that matched nothing.
    pub fp: usize,
    /// Required gold items that nothing matched.
    pub fn_: usize,
    /// Attribute checks on matched items as (name, right, total), in first-seen
    /// order, as score.py's dict keeps them.
    pub attrs: Vec<(String, usize, usize)>,
}

impl TypeScore {
    /// Precision, recall and F1, unrounded, with score.py's edge cases: with no
    /// predictions precision is 1.0 when nothing was missed, else 0.0; with no
    /// gold items recall is 1.0; F1 is 0.0 when both are 0.
    pub fn prf(&self) -> (f64, f64, f64) {
        let p = if self.tp + self.fp > 0 {
            self.tp as f64 / (self.tp + self.fp) as f64
        } else if self.fn_ == 0 {
            1.0
        } else {
            0.0
        };
        let r = if self.tp + self.fn_ > 0 {
            self.tp as f64 / (self.tp + self.fn_) as f64
        } else {
            1.0
        };
        let f = if p + r != 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        (p, r, f)
    }

    /// Counts one attribute check.
    fn attr_add(&mut self, name: &str, ok: bool) {
        match self.attrs.iter_mut().find(|(n, _, _)| n == name) {
            Some(entry) => {
                entry.1 += usize::from(ok);
                entry.2 += 1;
            }
            None => self.attrs.push((name.to_string(), usize::from(ok), 1)),
        }
    }

    /// One row of the summary: the rounded figures and attribute accuracies.
    fn row(&self) -> Row<'_> {
        let (p, r, f) = self.prf();
        Row {
            p: py_round(p, 4),
            r: py_round(r, 4),
            f1: py_round(f, 4),
            attrs: (self.attrs.iter())
                .map(|(n, ok, total)| {
                    (
                        n.as_str(),
                        (*total > 0).then(|| py_round(*ok as f64 / *total as f64, 4)),
                    )
                })
                .collect(),
        }
    }
}

/// The rounded figures of one type, as score.py's `table[k]` holds them.
struct Row<'a> {
    /// Precision, rounded to 4 places.
    p: f64,
    /// Recall, rounded to 4 places.
    r: f64,
    /// F1, rounded to 4 places.
    f1: f64,
    /// Attribute accuracies, rounded to 4 places (`None` for no checks).
    attrs: Vec<(&'a str, Option<f64>)>,
}

/// A whole scoring run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    /// Gold articles scored (distinct ids).
    pub articles: usize,
    /// Gold articles with no predicted record, or one that carries an `error`.
    pub missing_records: usize,
    /// The scores of each requested type, in the order requested.
    pub types: Vec<(String, TypeScore)>,
    /// score.py's `--diff` lines (`id<TAB>type<TAB>missed|extra|speaker<TAB>label`), in its order.
    pub diff: Vec<String>,
}

/// Records keyed by `str(record["id"])`; a later duplicate replaces the earlier
/// one in its place, as a Python dict does. Records without an id are skipped.
fn by_id(records: &[Value]) -> Vec<(String, &Item)> {
    let mut out: Vec<(String, &Item)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for record in records.iter().filter_map(Value::as_object) {
        let Some(id) = record.get("id") else { continue };
        let id = py_str(id);
        match index.get(&id).and_then(|&i| out.get_mut(i)) {
            Some(slot) => slot.1 = record,
            None => {
                index.insert(id.clone(), out.len());
                out.push((id, record));
            }
        }
    }
    out
}

/// Scores predicted records against gold records (both as parsed JSON objects,
/// matched by "id"; the gold order drives the run, later duplicate ids replace
/// earlier ones as python's dict does). `only` lists the types to score; names
/// not in [`TYPES`] are ignored. Diff lines are collected always.
pub fn score(gold: &[Value], pred: &[Value], only: &[&str]) -> Report {
    let gold = by_id(gold);
    let pred: HashMap<String, &Item> = by_id(pred).into_iter().collect();
    let mut tallies: [TypeScore; 6] = Default::default();
    let mut diff = Vec::new();
    let no_record = Map::new();
    let mut missing = 0;
    for (id, g) in &gold {
        let p = pred.get(id).copied();
        if p.is_none_or(|p| p.contains_key("error")) {
            missing += 1;
        }
        let p = p.unwrap_or(&no_record);
        let gp = items(g, "parties");
        let resolver = Resolver::new(&gp, &items(p, "parties"));
        let mut article = Article {
            id,
            gold: g,
            pred: p,
            gp,
            resolver,
            diff: &mut diff,
        };
        for (kind, t) in TYPES.iter().zip(tallies.iter_mut()) {
            if !only.contains(kind) {
                continue;
            }
            if *kind == "cases" {
                article.cases(t);
            } else {
                article.items(kind, t);
            }
        }
    }
    let types = (only.iter())
        .filter_map(|k| {
            let i = TYPES.iter().position(|t| t == k)?;
            Some((k.to_string(), tallies.get(i)?.clone()))
        })
        .collect();
    Report {
        articles: gold.len(),
        missing_records: missing,
        types,
        diff,
    }
}

/// `v or None`.
fn or_none(v: &Value) -> &Value {
    if truthy(v) { v } else { &NULL }
}

/// One gold record and its prediction, being scored (score.py's `score_article()`).
struct Article<'a> {
    /// `str()` of the record's id.
    id: &'a str,
    /// The gold record.
    gold: &'a Item,
    /// The predicted record (empty when there is none).
    pred: &'a Item,
    /// The gold parties.
    gp: Vec<&'a Item>,
    /// Predicted party names resolved to gold ones.
    resolver: Resolver,
    /// The run's diff lines.
    diff: &'a mut Vec<String>,
}

impl Article<'_> {
    /// Adds a diff line labelled by the item's `name`, else its `text`, else its JSON.
    fn note(&mut self, kind: &str, what: &str, item: &Item) {
        let label = [get(item, "name"), get(item, "text")]
            .into_iter()
            .find(|v| truthy(v))
            .map_or_else(|| dumps(&Value::Object(item.clone())), py_str);
        self.note_text(kind, what, &label);
    }

    /// Adds a diff line with the given label.
    fn note_text(&mut self, kind: &str, what: &str, label: &str) {
        self.diff
            .push(format!("{}\t{kind}\t{what}\t{label}", self.id));
    }

    /// Cases, scored as sets of (plaintiff, defendant) pairs; predicted names are
    /// resolved to gold party names, unresolved ones become "?" + normalized name.
    fn cases(&mut self, t: &mut TypeScore) {
        let side = |name: &Value| match self.resolver.resolve(name) {
            Some(v) if truthy(v) => v.clone(),
            _ => Value::String(format!("?{}", norm_value(name, true))),
        };
        let within = |ab: &(Value, Value), set: &[(Value, Value)]| {
            set.iter()
                .any(|xy| py_eq(&xy.0, &ab.0) && py_eq(&xy.1, &ab.1))
        };
        let sides = |record: &Item, resolve: bool| {
            let mut out: Vec<(Value, Value)> = Vec::new();
            for c in items(record, "cases") {
                for pl in py_iter(get(c, "plaintiffs")) {
                    for df in py_iter(get(c, "defendants")) {
                        let ab = if resolve {
                            (side(&pl), side(&df))
                        } else {
                            (pl.clone(), df)
                        };
                        if !within(&ab, &out) {
                            out.push(ab);
                        }
                    }
                }
            }
            out
        };
        let (gpairs, ppairs) = (sides(self.gold, false), sides(self.pred, true));
        let missed: Vec<_> = gpairs.iter().filter(|ab| !within(ab, &ppairs)).collect();
        let extra: Vec<_> = ppairs.iter().filter(|ab| !within(ab, &gpairs)).collect();
        t.tp += gpairs.len() - missed.len();
        t.fn_ += missed.len();
        t.fp += extra.len();
        for (what, list) in [("missed", missed), ("extra", extra)] {
            for (a, b) in list {
                self.note_text("cases", what, &format!("{} v. {}", py_str(a), py_str(b)));
            }
        }
    }

    /// Parties, courts, dates, products and quotes: pairing, then attributes.
    fn items(&mut self, kind: &str, t: &mut TypeScore) {
        let entity = |g: &Item, p: &Item| match_entity(g, p, kind);
        let same: Matcher<'_> = match kind {
            "dates" => &match_date,
            "quotes" => &match_quote,
            _ => &entity,
        };
        let exact: Option<Matcher<'_>> =
            matches!(kind, "dates" | "quotes").then_some(&same_text as Matcher<'_>);
        let paired = pair(
            &items(self.gold, kind),
            &items(self.pred, kind),
            same,
            exact,
        );
        // optional gold items: neither rewarded nor punished
        for (g, p) in paired.pairs {
            if truthy(get(g, "optional")) {
                continue;
            }
            t.tp += 1;
            match kind {
                "dates" if g.contains_key("value") => {
                    t.attr_add(
                        "value",
                        py_eq(or_none(get(p, "value")), or_none(get(g, "value"))),
                    );
                    if truthy(get(g, "mod")) {
                        t.attr_add("mod", py_eq(get(p, "mod"), get(g, "mod")));
                    }
                }
                "courts" if truthy(get(g, "id")) => {
                    t.attr_add("id", py_eq(get(p, "id"), get(g, "id")));
                }
                "parties" => {
                    let groles = py_set(get(g, "roles"));
                    if !groles.is_empty() {
                        let proles = py_set(get(p, "roles"));
                        let ok = proles.len() == groles.len()
                            && proles.iter().all(|x| groles.iter().any(|y| py_eq(x, y)));
                        t.attr_add("roles", ok);
                    }
                    if truthy(get(g, "kind")) {
                        t.attr_add("kind", py_eq(get(p, "kind"), get(g, "kind")));
                    }
                }
                "quotes" if !get(g, "speaker").is_null() => {
                    let speaker = get(g, "speaker");
                    let mut ok_forms = gold_party_forms(&self.gp, speaker);
                    for alt in py_iter(get(g, "speaker_alts")) {
                        ok_forms.extend(gold_party_forms(&self.gp, &alt));
                    }
                    let ps = get(p, "speaker");
                    let ok = truthy(ps)
                        && (ok_forms.contains(&norm_value(ps, true))
                            || self.resolver.resolve(ps).is_some_and(|v| py_eq(v, speaker)));
                    t.attr_add("speaker", ok);
                    if !ok {
                        let text: String = get(g, "text")
                            .as_str()
                            .unwrap_or("")
                            .chars()
                            .take(50)
                            .collect();
                        let label = format!("{text}… gold={} pred={}", py_str(speaker), py_str(ps));
                        self.note_text(kind, "speaker", &label);
                    }
                }
                _ => {}
            }
        }
        for g in paired.missed {
            if !truthy(get(g, "optional")) {
                t.fn_ += 1;
                self.note(kind, "missed", g);
            }
        }
        for p in paired.extra {
            t.fp += 1;
            self.note(kind, "extra", p);
        }
    }
}

impl Report {
    /// The rows of the summary, one per requested type.
    fn rows(&self) -> Vec<(&str, &TypeScore, Row<'_>)> {
        self.types
            .iter()
            .map(|(k, t)| (k.as_str(), t, t.row()))
            .collect()
    }

    /// The mean of the rounded F1s, rounded (0.0 when no type was scored).
    fn macro_f1(rows: &[(&str, &TypeScore, Row<'_>)]) -> f64 {
        if rows.is_empty() {
            return 0.0;
        }
        let sum = rows.iter().fold(0.0, |sum, (_, _, row)| sum + row.f1);
        py_round(sum / rows.len() as f64, 4)
    }

    /// The table exactly as score.py prints it without --json (same widths, same
    /// rounding, final "articles=... missing_records=... macro_f1=..." line),
    /// ending in a newline.
    pub fn table(&self) -> String {
        let rows = self.rows();
        let mut out = format!(
            "{:10} {:>6} {:>6} {:>6} {:>5} {:>5} {:>5}  attributes\n",
            "type", "P", "R", "F1", "tp", "fp", "fn"
        );
        for (k, t, row) in &rows {
            let attrs: Vec<String> = (row.attrs.iter())
                .filter_map(|(n, v)| v.map(|v| format!("{n}={v:.2}")))
                .collect();
            out.push_str(&format!(
                "{k:10} {:6.3} {:6.3} {:6.3} {:5} {:5} {:5}  {}\n",
                row.p,
                row.r,
                row.f1,
                t.tp,
                t.fp,
                t.fn_,
                attrs.join(" ")
            ));
        }
        out.push_str(&format!(
            "articles={} missing_records={} macro_f1={:.3}\n",
            self.articles,
            self.missing_records,
            Self::macro_f1(&rows)
        ));
        out
    }

    /// The summary exactly as score.py --json prints it (`json.dumps(summary,
    /// indent=2)`: same key order, `round(x, 4)` and Python's float printing, e.g.
    /// 1.0 and 0.6667), ending in a newline as `print` ends it.
    pub fn json(&self) -> String {
        let rows = self.rows();
        let mut types: Vec<String> = Vec::new();
        let mut seen: Vec<&str> = Vec::new();
        for (k, t, row) in &rows {
            // a type asked for twice is one key of the dict, printed once
            if seen.contains(k) {
                continue;
            }
            seen.push(k);
            let mut fields = vec![
                ("precision".to_string(), py_float_repr(row.p)),
                ("recall".to_string(), py_float_repr(row.r)),
                ("f1".to_string(), py_float_repr(row.f1)),
                ("tp".to_string(), t.tp.to_string()),
                ("fp".to_string(), t.fp.to_string()),
                ("fn".to_string(), t.fn_.to_string()),
            ];
            for (n, v) in &row.attrs {
                fields.push((
                    format!("{n}_accuracy"),
                    v.map_or_else(|| "null".into(), py_float_repr),
                ));
            }
            let body: Vec<String> = fields
                .iter()
                .map(|(n, v)| format!("      {}: {v}", dumps_str(n)))
                .collect();
            types.push(format!(
                "    {}: {{\n{}\n    }}",
                dumps_str(k),
                body.join(",\n")
            ));
        }
        let types = if types.is_empty() {
            "{}".to_string()
        } else {
            format!("{{\n{}\n  }}", types.join(",\n"))
        };
        format!(
            "{{\n  \"articles\": {},\n  \"missing_records\": {},\n  \"macro_f1\": {},\n  \"types\": {types}\n}}\n",
            self.articles,
            self.missing_records,
            py_float_repr(Self::macro_f1(&rows))
        )
    }
}

/// Reads a JSON Lines file as score.py's load() does: lines end at `\n`, `\r\n` or
/// `\r` (Python's universal newlines), blank lines are skipped.
///
/// # Errors
///
/// A message naming the file for an unreadable or non-UTF-8 file, and naming
/// `file:line` for a line that is not JSON or a record without "id".
pub fn load(path: &Path) -> Result<Vec<Value>, String> {
    let shown = path.display();
    let bytes = std::fs::read(path).map_err(|e| format!("{shown}: {e}"))?;
    let text = String::from_utf8(bytes).map_err(|e| format!("{shown}: not UTF-8: {e}"))?;
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = Vec::new();
    for (n, line) in text.split('\n').enumerate() {
        let line = line.trim_matches(is_space);
        if line.is_empty() {
            continue;
        }
        let n = n + 1;
        let record: Value =
            serde_json::from_str(line).map_err(|e| format!("{shown}:{n}: not JSON: {e}"))?;
        if !record.as_object().is_some_and(|o| o.contains_key("id")) {
            return Err(format!("{shown}:{n}: record has no id"));
        }
        out.push(record);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected values below are what shared/score.py prints or returns.

    #[test]
    fn eval_norm_matches_python() {
        let cases = [
            ("", "", ""),
            ("   ", "", ""),
            ("The Nokia Corporation’s", "nokia corporation", "nokia"),
            ("“Amazon.com, Inc.”", "amazon.com, inc", "amazon.com"),
            ("Smith & Co., L.L.C.", "smith & co., l.l.c", "smith &"),
            ("Co, Inc", "co, inc", "co"),
            ("Ltd.", "ltd", "ltd"),
            ("the the Thing's", "the thing", "the thing"),
            ("ΟΔΥΣΣΕΥΣ", "οδυσσευς", "οδυσσευς"),
            ("İstanbul", "i\u{307}stanbul", "i\u{307}stanbul"),
            ("ﬁne ｆｕｌｌ", "fine full", "fine full"),
            (
                "  spaced\u{2003}out\u{a0}name\u{1c} ",
                "spaced out name",
                "spaced out name",
            ),
            ("[Bracketed] (Name)", "bracketed] (name", "bracketed] (name"),
            ("—Dash—", "dash", "dash"),
            ("Nokia Oyj", "nokia oyj", "nokia"),
            ("ACME GmbH, S.A.", "acme gmbh, s.a", "acme"),
            ("S.A.", "s.a", "s.a"),
            ("it’s", "it", "it"),
            ("The", "the", "the"),
            ("Kim\u{1c}Lee", "kim lee", "kim lee"),
            ("e\u{301}", "\u{e9}", "\u{e9}"),
            (
                "Acme Inc. Holdings",
                "acme inc. holdings",
                "acme inc. holdings",
            ),
        ];
        for (input, plain, party) in cases {
            assert_eq!(norm(input, false), plain, "norm({input:?})");
            assert_eq!(norm(input, true), party, "norm({input:?}, party)");
        }
    }

    #[test]
    fn eval_words_are_python_word_runs() {
        // combining marks split words in Python's \w, unlike the regex crate's
        assert_eq!(
            words("क्षि Nokia_3 ½ ²"),
            ["क", "ष", "nokia_3", "1", "2", "2"]
        );
        assert_eq!(words("don’t-stop"), ["don", "t", "stop"]);
        assert_eq!(words("日本 語"), ["日本", "語"]);
    }

    #[test]
    fn eval_rounding_and_floats_match_python() {
        assert_eq!(py_round(0.12345, 4), 0.1235);
        assert_eq!(py_round(2.0 / 3.0, 4), 0.6667);
        assert_eq!(py_round(0.03125, 4), 0.0312); // an exact tie goes to even
        assert_eq!(py_round(0.09375, 4), 0.0938);
        assert_eq!(format!("{:6.3}", 0.0625), " 0.062");
        let reprs = [
            (1.0, "1.0"),
            (0.6667, "0.6667"),
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1e16, "1e+16"),
            (1e-5, "1e-05"),
            (1e-4, "0.0001"),
            (1.5e-7, "1.5e-07"),
            (123456789.0, "123456789.0"),
            (9_101_391_237_541.312, "9101391237541.312"),
        ];
        for (x, repr) in reprs {
            assert_eq!(py_float_repr(x), repr);
        }
    }

    #[test]
    fn eval_labels_print_as_python_does() {
        let v: Value =
            serde_json::from_str(r#"[1, "it's", null, true, 1.0, 2.5e-7, [], "a\"'b\u0007"]"#)
                .unwrap_or_default();
        assert_eq!(
            py_str(&v),
            r#"[1, "it's", None, True, 1.0, 2.5e-07, [], 'a"\'b\x07']"#
        );
        assert_eq!(
            dumps(&v),
            r#"[1, "it's", null, true, 1.0, 2.5e-07, [], "a\"'b\u0007"]"#
        );
        assert_eq!(py_repr_str("\u{200b}é\u{a0}"), r"'\u200bé\xa0'");
    }

    #[test]
    fn eval_prf_edge_cases() {
        let t = |tp, fp, fn_| {
            TypeScore {
                tp,
                fp,
                fn_,
                attrs: Vec::new(),
            }
            .prf()
        };
        assert_eq!(t(0, 0, 0), (1.0, 1.0, 1.0));
        assert_eq!(t(0, 0, 3), (0.0, 0.0, 0.0));
        assert_eq!(t(0, 2, 0), (0.0, 1.0, 0.0));
        assert_eq!(t(1, 1, 0), (0.5, 1.0, 2.0 * 0.5 / 1.5));
    }

    #[test]
    fn eval_pairing_prefers_exact_then_first() {
        let record = |s: &str| serde_json::from_str::<Item>(s).unwrap_or_default();
        let gold = record(
            r#"{"dates": [{"text": "May", "optional": true}, {"text": "May 2020"}, {"text": "June"}]}"#,
        );
        let pred = record(
            r#"{"dates": [{"text": "2020"}, {"text": "in May 2020"}, {"text": "May 2020"}]}"#,
        );
        let (gold, pred) = (items(&gold, "dates"), items(&pred, "dates"));
        let paired = pair(&gold, &pred, &match_date, Some(&same_text));
        let texts = |v: &[&Item]| v.iter().map(|i| get(i, "text").clone()).collect::<Vec<_>>();
        // required items go first; "May 2020" takes its exact twin, not the first
        // overlap, and the optional "May" then takes the first overlap left
        let matched: Vec<&Item> = paired.pairs.iter().map(|p| p.1).collect();
        assert_eq!(texts(&matched), ["May 2020", "in May 2020"]);
        assert_eq!(texts(&paired.missed), ["June"]);
        assert_eq!(texts(&paired.extra), ["2020"]);
    }

    const GOLD: &str = r#"{"id": "a", "parties": [{"name": "Nokia Corporation", "aliases": ["Nokia"], "kind": "organization", "roles": ["defendant"]}, {"name": "Amazon.com, Inc.", "aliases": ["Amazon"], "kind": "organization", "roles": ["plaintiff"]}, {"name": "Jane Doe", "kind": "person", "roles": [], "optional": true}], "courts": [{"name": "District of Delaware", "id": "ded"}], "dates": [{"text": "March 3, 2025", "value": "2025-03-03"}, {"text": "2024", "value": "2024", "mod": "before"}], "products": [{"name": "Nokia CloudBand"}], "quotes": [{"text": "We will defend our patents vigorously in every court that hears this case.", "speaker": "Amazon.com, Inc."}], "cases": [{"plaintiffs": ["Amazon.com, Inc."], "defendants": ["Nokia Corporation"]}]}
{"id": 7, "parties": [{"name": "SEC"}], "dates": [{"text": "today", "value": "2009-01-06"}]}
"#;
    const PRED: &str = r#"{"id": "a", "parties": [{"name": "Amazon", "kind": "organization", "roles": ["plaintiff", "defendant"]}, {"name": "“Nokia” Corp.", "kind": "organization", "roles": ["defendant"]}, {"name": "Ghost LLC"}], "courts": [{"name": "Delaware federal court", "id": "ded"}], "dates": [{"text": "March 3", "value": "2025-03"}, {"text": "2024", "value": "2024"}], "products": [{"name": "CloudBand"}], "quotes": [{"text": "“We will defend our patents vigorously in every court”", "speaker": "Nokia"}], "cases": [{"plaintiffs": ["Amazon", "Unknown Inc."], "defendants": ["Nokia"]}]}
{"id": "7", "error": {"kind": "internal", "message": "boom"}}
"#;

    fn report() -> Report {
        let lines = |s: &str| {
            s.lines()
                .filter_map(|l| serde_json::from_str(l).ok())
                .collect::<Vec<Value>>()
        };
        score(&lines(GOLD), &lines(PRED), &TYPES)
    }

    #[test]
    fn eval_table_matches_score_py() {
        let expected = "\
type            P      R     F1    tp    fp    fn  attributes
parties     0.333  0.333  0.333     1     2     2  roles=0.00 kind=1.00
courts      1.000  1.000  1.000     1     0     0  id=1.00
dates       1.000  0.667  0.800     2     0     1  value=0.50 mod=0.00
products    1.000  1.000  1.000     1     0     0  \n\
quotes      1.000  1.000  1.000     1     0     0  speaker=0.00
cases       0.000  0.000  0.000     0     2     1  \n\
articles=2 missing_records=1 macro_f1=0.689
";
        assert_eq!(report().table(), expected);
    }

    #[test]
    fn eval_diff_matches_score_py() {
        let expected = [
            "a\tparties\tmissed\tNokia Corporation",
            "a\tparties\textra\t“Nokia” Corp.",
            "a\tparties\textra\tGhost LLC",
            "a\tquotes\tspeaker\tWe will defend our patents vigorously in every cou… gold=Amazon.com, Inc. pred=Nokia",
            "a\tcases\tmissed\tAmazon.com, Inc. v. Nokia Corporation",
            "a\tcases\textra\tAmazon.com, Inc. v. ?nokia",
            "a\tcases\textra\t?unknown v. ?nokia",
            "7\tparties\tmissed\tSEC",
            "7\tdates\tmissed\ttoday",
        ];
        assert_eq!(report().diff, expected);
    }

    #[test]
    fn eval_json_matches_score_py() {
        let json = report().json();
        assert!(json.starts_with("{\n  \"articles\": 2,\n  \"missing_records\": 1,\n  \"macro_f1\": 0.6889,\n  \"types\": {\n    \"parties\": {\n      \"precision\": 0.3333,\n"));
        assert!(json.contains("\"dates\": {\n      \"precision\": 1.0,\n      \"recall\": 0.6667,\n      \"f1\": 0.8,\n      \"tp\": 2,\n      \"fp\": 0,\n      \"fn\": 1,\n      \"value_accuracy\": 0.5,\n      \"mod_accuracy\": 0.0\n    },"));
        assert!(json.ends_with("      \"fn\": 1\n    }\n  }\n}\n"));
        let empty = score(&[], &[], &[]).json();
        assert_eq!(
            empty,
            "{\n  \"articles\": 0,\n  \"missing_records\": 0,\n  \"macro_f1\": 0.0,\n  \"types\": {}\n}\n"
        );
    }

    #[test]
    fn eval_load_names_file_and_line() {
        let dir = std::env::temp_dir().join(format!("gazette-eval-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join("gold.jsonl");
        let _ = std::fs::write(&path, "{\"id\": 1}\r\n\n  \r{\"id\": 2}\n{\"x\": 3}\n");
        let err = load(&path).err().unwrap_or_default();
        assert!(err.ends_with("gold.jsonl:5: record has no id"), "{err}");
        let _ = std::fs::write(&path, "{\"id\": 1}\n{\"id\": \n");
        let err = load(&path).err().unwrap_or_default();
        assert!(err.contains("gold.jsonl:2: not JSON: "), "{err}");
        let _ = std::fs::write(&path, "{\"id\": 1}\n\n{\"id\": \"b\"}\n");
        assert_eq!(load(&path).map(|v| v.len()), Ok(2));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
