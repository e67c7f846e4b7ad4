//! Reading articles: plain-text files, JSON Lines files, directories and
//! standard input (SPEC section 1). The reader streams: it holds one line or
//! one file at a time, and every article it finds becomes exactly one item,
//! an `Article` or an `InputError`, in input order.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::Value;

use crate::record::first_escape;

/// One article to extract from.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Article {
    /// The article's id: the `id` field, or the file name without extension.
    pub id: String,
    /// The text, exactly as received (a leading BOM dropped).
    pub text: String,
    /// Publication date `YYYY-MM-DD`, the reference for relative dates.
    pub date: Option<String>,
}

impl Article {
    /// An article with an id and a text and no date.
    pub fn new(id: impl Into<String>, text: impl Into<String>) -> Article {
        Article { id: id.into(), text: text.into(), date: None }
    }
}

/// An input that could not become an article; it is reported as an error
/// record in the article's place.
#[derive(Clone, Debug, PartialEq)]
pub struct InputError {
    /// The article's id when it could be recovered, else `FILE:LINE`.
    pub id: String,
    /// A short machine-readable kind: `json`, `no_text`, `utf8`, `io`, `too_large`.
    pub kind: &'static str,
    /// What is wrong, for people.
    pub message: String,
}

/// What the reader yields for each article.
pub type Item = Result<Article, InputError>;

/// How standard input is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StdinFormat {
    /// One JSON object per line.
    JsonLines,
    /// The whole of stdin is one article.
    Text,
}

enum Source {
    Stdin,
    Path(PathBuf),
    Failed(String, String),
}

/// A streaming reader over every article of a list of paths (`-` is stdin).
pub struct Reader {
    sources: VecDeque<Source>,
    lines: Option<Lines>,
    stdin_format: StdinFormat,
    max_bytes: usize,
}

struct Lines {
    name: String,
    reader: Box<dyn BufRead + Send>,
    line_no: usize,
    /// The current line, its allocation kept from line to line.
    buf: Vec<u8>,
}

impl Reader {
    /// A reader over `paths`; an empty list reads stdin. Directories are
    /// expanded to their `.txt` and `.jsonl` files, recursively, sorted.
    /// Articles longer than `max_bytes` become `too_large` errors.
    pub fn new(paths: &[PathBuf], stdin_format: StdinFormat, max_bytes: usize) -> Reader {
        let mut sources = VecDeque::new();
        if paths.is_empty() {
            sources.push_back(Source::Stdin);
        }
        for p in paths {
            if p.as_os_str() == "-" {
                sources.push_back(Source::Stdin);
            } else if p.is_dir() {
                let mut files = Vec::new();
                if let Err(e) = walk(p, &mut files) {
                    sources.push_back(Source::Failed(p.display().to_string(), e.to_string()));
                }
                files.sort();
                sources.extend(files.into_iter().map(Source::Path));
            } else {
                sources.push_back(Source::Path(p.clone()));
            }
        }
        Reader { sources, lines: None, stdin_format, max_bytes }
    }

    fn next_line_item(&mut self) -> Option<Item> {
        let max = self.max_bytes;
        let lines = self.lines.as_mut()?;
        loop {
            lines.line_no += 1;
            // `FILE:LINE`, made only for an error or a missing id.
            let at = || format!("{}:{}", lines.name, lines.line_no);
            match read_line(&mut lines.reader, max, &mut lines.buf) {
                Ok(Line::End) => {
                    self.lines = None;
                    return None;
                }
                Ok(Line::TooLong) => {
                    return Some(Err(InputError {
                        id: at(),
                        kind: "too_large",
                        message: format!("line longer than the limit of {max} bytes"),
                    }));
                }
                Ok(Line::Bytes) => {
                    let bytes = strip_bom(&lines.buf, lines.line_no == 1);
                    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
                        continue;
                    }
                    return Some(parse_line(bytes, &at));
                }
                Err(e) => {
                    let id = at();
                    self.lines = None;
                    return Some(Err(InputError { id, kind: "io", message: e.to_string() }));
                }
            }
        }
    }
}

