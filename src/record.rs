//! The output record (SPEC section 2): fixed key order, character offsets.
//! Spans are bytes everywhere else; this is the one place they become
//! Unicode scalar offsets, so `text[start..end]` in Python equals `text`.

use serde::Serialize;

use crate::span::Span;

/// One article's record.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Record {
    /// The article's id.
    pub id: String,
    /// The date relative expressions were resolved against.
    pub reference_date: Option<String>,
    /// Organizations and people.
    pub parties: Vec<PartyOut>,
    /// Courts and tribunals.
    pub courts: Vec<CourtOut>,
    /// Date expressions.
    pub dates: Vec<DateOut>,
    /// Named products.
    pub products: Vec<ProductOut>,
    /// Quotations.
    pub quotes: Vec<QuoteOut>,
    /// Legal actions.
    pub cases: Vec<CaseOut>,
}

/// Where an entity is mentioned.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct MentionOut {
    /// First character.
    pub start: usize,
    /// One past the last character.
    pub end: usize,
    /// The mention's text.
    pub text: String,
    /// The rule that found it (with `--explain`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
}

/// A party.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct PartyOut {
    /// Fullest name used.
    pub name: String,
    /// `organization` or `person`.
    pub kind: &'static str,
    /// `plaintiff`, `defendant`.
    pub roles: Vec<&'static str>,
    /// Mentions.
    pub mentions: Vec<MentionOut>,
}

/// A court.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CourtOut {
    /// Official name.
    pub name: String,
    /// CourtListener or project id.
    pub id: Option<String>,
    /// ISO 3166 alpha-2.
    pub country: Option<String>,
    /// Mentions.
    pub mentions: Vec<MentionOut>,
}

/// A date expression.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct DateOut {
    /// The expression.
    pub text: String,
    /// TIMEX3 value.
    pub value: Option<String>,
    /// Grain.
    pub grain: Option<&'static str>,
    /// START, MID, END, APPROX.
    #[serde(rename = "mod")]
    pub modifier: Option<&'static str>,
    /// First character.
    pub start: usize,
    /// One past the last character.
    pub end: usize,
    /// The rule that found it (with `--explain`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
}

/// A product.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ProductOut {
    /// Fullest form used.
    pub name: String,
    /// Maker.
    pub owner: Option<String>,
    /// Mentions.
    pub mentions: Vec<MentionOut>,
}

/// A quotation.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct QuoteOut {
    /// The words inside the marks.
    pub text: String,
    /// Speaker's party name or describing phrase.
    pub speaker: Option<String>,
    /// First character.
    pub start: usize,
    /// One past the last character.
    pub end: usize,
    /// The span naming the speaker.
    pub speaker_mention: Option<MentionOut>,
}

/// A legal action.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CaseOut {
    /// Party names.
    pub plaintiffs: Vec<String>,
    /// Party names.
    pub defendants: Vec<String>,
    /// Court id.
    pub court: Option<String>,
    /// Date value.
    pub filed: Option<String>,
    /// Short phrase.
    pub subject: Option<String>,
}

/// The record of an article that could not be read or extracted.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ErrorRecord {
    /// The article's id, or `FILE:LINE`.
    pub id: String,
    /// What went wrong.
    pub error: ErrorBody,
}

/// Kind and message of an error record.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ErrorBody {
    /// Machine-readable kind.
    pub kind: String,
    /// For people.
    pub message: String,
}

impl Record {
    /// Appends the record's JSON to `out`, byte for byte what `serde_json`
    /// writes (compact, or pretty with two-space indents), but without its
    /// per-write and per-byte overhead: output was the run's largest cost
    /// after the rules.
    pub fn write_json(&self, out: &mut Vec<u8>, pretty: bool) {
        self.write(&mut Json { out, pretty, depth: 0, empty: true });
    }
}

/// A JSON writer with `serde_json`'s layout: compact, or pretty as its
/// `PrettyFormatter` (`"key": value`, one member per line, `[]` when empty).
struct Json<'o> {
    out: &'o mut Vec<u8>,
    pretty: bool,
    depth: usize,
    /// Nothing written yet in the innermost object or array.
    empty: bool,
}

