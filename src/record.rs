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

/// Converts byte offsets of one text to character offsets in O(1) per call
/// after one pass: a character count every 32 bytes, then a short scan (a
/// record asks for thousands of offsets, and a longer scan cost more than
/// the larger table).
pub struct CharIndex<'t> {
    text: &'t str,
    blocks: Option<Vec<usize>>,
}

const BLOCK: usize = 32;

impl<'t> CharIndex<'t> {
    /// Indexes `text` (free for ASCII text).
    pub fn new(text: &'t str) -> CharIndex<'t> {
        let blocks = (!text.is_ascii()).then(|| {
            let mut counts = Vec::with_capacity(text.len() / BLOCK + 1);
            let mut chars = 0;
            for chunk in text.as_bytes().chunks(BLOCK) {
                counts.push(chars);
                chars += char_starts(chunk);
            }
            counts
        });
        CharIndex { text, blocks }
    }

    /// The character offset of a byte offset (on a char boundary).
    pub fn char_at(&self, byte: usize) -> usize {
        let Some(blocks) = &self.blocks else { return byte };
        let byte = byte.min(self.text.len());
        let block = byte / BLOCK;
        // The end of a text whose length is a multiple of BLOCK lies past the
        // last block: count from the last block's start.
        let block = block.min(blocks.len().saturating_sub(1));
        let base = blocks.get(block).copied().unwrap_or(0);
        base + char_starts(&self.text.as_bytes()[block * BLOCK..byte])
    }

    /// A mention record for a byte span.
    pub fn mention(&self, span: Span, rule: Option<String>) -> MentionOut {
        MentionOut { start: self.char_at(span.start), end: self.char_at(span.end), text: span.text(self.text).to_string(), rule }
    }
}

/// How many characters start in `bytes`: every byte but a continuation
/// byte (0b10xx_xxxx), counted eight at a time.
fn char_starts(bytes: &[u8]) -> usize {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut words = bytes.chunks_exact(8);
    let continuations: u32 = words
        .by_ref()
        .map(|w| {
            let x = u64::from_le_bytes(w.try_into().unwrap_or_default());
            // Bit 7 set and bit 6 (shifted up to 7) clear.
            (x & !(x << 1) & HIGH).count_ones()
        })
        .sum();
    let rest = words.remainder().iter().filter(|b| (**b & 0xC0) == 0x80).count();
    bytes.len() - continuations as usize - rest
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn record_char_offsets_count_the_characters_before(text in "[a\u{e9}\u{201c}\u{1f600} ]{0,200}") {
            let index = CharIndex::new(&text);
            for (byte, _) in text.char_indices().chain([(text.len(), ' ')]) {
                prop_assert_eq!(index.char_at(byte), text[..byte].chars().count());
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