impl Iterator for Reader {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        loop {
            if self.lines.is_some() {
                if let Some(item) = self.next_line_item() {
                    return Some(item);
                }
                continue;
            }
            match self.sources.pop_front()? {
                Source::Failed(id, message) => {
                    return Some(Err(InputError { id, kind: "io", message }));
                }
                Source::Stdin => {
                    let reader: Box<dyn BufRead + Send> = Box::new(BufReader::new(io::stdin()));
                    match self.stdin_format {
                        StdinFormat::JsonLines => {
                            self.lines = Some(Lines { name: "<stdin>".into(), reader, line_no: 0, buf: Vec::new() });
                        }
                        StdinFormat::Text => return Some(read_text("stdin", reader, self.max_bytes)),
                    }
                }
                Source::Path(path) => {
                    let id = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
                    let file = match File::open(&path) {
                        Ok(f) => f,
                        Err(e) => {
                            return Some(Err(InputError {
                                id,
                                kind: "io",
                                message: format!("{}: {e}", path.display()),
                            }));
                        }
                    };
                    let reader: Box<dyn BufRead + Send> = Box::new(BufReader::new(file));
                    if path.extension().is_some_and(|e| e == "jsonl") {
                        self.lines = Some(Lines { name: path.display().to_string(), reader, line_no: 0, buf: Vec::new() });
                    } else {
                        return Some(read_text(&id, reader, self.max_bytes));
                    }
                }
            }
        }
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "txt" || e == "jsonl") {
            out.push(path);
        }
    }
    Ok(())
}

enum Line {
    /// The line is in the buffer.
    Bytes,
    TooLong,
    End,
}

/// Reads one line into `buf` without ever holding more than `max` bytes of it.
fn read_line(reader: &mut dyn BufRead, max: usize, buf: &mut Vec<u8>) -> io::Result<Line> {
    buf.clear();
    let n = reader.take(max as u64 + 1).read_until(b'\n', buf)?;
    if n == 0 {
        return Ok(Line::End);
    }
    if buf.last() == Some(&b'\n') || buf.len() <= max {
        return Ok(Line::Bytes);
    }
    // Skip the rest of the oversized line.
    loop {
        let chunk = reader.fill_buf()?;
        if chunk.is_empty() {
            return Ok(Line::TooLong);
        }
        match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => {
                reader.consume(i + 1);
                return Ok(Line::TooLong);
            }
            None => {
                let len = chunk.len();
                reader.consume(len);
            }
        }
    }
}

fn strip_bom(bytes: &[u8], first: bool) -> &[u8] {
    if first { bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes) } else { bytes }
}

fn read_text(id: &str, reader: Box<dyn BufRead + Send>, max: usize) -> Item {
    let mut bytes = Vec::new();
    if let Err(e) = reader.take(max as u64 + 1).read_to_end(&mut bytes) {
        return Err(InputError { id: id.into(), kind: "io", message: e.to_string() });
    }
    if bytes.len() > max {
        return Err(InputError {
            id: id.into(),
            kind: "too_large",
            message: format!("article longer than the limit of {max} bytes"),
        });
    }
    let bytes = strip_bom(&bytes, true).to_vec();
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Article { id: id.into(), text, date: None }),
        Err(e) => Err(InputError {
            id: id.into(),
            kind: "utf8",
            message: format!("invalid UTF-8 at byte {}", e.utf8_error().valid_up_to()),
        }),
    }
}

/// Parses one JSON Lines record; `at` (`FILE:LINE`) stands in for a missing id.
pub fn parse_json_line(bytes: &[u8], at: &str) -> Item {
    parse_line(bytes, &|| at.to_string())
}