impl Json<'_> {
    #[inline(always)]
    fn open(&mut self, bracket: u8) {
        self.out.push(bracket);
        self.depth += 1;
        self.empty = true;
    }

    #[inline(always)]
    fn close(&mut self, bracket: u8) {
        self.depth -= 1;
        if self.pretty && !self.empty {
            self.newline();
        }
        self.out.push(bracket);
        // The container just closed is a member of its parent.
        self.empty = false;
    }

    /// The separator before an object member or an array item.
    #[inline(always)]
    fn member(&mut self) {
        if !self.empty {
            self.out.push(b',');
        }
        if self.pretty {
            self.newline();
        }
        self.empty = false;
    }

    fn newline(&mut self) {
        self.out.push(b'\n');
        for _ in 0..self.depth {
            self.out.extend_from_slice(b"  ");
        }
    }

    fn object(&mut self, members: impl FnOnce(&mut Self)) {
        self.open(b'{');
        members(self);
        self.close(b'}');
    }

    /// An object member: `key` holds its separators and quoted name in one
    /// piece, so compact output writes it at once.
    #[inline(always)]
    fn field(&mut self, Key(key): Key, value: &(impl WriteJson + ?Sized)) {
        let key = key.as_bytes();
        if self.pretty {
            self.member();
            self.out.extend_from_slice(&key[1..]);
        } else {
            // Without its comma before the first member, without its space.
            self.out.extend_from_slice(&key[usize::from(self.empty)..key.len() - 1]);
            self.empty = false;
        }
        value.write(self);
    }
}

/// The key of an object member for `Json::field`, as `,"name": ` (keys are
/// plain ASCII names: nothing to escape). Made only by [`key!`], so that
/// `field` can cut the comma and the space off by position.
#[derive(Clone, Copy)]
struct Key(&'static str);

macro_rules! key {
    ($name:literal) => {
        Key(concat!(",\"", $name, "\": "))
    };
}

/// A value the JSON writer knows how to write.
trait WriteJson {
    fn write(&self, w: &mut Json);
}

/// Writes a string or number by serde_json itself, so that it is escaped
/// and spelled exactly as serde_json does. Writing to a Vec cannot fail.
fn scalar(value: &(impl Serialize + ?Sized), w: &mut Json) {
    let _ = value.serialize(&mut serde_json::Serializer::new(&mut *w.out));
}

impl WriteJson for str {
    /// Most strings (names, mention texts, most quotes) need no escape: they
    /// are copied whole, where serde_json would test them byte by byte.
    fn write(&self, w: &mut Json) {
        if needs_escape(self.as_bytes()) {
            scalar(self, w);
        } else {
            w.out.reserve(self.len() + 2);
            w.out.push(b'"');
            w.out.extend_from_slice(self.as_bytes());
            w.out.push(b'"');
        }
    }
}

/// Whether serde_json escapes any of `bytes`: a control character, `"` or
/// `\\`.
fn needs_escape(bytes: &[u8]) -> bool {
    first_escape(bytes).is_some()
}

/// Where the first byte is that a JSON string cannot hold as it is: a
/// control character, `"` or `\\`. Sixteen bytes at a time, the last few
/// padded with spaces. The writer asks it whether a string needs escaping;
/// the reader, where a string of a JSON Lines record ends or has an escape.
pub(crate) fn first_escape(bytes: &[u8]) -> Option<usize> {
    let mut at = 0;
    while let Some(block) = bytes[at..].first_chunk::<16>() {
        let mask = escape_mask(block);
        if mask != 0 {
            return Some(at + mask.trailing_zeros() as usize);
        }
        at += 16;
    }
    let mut last = [b' '; 16];
    last[..bytes.len() - at].copy_from_slice(&bytes[at..]);
    let mask = escape_mask(&last);
    (mask != 0).then(|| at + mask.trailing_zeros() as usize)
}

/// Which of sixteen bytes are below 0x20, `"` or `\\`: bit `i` for byte `i`.
/// Written with SSE2 (part of every x86_64): one compare per kind of byte
/// for all sixteen.
#[cfg(target_arch = "x86_64")]
fn escape_mask(block: &[u8; 16]) -> u32 {
    use std::arch::x86_64::{_mm_cmpeq_epi8, _mm_loadu_si128, _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8};
    // SAFETY: SSE2 is enabled on every x86_64 target, and the load reads
    // the block's 16 bytes, which `loadu` takes at any alignment.
    unsafe {
        let v = _mm_loadu_si128(block.as_ptr().cast());
        // A byte is at most 0x1F exactly when its minimum with 0x1F is itself.
        let control = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1F)), v);
        let quote = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'"' as i8));
        let backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\\' as i8));
        _mm_movemask_epi8(_mm_or_si128(control, _mm_or_si128(quote, backslash))) as u32
    }
}