/// `parse_json_line` with `at` made only when needed: the reader formatted
/// it for every line, to use it on few.
fn parse_line(bytes: &[u8], at: &dyn Fn() -> String) -> Item {
    let Ok(line) = std::str::from_utf8(bytes) else { return parse_json_value(bytes, &at()) };
    if let Some(article) = plain_line(line, at) {
        return Ok(article);
    }
    // A valid object with a string `text` skips the `Value` tree; anything
    // else takes the general path for its error.
    match serde_json::from_str::<Fields>(line) {
        Ok(Fields { id, text: Some(Value::String(text)), date, published }) => {
            let id = id.as_ref().and_then(id_text).unwrap_or_else(at);
            let date = [date, published].iter().find_map(|v| v.as_ref().and_then(Value::as_str)).and_then(iso_day);
            Ok(Article { id, text, date })
        }
        _ => parse_json_value(bytes, &at()),
    }
}

/// The usual record read without serde: an object whose values are all
/// strings, with a `text`, and no escape in a key or of a surrogate in a
/// value. Serde spent more on each line than everything else reading it
/// did; this finds the strings' ends and escapes sixteen bytes at a time,
/// and then copies each wanted string once, from escape to escape. `None`
/// for any other line, which serde then reads as before; what this
/// accepts, serde reads alike (the last of a repeated key wins, as there).
fn plain_line(line: &str, at: &dyn Fn() -> String) -> Option<Article> {
    const KEYS: [&str; 4] = ["id", "text", "date", "published"];
    let mut values: [Option<JsonString>; 4] = Default::default();
    // Room for the escapes of the usual text, one in a hundred bytes or so,
    // instead of growing the list from four.
    let mut s = Cursor { line, at: 0, escapes: Vec::with_capacity(line.len() / 64) };
    s.token(b'{')?;
    if !s.at_token(b'}') {
        loop {
            let key = s.string()?;
            s.token(b':')?;
            let value = s.string()?;
            if !key.escapes.is_empty() {
                return None;
            }
            if let Some(k) = KEYS.iter().position(|k| *k == &line[key.body.clone()]) {
                values[k] = Some(value);
            }
            if !s.at_token(b',') {
                break;
            }
        }
        s.token(b'}')?;
    }
    s.skip_whitespace();
    if s.at < line.len() {
        return None;
    }
    let [id, text, date, published] = values;
    let id = match id {
        Some(id) => s.unescape(&id)?,
        None => at(),
    };
    let date = match date.or(published) {
        Some(date) => iso_day(&s.unescape(&date)?),
        None => None,
    };
    Some(Article { id, text: s.unescape(&text?)?, date })
}

/// A position in a JSON line, for `plain_line`.
struct Cursor<'l> {
    line: &'l str,
    at: usize,
    /// Where the escapes of the strings read so far are, in order.
    escapes: Vec<usize>,
}

/// A string of a JSON line, checked, by the byte range between its quotes
/// and the range of its escapes in `Cursor::escapes`.
struct JsonString {
    body: Range<usize>,
    escapes: Range<usize>,
}

impl Cursor<'_> {
    /// Skips what JSON counts as whitespace between tokens.
    fn skip_whitespace(&mut self) {
        while matches!(self.line.as_bytes().get(self.at), Some(b' ' | b'\n' | b'\t' | b'\r')) {
            self.at += 1;
        }
    }

    /// Skips whitespace and then `byte`, which must follow.
    fn token(&mut self, byte: u8) -> Option<()> {
        self.at_token(byte).then_some(())
    }

    /// Skips whitespace, and then `byte` if it follows.
    fn at_token(&mut self, byte: u8) -> bool {
        self.skip_whitespace();
        let found = self.line.as_bytes().get(self.at) == Some(&byte);
        self.at += usize::from(found);
        found
    }

    /// Skips whitespace and a string, noting its escapes. `None` when there
    /// is no string, it has a control character or an escape `escape` does
    /// not read, or too many escapes, or it never ends.
    fn string(&mut self) -> Option<JsonString> {
        self.token(b'"')?;
        let (start, escapes_before) = (self.at, self.escapes.len());
        let bytes = self.line.as_bytes();
        loop {
            self.at += first_escape(&bytes[self.at..])?;
            match bytes[self.at] {
                b'"' => break,
                // A line denser in escapes than one per 16 bytes is left to
                // serde: their list stays within half the line's size.
                b'\\' if 16 * self.escapes.len() < bytes.len() => {
                    self.escapes.push(self.at);
                    self.at += escape(&bytes[self.at..])?.1;
                }
                _ => return None,
            }
        }
        self.at += 1;
        Some(JsonString { body: start..self.at - 1, escapes: escapes_before..self.escapes.len() })
    }

    /// The text a string read by `string` spells.
    fn unescape(&self, string: &JsonString) -> Option<String> {
        let escapes = &self.escapes[string.escapes.clone()];
        let mut out = String::with_capacity(string.body.len());
        let mut from = string.body.start;
        for &at in escapes {
            out.push_str(&self.line[from..at]);
            let (c, len) = escape(&self.line.as_bytes()[at..])?;
            out.push(c);
            from = at + len;
        }
        out.push_str(&self.line[from..string.body.end]);
        Some(out)
    }
}