/// `escape_mask` without SSE2, byte by byte.
#[cfg(any(test, not(target_arch = "x86_64")))]
fn escape_mask_portable(block: &[u8; 16]) -> u32 {
    block.iter().enumerate().filter(|(_, b)| **b < 0x20 || **b == b'"' || **b == b'\\').map(|(i, _)| 1 << i).sum()
}

#[cfg(not(target_arch = "x86_64"))]
use escape_mask_portable as escape_mask;

impl WriteJson for String {
    fn write(&self, w: &mut Json) {
        self.as_str().write(w);
    }
}

impl<T: WriteJson + ?Sized> WriteJson for &T {
    fn write(&self, w: &mut Json) {
        (**self).write(w);
    }
}

impl WriteJson for usize {
    fn write(&self, w: &mut Json) {
        scalar(self, w);
    }
}

impl<T: WriteJson> WriteJson for Option<T> {
    fn write(&self, w: &mut Json) {
        match self {
            Some(value) => value.write(w),
            None => w.out.extend_from_slice(b"null"),
        }
    }
}

impl<T: WriteJson> WriteJson for Vec<T> {
    fn write(&self, w: &mut Json) {
        w.open(b'[');
        for item in self {
            w.member();
            item.write(w);
        }
        w.close(b']');
    }
}

impl WriteJson for Record {
    fn write(&self, w: &mut Json) {
        w.object(|w| {
            w.field(key!("id"), &self.id);
            w.field(key!("reference_date"), &self.reference_date);
            w.field(key!("parties"), &self.parties);
            w.field(key!("courts"), &self.courts);
            w.field(key!("dates"), &self.dates);
            w.field(key!("products"), &self.products);
            w.field(key!("quotes"), &self.quotes);
            w.field(key!("cases"), &self.cases);
        });
    }
}

impl WriteJson for MentionOut {
    fn write(&self, w: &mut Json) {
        w.object(|w| {
            w.field(key!("start"), &self.start);
            w.field(key!("end"), &self.end);
            w.field(key!("text"), &self.text);
            if let Some(rule) = &self.rule {
                w.field(key!("rule"), rule);
            }
        });
    }
}

impl WriteJson for PartyOut {
    fn write(&self, w: &mut Json) {
        w.object(|w| {
            w.field(key!("name"), &self.name);
            w.field(key!("kind"), self.kind);
            w.field(key!("roles"), &self.roles);
            w.field(key!("mentions"), &self.mentions);
        });
    }
}

impl WriteJson for CourtOut {
    fn write(&self, w: &mut Json) {
        w.object(|w| {
            w.field(key!("name"), &self.name);
            w.field(key!("id"), &self.id);
            w.field(key!("country"), &self.country);
            w.field(key!("mentions"), &self.mentions);
        });
    }
}

impl WriteJson for DateOut {
    fn write(&self, w: &mut Json) {
        w.object(|w| {
            w.field(key!("text"), &self.text);
            w.field(key!("value"), &self.value);
            w.field(key!("grain"), &self.grain);
            w.field(key!("mod"), &self.modifier);
            w.field(key!("start"), &self.start);
            w.field(key!("end"), &self.end);
            if let Some(rule) = &self.rule {
                w.field(key!("rule"), rule);
            }
        });
    }
}

impl WriteJson for ProductOut {
    fn write(&self, w: &mut Json) {
        w.object(|w| {
            w.field(key!("name"), &self.name);
            w.field(key!("owner"), &self.owner);
            w.field(key!("mentions"), &self.mentions);
        });
    }
}

impl WriteJson for QuoteOut {
    fn write(&self, w: &mut Json) {
        w.object(|w| {
            w.field(key!("text"), &self.text);
            w.field(key!("speaker"), &self.speaker);
            w.field(key!("start"), &self.start);
            w.field(key!("end"), &self.end);
            w.field(key!("speaker_mention"), &self.speaker_mention);
        });
    }
}

impl WriteJson for CaseOut {
    fn write(&self, w: &mut Json) {
        w.object(|w| {
            w.field(key!("plaintiffs"), &self.plaintiffs);
            w.field(key!("defendants"), &self.defendants);
            w.field(key!("court"), &self.court);
            w.field(key!("filed"), &self.filed);
            w.field(key!("subject"), &self.subject);
        });
    }
}

/// Converts byte offsets of one text to character offsets. News copy has a
/// few characters that are not ASCII (curly quotes, accents): an offset is
/// then its byte less the continuation bytes before it, looked up in their
/// short list, which is found by skipping ASCII a word at a time. Text with
/// more of them than one per eight bytes is indexed in O(1) per call
/// instead: the character count before every eight-byte word, then one
/// masked word (a record asks for thousands of offsets; scanning up to 31
/// bytes per offset from a table of 32-byte blocks cost several times
/// more). Counting every word of every article cost more than the lookups.
pub struct CharIndex<'t> {
    text: &'t str,
    /// Where the continuation bytes are, in order, when `before` is `None`
    /// (none in ASCII text).
    continuations: Vec<usize>,
    /// `before[i]`: characters in `text[..8 * i]`, for every `8 * i <= len`.
    before: Option<Vec<usize>>,
}

const WORD: usize = 8;

impl<'t> CharIndex<'t> {
    /// Indexes `text` (nearly free for ASCII text).
    pub fn new(text: &'t str) -> CharIndex<'t> {
        match few_continuations(text) {
            Some(continuations) => CharIndex { text, continuations, before: None },
            None => {
                let (words, _) = text.as_bytes().as_chunks::<WORD>();
                let mut chars = 0;
                let counts = words.iter().map(|word| {
                    chars += WORD - continuations(u64::from_le_bytes(*word));
                    chars
                });
                CharIndex { text, continuations: Vec::new(), before: Some(std::iter::once(0).chain(counts).collect()) }
            }
        }
    }

    /// The character offset of a byte offset (on a char boundary).
    pub fn char_at(&self, byte: usize) -> usize {
        let Some(before) = &self.before else {
            if self.continuations.is_empty() {
                return byte;
            }
            let byte = byte.min(self.text.len());
            return byte - self.continuations.partition_point(|&c| c < byte);
        };
        let byte = byte.min(self.text.len());
        let (word, within) = (byte / WORD, byte % WORD);
        let base = before.get(word).copied().unwrap_or(0);
        if within == 0 {
            return base;
        }
        // The word's bytes before `byte`, zeros after (a zero byte is no continuation).
        let head = word_at(&self.text.as_bytes()[word * WORD..]) & ((1 << (8 * within)) - 1);
        base + within - continuations(head)
    }

    /// A mention record for a byte span.
    pub fn mention(&self, span: Span, rule: Option<String>) -> MentionOut {
        MentionOut { start: self.char_at(span.start), end: self.char_at(span.end), text: span.text(self.text).to_string(), rule }
    }
}

/// The offsets of the continuation bytes of `text`, in order; `None` once
/// there are more than one per eight bytes, where the table of counts takes
/// no more room (so that a text of another script is not listed byte by byte).
fn few_continuations(text: &str) -> Option<Vec<usize>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        i += crate::segment::ascii_prefix(&bytes[i..]);
        let Some(c) = text.get(i..).and_then(|rest| rest.chars().next()) else { return Some(out) };
        out.extend(i + 1..i + c.len_utf8());
        if out.len() > bytes.len() / WORD {
            return None;
        }
        i += c.len_utf8();
    }
}