/// The character of the string escape `bytes` starts with, and its length.
/// `None` for a bad escape and for a `\\u` of half a surrogate pair, which
/// serde pairs up or rejects.
fn escape(bytes: &[u8]) -> Option<(char, usize)> {
    let c = match *bytes.get(1)? {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'u' => {
            let code = bytes.get(2..6)?.iter().try_fold(0, |code, b| Some(16 * code + char::from(*b).to_digit(16)?))?;
            return Some((char::from_u32(code)?, 6));
        }
        _ => return None,
    };
    Some((c, 2))
}

/// The fields of a JSON Lines record that make an article. Every other
/// field is parsed too, so a line passes or fails exactly as a `Value`.
#[derive(Default)]
struct Fields {
    id: Option<Value>,
    text: Option<Value>,
    date: Option<Value>,
    published: Option<Value>,
}

impl<'de> Deserialize<'de> for Fields {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Fields, D::Error> {
        deserializer.deserialize_map(FieldsVisitor)
    }
}

struct FieldsVisitor;

impl<'de> Visitor<'de> for FieldsVisitor {
    type Value = Fields;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields, A::Error> {
        let mut fields = Fields::default();
        while let Some(key) = map.next_key::<String>()? {
            let value = Some(map.next_value::<Value>()?);
            // A repeated key keeps its last value, as in a `Value` object.
            match key.as_str() {
                "id" => fields.id = value,
                "text" => fields.text = value,
                "date" => fields.date = value,
                "published" => fields.published = value,
                _ => {}
            }
        }
        Ok(fields)
    }
}

/// Parses a line through a `Value` tree: the general path, which tells
/// every kind of bad line apart.
fn parse_json_value(bytes: &[u8], at: &str) -> Item {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            // Recover the id when the rest of the line is readable.
            let lossy = String::from_utf8_lossy(bytes);
            let id = serde_json::from_str::<Value>(&lossy).ok().and_then(|v| id_of(&v)).unwrap_or_else(|| at.into());
            return Err(InputError {
                id,
                kind: "utf8",
                message: format!("{at}: invalid UTF-8 at byte {}", e.valid_up_to()),
            });
        }
    };
    let value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => return Err(InputError { id: at.into(), kind: "json", message: format!("{at}: not JSON: {e}") }),
    };
    let id = id_of(&value).unwrap_or_else(|| at.into());
    let Some(obj) = value.as_object() else {
        return Err(InputError { id, kind: "json", message: format!("{at}: not a JSON object") });
    };
    let Some(text) = obj.get("text").and_then(Value::as_str) else {
        return Err(InputError { id, kind: "no_text", message: format!("{at}: no string field `text`") });
    };
    let date = ["date", "published"].iter().find_map(|k| obj.get(*k).and_then(Value::as_str)).and_then(iso_day);
    Ok(Article { id, text: text.to_string(), date })
}

fn id_of(v: &Value) -> Option<String> {
    id_text(v.get("id")?)
}