/// The first eight bytes of `bytes`, padded with zeros.
fn word_at(bytes: &[u8]) -> u64 {
    let mut word = [0u8; WORD];
    match bytes.first_chunk::<WORD>() {
        Some(first) => word = *first,
        None => word[..bytes.len()].copy_from_slice(bytes),
    }
    u64::from_le_bytes(word)
}

/// How many of eight bytes are UTF-8 continuation bytes (0b10xx_xxxx).
fn continuations(x: u64) -> usize {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const ONES: u64 = 0x0101_0101_0101_0101;
    // Bit 7 set and bit 6 (shifted up to 7) clear: a 1 in each such byte,
    // summed into the top byte by the multiplication (the default target
    // has no popcount instruction; `count_ones` cost a dozen).
    let flags = (x & !(x << 1) & HIGH) >> 7;
    (flags.wrapping_mul(ONES) >> 56) as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::collection::vec;
    use proptest::option::of;
    use proptest::prelude::*;
    use proptest::sample::select;

    /// Any text, and text dense in what JSON escapes: quotes, backslashes,
    /// every control character, DEL, non-ASCII, runs longer than a word.
    fn text() -> impl Strategy<Value = String> {
        prop_oneof![any::<String>(), "[\"\\\\\u{0}-\u{1f}\u{7f}a\u{e9}\u{2028}\u{1f600}]{0,40}", "[a ]{0,30}"]
    }

    fn label() -> impl Strategy<Value = &'static str> {
        select(vec!["organization", "plaintiff", "day", "APPROX", "a\"b\\c\n"])
    }

    fn mention() -> impl Strategy<Value = MentionOut> {
        (any::<usize>(), 0..1000usize, text(), of(text())).prop_map(|(start, end, text, rule)| MentionOut { start, end, text, rule })
    }

    fn mentions() -> impl Strategy<Value = Vec<MentionOut>> {
        vec(mention(), 0..3)
    }

    fn party() -> impl Strategy<Value = PartyOut> {
        (text(), label(), vec(label(), 0..3), mentions()).prop_map(|(name, kind, roles, mentions)| PartyOut { name, kind, roles, mentions })
    }

    fn court() -> impl Strategy<Value = CourtOut> {
        (text(), of(text()), of(text()), mentions()).prop_map(|(name, id, country, mentions)| CourtOut { name, id, country, mentions })
    }

    fn date() -> impl Strategy<Value = DateOut> {
        (text(), of(text()), of(label()), of(label()), any::<usize>(), any::<usize>(), of(text())).prop_map(
            |(text, value, grain, modifier, start, end, rule)| DateOut { text, value, grain, modifier, start, end, rule },
        )
    }

    fn product() -> impl Strategy<Value = ProductOut> {
        (text(), of(text()), mentions()).prop_map(|(name, owner, mentions)| ProductOut { name, owner, mentions })
    }

    fn quote() -> impl Strategy<Value = QuoteOut> {
        (text(), of(text()), any::<usize>(), any::<usize>(), of(mention())).prop_map(|(text, speaker, start, end, speaker_mention)| {
            QuoteOut { text, speaker, start, end, speaker_mention }
        })
    }

    fn case() -> impl Strategy<Value = CaseOut> {
        (vec(text(), 0..3), vec(text(), 0..3), of(text()), of(text()), of(text())).prop_map(
            |(plaintiffs, defendants, court, filed, subject)| CaseOut { plaintiffs, defendants, court, filed, subject },
        )
    }

    fn record() -> impl Strategy<Value = Record> {
        (text(), of(text()), vec(party(), 0..3), vec(court(), 0..2), vec(date(), 0..3), vec(product(), 0..2), vec(quote(), 0..3), vec(case(), 0..2))
            .prop_map(|(id, reference_date, parties, courts, dates, products, quotes, cases)| Record {
                id,
                reference_date,
                parties,
                courts,
                dates,
                products,
                quotes,
                cases,
            })
    }

    /// The index this one replaced, kept as an oracle: a character count
    /// every 32 bytes, then a scan of the bytes since.
    fn block_char_at(text: &str, byte: usize) -> usize {
        let bytes = text.as_bytes();
        let block = byte / 32 * 32;
        let before: usize = bytes[..block].chunks(32).map(char_starts).sum();
        before + char_starts(&bytes[block..byte])
    }

    fn char_starts(bytes: &[u8]) -> usize {
        bytes.iter().filter(|b| (**b & 0xC0) != 0x80).count()
    }

    proptest! {
        #[test]
        fn record_json_is_what_serde_json_writes(record in record()) {
            for pretty in [false, true] {
                let mut out = Vec::new();
                record.write_json(&mut out, pretty);
                let expected = if pretty { serde_json::to_string_pretty(&record) } else { serde_json::to_string(&record) };
                prop_assert_eq!(String::from_utf8(out).unwrap(), expected.unwrap());
            }
        }

        #[test]
        fn record_escape_test_is_that_of_each_byte(bytes in prop_oneof![any::<Vec<u8>>(), vec(select(vec![0u8, 0x1f, 0x20, b'"', b'\\', b'a', 0x7f, 0x80, 0xa2, 0xdc, 0xff]), 0..40)]) {
            prop_assert_eq!(needs_escape(&bytes), bytes.iter().any(|&b| b < 0x20 || b == b'"' || b == b'\\'));
        }

        #[test]
        fn record_first_escape_is_that_of_each_byte(bytes in prop_oneof![any::<Vec<u8>>(), vec(select(vec![0u8, 0x1f, 0x20, b'"', b'\\', b'a', 0x7f, 0x80, 0xa2, 0xdc, 0xff]), 0..40)]) {
            prop_assert_eq!(first_escape(&bytes), bytes.iter().position(|&b| b < 0x20 || b == b'"' || b == b'\\'));
        }

        #[test]
        fn record_escape_mask_of_a_block_is_that_of_the_portable_one(block in proptest::array::uniform16(select(vec![0u8, 0x1f, 0x20, b'"', b'\\', b'a', 0x7f, 0x80, 0xa2, 0xdc, 0xff]))) {
            prop_assert_eq!(escape_mask(&block), escape_mask_portable(&block));
        }

        #[test]
        fn record_char_offsets_count_the_characters_before(
            text in prop_oneof![
                "[a\u{e9}\u{201c}\u{1f600} ]{0,200}",
                any::<String>(),
                "[a\u{e9}]{0,2000}",
                "[a-z,.;:!? ]{0,100}",
                // A few other characters among ASCII: the list of continuation bytes.
                "([a-z ]{0,40}[\u{e9}\u{201c}\u{1f600}]){0,4}[a-z ]{0,40}",
            ]
        ) {
            let index = CharIndex::new(&text);
            for (byte, _) in text.char_indices().chain([(text.len(), ' ')]) {
                prop_assert_eq!(index.char_at(byte), text[..byte].chars().count());
                prop_assert_eq!(index.char_at(byte), block_char_at(&text, byte));
            }
        }
    }

    #[test]
    fn record_offsets_count_characters() {
        let text = "é".repeat(300) + "Nokia";
        let index = CharIndex::new(&text);
        let m = index.mention(Span::new(600, 605), None);
        assert_eq!((m.start, m.end, m.text.as_str()), (300, 305, "Nokia"));
        // See: a proptest case; a text of exactly 512 bytes ends at char 256.
        let text = "é".repeat(256);
        assert_eq!(CharIndex::new(&text).char_at(512), 256);
    }
}