/// An id field as text: a string, or a number as JSON writes it.
fn id_text(id: &Value) -> Option<String> {
    match id {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// `YYYY-MM-DD` from a date or a date-time string (`2024-07-31T09:00:00Z`).
pub fn iso_day(s: &str) -> Option<String> {
    let day = s.get(..10)?;
    let b = day.as_bytes();
    let ok = b.iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() });
    ok.then(|| day.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::collection::vec;
    use proptest::prelude::*;
    use proptest::sample::select;

    /// JSON Lines records, mostly objects, with the fields that matter
    /// repeated, mistyped, escaped or broken, and some lines that are not
    /// objects, not JSON or not UTF-8.
    fn line() -> impl Strategy<Value = Vec<u8>> {
        let key = prop_oneof![
            4 => select(vec!["id", "text", "date", "published"]),
            1 => select(vec!["title", "te\\u0078t", "", "ID"]),
        ];
        let value = prop_oneof![
            4 => select(vec![
                "\"abc\"", "\"a\\nb\\t\\u2019\"", "\"\\ud83d\\ude00\"", "\"\u{e9}\u{1f600}\"", "12", "-0", "1.5e3", "18446744073709551616",
                "null", "true", "[1, \"x\", {}]", "{\"id\": 3}", "\"2024-07-31T09:00:00Z\"", "\"2023-01-02\"", "\"2024-7-31\"", "\"\"",
                "\"\\\"\\\\\"",
            ]),
            1 => select(vec!["\"\\ud800\"", "\"a\u{1}b\"", "1e400", "\"\\x\"", "01"]),
        ];
        let object = vec((key, value), 0..8).prop_map(|fields| {
            let members: Vec<String> = fields.iter().map(|(k, v)| format!("\"{k}\": {v}")).collect();
            format!("{{{}}}", members.join(", "))
        });
        let damage = select(vec![" ", "\t\r", "x", "}", ",", "\u{feff}"]);
        prop_oneof![
            6 => object.clone().prop_map(String::into_bytes),
            1 => (object.clone(), damage).prop_map(|(o, d)| format!("{o}{d}").into_bytes()),
            1 => object.clone().prop_map(|o| format!("[{o}]").into_bytes()),
            1 => (object, 0..64usize, any::<u8>()).prop_map(|(o, at, byte)| {
                let mut bytes = o.into_bytes();
                let at = at.min(bytes.len());
                bytes.insert(at, byte | 0x80);
                bytes
            }),
            1 => any::<Vec<u8>>(),
        ]
    }

    proptest! {
        // Cheap cases, and a line must draw a string text and the right
        // repeats for a field mix-up to show: many of them.
        #![proptest_config(ProptestConfig::with_cases(4096))]
        #[test]
        fn input_lines_parse_as_through_a_value_tree(line in line()) {
            prop_assert_eq!(parse_json_line(&line, "f:1"), parse_json_value(&line, "f:1"));
        }
    }

    /// Pieces of a JSON string's body that `plain_line` reads: plain and
    /// other characters, every escape it decodes.
    const GOOD_PIECES: [&str; 21] = [
        "a", " ", "Acme", "\u{e9}", "\u{1f600}", "\u{7f}", "\\n", "\\\"", "\\\\", "\\/", "\\b", "\\f", "\\r", "\\t", "\\u0041", "\\u00e9",
        "\\u2019", "\\u00E9", "\\u0000", "2024-07-31", "T09:00:00Z",
    ];

    /// A JSON string's body that `plain_line` reads.
    fn good_body() -> impl Strategy<Value = String> {
        vec(select(GOOD_PIECES.to_vec()), 0..6).prop_map(|pieces| pieces.concat())
    }

    /// A JSON string's body, good or not: also the halves of a surrogate
    /// pair together and alone, bad escapes, raw control characters.
    fn string_body() -> impl Strategy<Value = String> {
        let bad = select(vec![
            "\\uD83D\\uDE00", "\\ud83d", "\\ude00", "\\uDBFF\\uDFFF", "\\u12G4", "\\u+123", "\\u12", "\\x", "\\", "\u{1}", "\t", "\n",
        ]);
        let piece = prop_oneof![3 => select(GOOD_PIECES.to_vec()), 1 => bad];
        vec(piece, 0..6).prop_map(|pieces| pieces.concat())
    }

    /// Records as `plain_line` reads them, and near misses: string and other
    /// values, keys escaped or repeated, JSON and other whitespace between
    /// tokens, escapes sparse and dense, and the same lines with one byte
    /// inserted, replaced or cut.
    fn mutated_line() -> impl Strategy<Value = Vec<u8>> {
        let space = prop_oneof![8 => select(vec!["", "", " ", "\t", "\r\n"]), 1 => select(vec!["\u{a0}", "\u{c}"])];
        let key = prop_oneof![
            6 => select(vec!["id", "text", "date", "published", "title"]),
            1 => select(vec!["te\\u0078t", "", "ID", "text "]),
        ];
        let value = prop_oneof![
            6 => good_body().prop_map(|b| format!("\"{b}\"")),
            1 => Just(format!("\"{}\"", "a".repeat(256))),
            2 => string_body().prop_map(|b| format!("\"{b}\"")),
            1 => select(vec!["12", "null", "[\"a\"]", "{\"text\": \"a\"}", "\"a", "'a'"]).prop_map(String::from),
        ];
        let member = (space.clone(), key, space.clone(), value, space.clone())
            .prop_map(|(s1, k, s2, v, s3)| format!("{s1}\"{k}\"{s2}:{s2}{v}{s3}"));
        let after = prop_oneof![4 => Just(""), 1 => select(vec![",", "}", "x"])];
        let object = (space.clone(), vec(member, 0..6), space, after)
            .prop_map(|(s, members, s2, after)| format!("{s}{{{}}}{s2}{after}", members.join(",")).into_bytes());
        prop_oneof![
            4 => object.clone(),
            1 => (object, any::<usize>(), any::<u8>(), 0..3u8).prop_map(|(mut bytes, at, byte, how)| {
                let at = at % (bytes.len() + 1);
                match how {
                    0 => bytes.insert(at, byte),
                    _ if at == bytes.len() => {}
                    1 => bytes[at] = byte,
                    _ => {
                        bytes.remove(at);
                    }
                }
                bytes
            }),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(8192))]
        #[test]
        fn input_plain_lines_read_as_through_serde(line in mutated_line()) {
            let plain = std::str::from_utf8(&line).ok().and_then(|l| plain_line(l, &|| "f:1".into()));
            let general = parse_json_value(&line, "f:1");
            if let Some(article) = plain {
                prop_assert_eq!(Ok(article), general.clone());
            }
            prop_assert_eq!(parse_json_line(&line, "f:1"), general);
        }

        #[test]
        fn input_plain_lines_take_every_string_record_without_surrogate_escapes(
            members in vec((select(vec!["id", "text", "date", "published", "title"]), good_body()), 0..5),
            text in good_body(),
        ) {
            // With a long plain member, fewer escapes than one per 16 bytes.
            let padding = format!("\"title\": \"{}\"", "a".repeat(1024));
            let members: Vec<String> =
                [padding].into_iter().chain(members.iter().map(|(k, b)| format!("\"{k}\": \"{b}\""))).chain([format!("\"text\":\"{text}\"")]).collect();
            let line = format!("{{{}}}\n", members.join(", "));
            prop_assert!(plain_line(&line, &|| "f:1".into()).is_some(), "{}", line);
        }
    }

    #[test]
    fn input_json_line_errors_keep_the_id() {
        let e = parse_json_line(br#"{"id": "a1", "title": "x"}"#, "f:1").unwrap_err();
        assert_eq!((e.id.as_str(), e.kind), ("a1", "no_text"));
        let e = parse_json_line(b"{not json", "f:2").unwrap_err();
        assert_eq!((e.id.as_str(), e.kind), ("f:2", "json"));
        let e = parse_json_line(b"{\"id\": \"u\", \"text\": \"\xff\"}", "f:3").unwrap_err();
        assert_eq!((e.id.as_str(), e.kind), ("u", "utf8"));
    }

    #[test]
    fn input_dates_accept_date_times() {
        let a = parse_json_line(br#"{"id": 7, "text": "t", "published": "2024-07-31T10:00:00Z"}"#, "f:1").unwrap();
        assert_eq!((a.id.as_str(), a.date.as_deref()), ("7", Some("2024-07-31")));
        assert_eq!(iso_day("July 31"), None);
    }
}
