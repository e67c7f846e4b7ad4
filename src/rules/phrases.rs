//! Phrase matching: every gazetteer phrase found on word boundaries.
//!
//! A phrase can only start where a word starts, so instead of running an
//! automaton over every byte, the text is walked word by word and each word
//! is looked up in a table of the phrases that begin with it. A table of
//! 40,000 phrases builds in a few milliseconds where an automaton took
//! forty, which is most of start-up.
//!
//! More than half the words of news text begin some phrase ("the", "of",
//! "U" of "U.S."), and such a word often begins hundreds ("U.S. District
//! Court for ...", "federal court in ..."), so each word's phrases are kept
//! sorted: those that begin the text at a position are then the prefix
//! chain of the last phrase that sorts before the text there, found with
//! one binary search over eight-byte heads of the phrases.
//!
//! Matches are exactly those of an overlapping automaton filtered to word
//! boundaries: a phrase's first word is its longest alphanumeric prefix (or
//! its first character when that is not alphanumeric), and a match of a
//! phrase starting with a letter or digit must start a word of the text.

use std::borrow::Cow;

use super::blocks::{BLOCK, Blocks, Classes};
use crate::span::Span;

/// A phrase, the rule it belongs to, and whether it ignores ASCII case.
pub type Phrase<'a> = (Cow<'a, str>, usize, bool);

/// Phrases by their first word, lower-cased: the case-sensitive ones, then
/// the case-insensitive ones.
///
/// All lists live in two flat arrays, addressed by offsets: with an
/// allocation or three per list, a lookup of a rare word was a chain of
/// cache misses, and building the table was mostly allocation.
#[derive(Debug, Default)]
pub struct PhraseTable {
    words: WordMap<[List; 2]>,
    /// Every list's phrases, one list after another.
    nodes: Vec<Node>,
    /// Every list's bytes, one list after another (see [`Sorted::bytes`]).
    bytes: Vec<u8>,
}

/// Where one first word's phrases of one kind are in a [`PhraseTable`].
#[derive(Debug, Clone, Copy)]
struct List {
    /// The bits of the first eight bytes (as [`load_head`] reads them)
    /// that every phrase has, and which of them are set: one comparison
    /// turns most lists away ("and" is looked up for the list of "And").
    /// More than the bytes all phrases share: the case-sensitive list of
    /// "the" holds "The Hill" and "the Bronx", which share no byte but
    /// agree on "he " and on a capital after it, and "the company" is
    /// turned away by that capital.
    want: u64,
    care: u64,
    /// For a list of two phrases or more, the first one's index in
    /// `nodes`; for a list of one, its rule, which is all a match of it
    /// needs: most lists hold one phrase, and reading its node was one
    /// more cache miss. Then how many phrases there are.
    first_or_rule: u32,
    len: u32,
    /// Where the list's bytes start in `bytes`, and how many all phrases
    /// share.
    start: u32,
    shared: u32,
}

/// The masks of a number's low 0 to 8 bytes, looked up: computing one from
/// the number of bytes takes twice the instructions.
const LOW_BYTES: [u64; 9] = {
    let mut masks = [u64::MAX; 9];
    let mut n = 0;
    while n < 8 {
        masks[n] = (1 << (8 * n)) - 1;
        n += 1;
    }
    masks
};

impl List {
    /// A list of no phrases: no bits are agreed, yet it wants one set, so
    /// that [`may_begin`](Self::may_begin) turns every text away without
    /// asking its length.
    const NONE: List = List { want: u64::MAX, care: 0, first_or_rule: 0, len: 0, start: 0, shared: 0 };

    /// False when text whose first eight bytes (as [`load_head`] reads
    /// them) are `chunk` begins with no phrase of the list: it differs
    /// from all of them in a bit of their first eight bytes that they all
    /// have.
    fn may_begin(&self, chunk: u64) -> bool {
        chunk & self.care == self.want
    }
}

/// The bits of their first eight bytes that all of `phrases` agree on,
/// as (`want`, `care`) of a [`List`]. A byte past the end of the shortest
/// is no one's: text that begins with a phrase may have anything there.
fn agreed_bits<'p>(phrases: impl Iterator<Item = &'p [u8]> + Clone) -> (u64, u64) {
    let heads = phrases.clone().map(load_head);
    let shortest = phrases.map(<[u8]>::len).min().unwrap_or(0);
    let (any, all) = heads.fold((0, u64::MAX), |(any, all), head| (any | head, all & head));
    let care = LOW_BYTES[shortest.min(8)] & !(any ^ all);
    (all & care, care)
}

/// One phrase of a list. Its head sits with the rest, so that a short list
/// is read from one cache line.
#[derive(Debug)]
struct Node {
    /// [`head`] of the phrase after the shared bytes: the binary search
    /// walks these and reads a phrase only when its head equals the text's.
    head: u64,
    rule: u32,
    /// Where the phrase after the shared bytes starts and ends in the
    /// list's bytes (where the one before ends, and where the next starts).
    start: u32,
    end: u32,
    /// Index in the list of the nearest earlier phrase that is a prefix of
    /// this one, or [`NO_PARENT`].
    parent: u32,
}

const NO_PARENT: u32 = u32::MAX;

/// The phrases of one first word in byte order (lower-cased when they ignore
/// case), as a view of a [`PhraseTable`]'s arrays.
struct Sorted<'t> {
    /// The bytes every phrase begins with (at least the first word when
    /// they ignore case), then each phrase after them, one after another:
    /// the text must begin with the shared bytes, and then only what
    /// follows them is compared.
    bytes: &'t [u8],
    /// How many bytes all phrases share.
    shared: usize,
    nodes: &'t [Node],
}

impl Sorted<'_> {
    /// Phrase `j` after the shared bytes.
    fn tail(&self, j: usize) -> &[u8] {
        let Node { start, end, .. } = self.nodes[j];
        &self.bytes[start as usize..end as usize]
    }

    /// How many phrases sort at or before the shared bytes followed by
    /// `rest` (a prefix sorts before). Heads order phrases as their bytes
    /// do, except that equal heads need the bytes compared.
    #[inline(always)]
    fn count_at_or_before(&self, rest: &[u8]) -> usize {
        let key = head(rest);
        let (mut lo, mut hi) = (0, self.nodes.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            let head = self.nodes[mid].head;
            if head < key || head == key && self.tail(mid) <= rest {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// Calls `found(length, rule)` for each phrase that begins `text` (the
    /// text lower-cased for the phrases that ignore case), which begins
    /// with the shared bytes.
    #[inline(always)]
    fn each_prefix(&self, text: &[u8], mut found: impl FnMut(usize, usize)) {
        let rest = &text[self.shared..];
        let Some(last) = self.count_at_or_before(rest).checked_sub(1) else { return };
        let common = common_prefix(self.tail(last), rest);
        // The phrases that begin `text` are the prefixes of `last` no
        // longer than what it shares with `text`.
        let mut j = last;
        loop {
            let Node { start, end, rule, parent, .. } = self.nodes[j];
            let len = (end - start) as usize;
            if len <= common {
                found(self.shared + len, rule as usize);
            }
            match parent {
                NO_PARENT => break,
                parent => j = parent as usize,
            }
        }
    }
}

/// Whether `a` and `b` (of equal length) are the same bytes, compared
/// inline: they are a few bytes long, shorter than a call to `memcmp`.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.iter().zip(b).all(|(x, y)| x == y)
}

/// The first eight bytes of `bytes` (padded with zeros) as a big-endian
/// number: a smaller head means smaller bytes, and equal heads say nothing.
pub(super) fn head(bytes: &[u8]) -> u64 {
    if let Some(&first) = bytes.first_chunk::<8>() {
        return u64::from_be_bytes(first);
    }
    let mut first = [0; 8];
    let n = bytes.len().min(8);
    first[..n].copy_from_slice(&bytes[..n]);
    u64::from_be_bytes(first)
}

/// The length of the longest common prefix of `a` and `b`, compared eight
/// bytes at a time: the first differing byte is the lowest set byte of the
/// chunks' difference, read little-endian.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let mut at = 0;
    while let (Some(x), Some(y)) = (a.get(at..).and_then(<[u8]>::first_chunk::<8>), b.get(at..).and_then(<[u8]>::first_chunk::<8>)) {
        let diff = u64::from_le_bytes(*x) ^ u64::from_le_bytes(*y);
        if diff != 0 {
            return at + (diff.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    at + a[at..].iter().zip(&b[at..]).take_while(|(x, y)| x == y).count()
}

impl PhraseTable {
    /// A table of `phrases`.
    pub fn new<'a>(phrases: impl IntoIterator<Item = Phrase<'a>>) -> PhraseTable {
        // Each phrase with its list: twice its first word's index, plus one
        // when it ignores case.
        let mut words: WordMap<()> = WordMap::default();
        let mut all = Vec::new();
        let mut key = String::new();
        for (phrase, rule, fold) in phrases {
            // The text is read word by word and no word starts with white
            // space, so such a phrase can never match.
            if phrase.starts_with(char::is_whitespace) {
                continue;
            }
            key.clear();
            key.push_str(first_word(&phrase));
            key.make_ascii_lowercase();
            let bytes = match phrase {
                _ if fold => Cow::Owned(phrase.to_ascii_lowercase().into_bytes()),
                Cow::Borrowed(p) => Cow::Borrowed(p.as_bytes()),
                Cow::Owned(p) => Cow::Owned(p.into_bytes()),
            };
            let word = words.index(key.as_bytes(), hash_word(key.as_bytes()));
            all.push((2 * word + usize::from(fold), bytes, rule));
        }
        let (mut placed, ends) = by_list(&all, 2 * words.entries.len());
        let mut table = PhraseTable {
            words: WordMap::default(),
            nodes: Vec::with_capacity(all.len()),
            bytes: Vec::with_capacity(all.iter().map(|(_, phrase, _)| phrase.len()).sum()),
        };
        let mut start = 0;
        let lists: Vec<List> = ends
            .into_iter()
            .map(|end| {
                let run = &mut placed[start..end];
                start = end;
                run.sort_unstable();
                table.push_list(run)
            })
            .collect();
        table.words = words.map(|word, ()| [lists[2 * word], lists[2 * word + 1]]);
        table
    }

    /// Appends a list of phrases, sorted, that share a first word and case
    /// rule, and says where it is.
    fn push_list(&mut self, run: &[(&[u8], usize)]) -> List {
        let (Some(&(first, _)), Some(&(last, _))) = (run.first(), run.last()) else { return List::NONE };
        // In sorted order, what the first and last share, all share.
        let shared = common_prefix(first, last);
        let start = self.bytes.len();
        let (want, care) = agreed_bits(run.iter().map(|&(phrase, _)| phrase));
        let list = List {
            want,
            care,
            first_or_rule: offset(self.nodes.len()),
            len: offset(run.len()),
            start: offset(start),
            shared: offset(shared),
        };
        self.bytes.extend_from_slice(&first[..shared]);
        if let [(_, rule)] = run {
            return List { first_or_rule: rule_id(*rule), ..list };
        }
        let nodes = self.nodes.len();
        for (i, &(phrase, rule)) in run.iter().enumerate() {
            // Every earlier prefix of this phrase is a prefix of the one before.
            let mut parent = i.checked_sub(1).map_or(NO_PARENT, offset);
            while parent != NO_PARENT && !phrase.starts_with(run[parent as usize].0) {
                parent = self.nodes[nodes + parent as usize].parent;
            }
            let tail = &phrase[shared..];
            let tail_start = offset(self.bytes.len() - start);
            self.bytes.extend_from_slice(tail);
            let end = offset(self.bytes.len() - start);
            self.nodes.push(Node { head: head(tail), rule: rule_id(rule), start: tail_start, end, parent });
        }
        list
    }

    /// Calls `found(length, rule)` for each phrase of `list` that begins
    /// `text`.
    #[inline(always)]
    fn each_prefix(&self, list: &List, text: &[u8], mut found: impl FnMut(usize, usize)) {
        if list.may_begin(load_head(text)) && text.len() >= list.shared as usize && self.begins_shared(list, text) {
            match list.len {
                // Most lists hold one phrase, which is all shared: no search.
                1 => found(list.shared as usize, list.first_or_rule as usize),
                _ => self.sorted(list).each_prefix(text, found),
            }
        }
    }

    /// Whether `text`, no shorter than the bytes all phrases of `list`
    /// share and beginning with their first eight (which
    /// [`List::may_begin`] checks), begins with the rest of them.
    #[inline(always)]
    fn begins_shared(&self, list: &List, text: &[u8]) -> bool {
        let shared = list.shared as usize;
        // Most lists share eight bytes or fewer: nothing is left to slice.
        shared <= 8 || same(&self.bytes[list.start as usize..][8..shared], &text[8..shared])
    }

    /// The phrases of `list`, which holds two or more (a list of one has
    /// no nodes).
    fn sorted(&self, list: &List) -> Sorted<'_> {
        Sorted {
            bytes: &self.bytes[list.start as usize..],
            shared: list.shared as usize,
            nodes: &self.nodes[list.first_or_rule as usize..][..list.len as usize],
        }
    }

    /// Calls `found(rule, span)` for every phrase on word boundaries in
    /// `text`; `lower` is `text` ASCII lower-cased. That keeps every byte
    /// offset and every non-ASCII character, so words are read and looked
    /// up in it. `blocks` are those of `text`, and so of `lower`.
    pub(crate) fn find(&self, text: &str, lower: &str, blocks: &Blocks, mut found: impl FnMut(usize, Span)) {
        let bytes = lower.as_bytes();
        // A block's words that may begin phrases, as their start and lists:
        // at most one a byte. Set up once per text, not per block.
        let none = [List::NONE; 2];
        let mut begun = [(0, &none); BLOCK];
        let mut i = 0;
        // The text is read 64 bytes at a time, the block starting where
        // the last one's words ran out; each word is then found with a few
        // bit operations. The block's words are walked and looked up
        // first, those found kept when the text there may begin one of
        // their phrases, then the phrases of those kept are matched: apart, the
        // walk keeps its state in registers, which matching and reporting
        // spilled to the stack for every word when done in the walk.
        while i < bytes.len() {
            let block = blocks.at(i);
            let base = i;
            let mut n = 0;
            while let Some(start) = next_word(&block, i - base) {
                let start = base + start;
                let (end, hash, head) = ascii_word(&block, bytes, base, start).unwrap_or_else(|| word_at(lower, start));
                if let Some(lists) = self.words.get_headed(hash, || (&bytes[start..end], head))
                    && may_begin_either(lists, &text.as_bytes()[start..], &bytes[start..])
                {
                    begun[n] = (start, lists);
                    n += 1;
                }
                i = end;
            }
            for &(start, [exact, folded]) in &begun[..n] {
                // In the walk's order, as before. Takes `start` by value:
                // borrowed, it lived on the stack.
                let found = &mut found;
                let mut report = move |len: usize, rule: usize| {
                    if text.is_char_boundary(start + len) && ends_word(text, start + len) {
                        found(rule, Span::new(start, start + len));
                    }
                };
                self.each_prefix(exact, &text.as_bytes()[start..], &mut report);
                self.each_prefix(folded, &bytes[start..], &mut report);
            }
            i = i.max(base + BLOCK);
        }
    }
}

/// False when the text at a word begins with no phrase of its `lists`
/// (case-sensitive, case-insensitive), given the text there and lower-cased:
/// half the words that begin phrases ("in", "a", "court") are
/// turned away here, before they are kept for matching.
fn may_begin_either([exact, folded]: &[List; 2], text: &[u8], lower: &[u8]) -> bool {
    exact.may_begin(load_head(text)) || folded.may_begin(load_head(lower))
}

/// The offset of the first byte at or after `at` of `block` that is not a
/// space, if it has one. Other white space is rare in news text, and is
/// read as a word of one character: no phrase begins with white space, so
/// no such word is in the table, and none is found.
fn next_word(block: &Classes, at: usize) -> Option<usize> {
    let rest = (!block.space).checked_shr(at as u32)?;
    (rest != 0).then(|| at + rest.trailing_zeros() as usize)
}

/// [`word_at`] for the word that starts at `start` of `bytes`, in the
/// block that starts at `base`, when it is ASCII, ends inside the
/// block before an ASCII byte, and has eight bytes to read from its
/// start; `None` for the others.
fn ascii_word(block: &Classes, bytes: &[u8], base: usize, start: usize) -> Option<(usize, u64, u64)> {
    let at = start - base;
    let len = if block.alphanumeric >> at & 1 != 0 {
        let len = (!block.alphanumeric >> at).trailing_zeros() as usize;
        // Not ASCII after the word: it may go on.
        if block.ascii.checked_shr((at + len) as u32)? & 1 == 0 {
            return None;
        }
        len
    } else if block.ascii >> at & 1 != 0 {
        // A word that is not alphanumeric is one character.
        1
    } else {
        return None;
    };
    let first = u64::from_le_bytes(*bytes.get(start..)?.first_chunk::<8>()?);
    if len < 8 {
        let word = first & LOW_BYTES[len];
        return Some((start + len, hash_finish(hash_step(HASH_SEED, word)), word));
    }
    Some((start + len, hash_word(&bytes[start..start + len]), first))
}

/// The phrases given as (list, bytes, rule) one list after another, and
/// where each of the `lists` lists ends: placed by counting, which takes a
/// fraction of sorting them all or of a vector per list.
fn by_list<'p>(phrases: &'p [(usize, Cow<'_, [u8]>, usize)], lists: usize) -> (Vec<(&'p [u8], usize)>, Vec<usize>) {
    let mut ends = vec![0; lists];
    for &(list, ..) in phrases {
        ends[list] += 1;
    }
    let mut next = 0;
    for end in &mut ends {
        next += *end;
        *end = next;
    }
    // Filled from each list's end backwards, leaving `ends` at the starts.
    let mut placed = vec![(&[][..], 0); phrases.len()];
    let mut starts = ends.clone();
    for (list, phrase, rule) in phrases {
        starts[*list] -= 1;
        placed[starts[*list]] = (&**phrase, *rule);
    }
    (placed, ends)
}

/// A rule's number as a [`PhraseTable`] keeps it.
fn rule_id(rule: usize) -> u32 {
    u32::try_from(rule).expect("fewer than 4G rules")
}

/// An offset into a [`PhraseTable`]'s arrays, which hold far less than
/// 4 GB.
fn offset(n: usize) -> u32 {
    u32::try_from(n).expect("a phrase table under 4 GB")
}

/// The word that starts at byte `i` of `text` (not at white space), as its
/// end, and [`hash_word`] and [`load_head`] of its bytes.
fn word_at(text: &str, i: usize) -> (usize, u64, u64) {
    if let Some(found) = ascii_word_at(text.as_bytes(), i) {
        return found;
    }
    let end = word_end(text, i);
    let word = &text.as_bytes()[i..end];
    (end, hash_word(word), load_head(word))
}

/// [`word_at`] read and hashed eight bytes at a time, for the usual word:
/// ASCII letters and digits ended by another ASCII byte, or one ASCII
/// character that is neither, with eight bytes to read at each step.
/// `None` for the others.
fn ascii_word_at(bytes: &[u8], i: usize) -> Option<(usize, u64, u64)> {
    let load = |at: usize| Some(u64::from_le_bytes(*bytes.get(at..)?.first_chunk::<8>()?));
    let first = load(i)?;
    let (mut hash, mut at, mut chunk) = (HASH_SEED, i, first);
    loop {
        let run = alphanumeric_run(chunk);
        if run == 8 {
            hash = hash_step(hash, chunk);
            at += 8;
            chunk = load(at)?;
            continue;
        }
        if chunk >> (8 * run) & 0x80 != 0 {
            // Not ASCII: it may go on the word.
            return None;
        }
        // A word that is not alphanumeric is one character.
        let len = if at == i && run == 0 { 1 } else { run };
        let word = chunk & LOW_BYTES[len];
        let head = if at == i { word } else { first };
        return Some((at + len, hash_finish(hash_step(hash, word)), head));
    }
}

/// How many of the eight bytes of `chunk` (little-endian) are ASCII
/// letters or digits before the first that is not, found for all bytes at
/// once: each test sets a byte's high bit, and no sum carries into the
/// next byte because the high bits are cleared first.
fn alphanumeric_run(chunk: u64) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let low = chunk & (0x7f * ONES);
    // A digit is at least '0' and not above '9'.
    let digit = (low + (0x80 - u64::from(b'0')) * ONES) & !(low + (0x7f - u64::from(b'9')) * ONES);
    // A letter, with 0x20 set (lower case), is at least 'a' and not above 'z'.
    let folded = low | (0x20 * ONES);
    let letter = (folded + (0x80 - u64::from(b'a')) * ONES) & !(folded + (0x7f - u64::from(b'z')) * ONES);
    let alphanumeric = (digit | letter) & !chunk & (0x80 * ONES);
    ((!alphanumeric & (0x80 * ONES)).trailing_zeros() / 8) as usize
}

/// The end of the word that starts at byte `i` of `text`: a run of
/// alphanumeric characters, or one other character.
fn word_end(text: &str, i: usize) -> usize {
    let bytes = text.as_bytes();
    let mut end = i;
    loop {
        while let Some(&b) = bytes.get(end)
            && b.is_ascii_alphanumeric()
        {
            end += 1;
        }
        if end == bytes.len() || bytes[end].is_ascii() {
            break;
        }
        let (c, width) = char_at(text, end);
        if !is_alphanumeric(c) {
            break;
        }
        end += width;
    }
    if end == i {
        // Not alphanumeric: a word of one character.
        end += char_at(text, i).1;
    }
    end
}

/// The phrase's longest alphanumeric prefix, or its first character.
fn first_word(phrase: &str) -> &str {
    if phrase.is_empty() { phrase } else { &phrase[..word_end(phrase, 0)] }
}

/// The character at byte `i` and its width; `i` is a char boundary.
fn char_at(text: &str, i: usize) -> (char, usize) {
    let b = text.as_bytes()[i];
    if b.is_ascii() {
        return (char::from(b), 1);
    }
    let c = text[i..].chars().next().unwrap_or(' ');
    (c, c.len_utf8())
}

/// True when a match ending at `end` does not run into a longer word: the
/// characters on either side of `end` are not both alphanumeric.
fn ends_word(text: &str, end: usize) -> bool {
    let bytes = text.as_bytes();
    // Most matches end between two ASCII bytes, which are their characters.
    if let (Some(&last), Some(&next)) = (bytes.get(end.wrapping_sub(1)), bytes.get(end))
        && last.is_ascii()
        && next.is_ascii()
    {
        return !(last.is_ascii_alphanumeric() && next.is_ascii_alphanumeric());
    }
    let last = text[..end].chars().next_back();
    let next = text[end..].chars().next();
    !(last.is_some_and(is_alphanumeric) && next.is_some_and(is_alphanumeric))
}

/// [`char::is_alphanumeric`], answered at once for the General Punctuation
/// block, which holds the curly quotes and dashes of news text: asking the
/// Unicode tables about one of them costs hundreds of instructions.
fn is_alphanumeric(c: char) -> bool {
    match c {
        '\u{2000}'..='\u{206f}' => false,
        _ => c.is_alphanumeric(),
    }
}

/// The hash a [`WordMap`] is given with a word, taken eight bytes at a
/// time so that [`ascii_word_at`] can hash while it reads.
pub(crate) fn hash_word(word: &[u8]) -> u64 {
    let mut chunks = word.chunks_exact(8);
    let hash = (&mut chunks).fold(HASH_SEED, |hash, chunk| hash_step(hash, u64::from_le_bytes(chunk.try_into().unwrap_or_default())));
    hash_finish(hash_step(hash, load_short(chunks.remainder())))
}

const HASH_SEED: u64 = 0xcbf2_9ce4_8422_2325;

/// Adds eight bytes (little-endian) to a hash.
fn hash_step(hash: u64, chunk: u64) -> u64 {
    (hash ^ chunk).wrapping_mul(0xff51_afd7_ed55_8ccd)
}

/// A chunk's top bytes only reach the top bits of the product: fold them
/// down, where a slot's tag looks.
fn hash_finish(hash: u64) -> u64 {
    hash ^ (hash >> 32)
}

/// Up to seven bytes as a little-endian number, padded with zeros: two
/// overlapping loads instead of a loop over the bytes.
fn load_short(bytes: &[u8]) -> u64 {
    let n = bytes.len();
    let two = |lo: u64, hi: u64, width: usize| lo | hi << (8 * (n - width));
    match n {
        0 => 0,
        1 => u64::from(bytes[0]),
        2..4 => two(u64::from(u16::from_le_bytes([bytes[0], bytes[1]])), u64::from(u16::from_le_bytes([bytes[n - 2], bytes[n - 1]])), 2),
        _ => {
            let lo = u32::from_le_bytes(bytes[..4].try_into().unwrap_or_default());
            let hi = u32::from_le_bytes(bytes[n - 4..].try_into().unwrap_or_default());
            two(u64::from(lo), u64::from(hi), 4)
        }
    }
}

/// A map from words (byte strings) to values, looked up with a hash the
/// caller already has ([`hash_word`] of the word), usually computed while
/// reading the word: a lookup then hashes nothing, and most misses stop at
/// one bit of a filter.
///
/// A hit reads a slot and then its entry, which holds a short word's bytes
/// with its value: no third place to fetch, and no call to compare.
#[derive(Debug)]
pub(crate) struct WordMap<V> {
    /// Entries by open addressing; a slot with index `EMPTY` is free. Never
    /// more than half full, so probes stay short, and eight bytes a slot,
    /// so that the array stays small.
    slots: Box<[Slot]>,
    /// One bit per [`filter_bit`](Self::filter_bit) of a hash, four per
    /// slot, set for each word's hash: a word whose bit is clear is absent.
    filter: Box<[u64]>,
    /// How far a hash is shifted down to leave its filter bit's index.
    shift: u32,
    entries: Vec<Entry<V>>,
    /// Each entry's full hash, read only to grow.
    hashes: Vec<u64>,
    /// Every word's bytes, one word after another.
    bytes: Vec<u8>,
}

/// Where an entry is filed: its index, and its hash's low bits, which turn
/// away most other words without reading their entries.
#[derive(Debug, Clone, Copy)]
struct Slot {
    tag: u32,
    index: u32,
}

const EMPTY: u32 = u32::MAX;

/// A word and its value.
#[derive(Debug)]
struct Entry<V> {
    /// The word's first eight bytes as [`load_head`] reads them, and its
    /// length: all a word of up to eight bytes is compared by.
    head: u64,
    len: u32,
    /// Where the word's bytes are in [`WordMap::bytes`].
    start: u32,
    value: V,
}

impl<V> Default for WordMap<V> {
    fn default() -> Self {
        let mut map = WordMap { slots: Box::default(), filter: Box::default(), shift: 64, entries: Vec::new(), hashes: Vec::new(), bytes: Vec::new() };
        map.grow();
        map
    }
}

impl<V> WordMap<V> {
    /// The value of `word`, whose hash is `hash`.
    #[inline(always)]
    pub(crate) fn get(&self, word: &[u8], hash: u64) -> Option<&V> {
        self.get_headed(hash, || (word, load_head(word)))
    }

    /// [`get`](Self::get), given how to have the word and its
    /// [`load_head`]: a caller may have read the head with the word, and a
    /// word the filter turns away needs neither, not even its slice's
    /// bounds checked.
    #[inline(always)]
    fn get_headed<'w>(&self, hash: u64, word: impl FnOnce() -> (&'w [u8], u64)) -> Option<&V> {
        let bit = self.filter_bit(hash);
        if self.filter[bit / 64] & (1 << (bit % 64)) == 0 {
            return None;
        }
        let (word, head) = word();
        match self.find(word, hash, head) {
            Ok(index) => Some(&self.entries[index].value),
            Err(_) => None,
        }
    }

    /// The value of `word` (hash `hash`), inserted as the default if absent.
    pub(crate) fn entry(&mut self, word: &[u8], hash: u64) -> &mut V
    where
        V: Default,
    {
        let index = self.index(word, hash);
        &mut self.entries[index].value
    }

    /// The index of `word` (hash `hash`) in the order words were first
    /// entered, entering it with the default value if absent.
    fn index(&mut self, word: &[u8], hash: u64) -> usize
    where
        V: Default,
    {
        if let Ok(index) = self.find(word, hash, load_head(word)) {
            return index;
        }
        if 2 * (self.entries.len() + 1) > self.slots.len() {
            self.grow();
        }
        let index = self.entries.len();
        let start = offset(self.bytes.len());
        self.bytes.extend_from_slice(word);
        self.entries.push(Entry { head: load_head(word), len: offset(word.len()), start, value: V::default() });
        self.hashes.push(hash);
        self.place(hash, index);
        index
    }

    /// The words, in the order they were first entered.
    pub(crate) fn keys(&self) -> impl Iterator<Item = &[u8]> {
        self.entries.iter().map(|entry| self.word(entry))
    }

    /// The bytes of `entry`'s word.
    fn word(&self, entry: &Entry<V>) -> &[u8] {
        &self.bytes[entry.start as usize..][..entry.len as usize]
    }

    /// The same words with each value mapped, given with its word's
    /// [`index`](Self::index).
    pub(crate) fn map<W>(self, mut f: impl FnMut(usize, V) -> W) -> WordMap<W> {
        let entries = self
            .entries
            .into_iter()
            .enumerate()
            .map(|(i, Entry { head, len, start, value })| Entry { head, len, start, value: f(i, value) })
            .collect();
        WordMap { slots: self.slots, filter: self.filter, shift: self.shift, entries, hashes: self.hashes, bytes: self.bytes }
    }

    /// The entry index of `word` (hash `hash`, [`load_head`] `head`), or
    /// the free slot where it would go.
    #[inline(always)]
    fn find(&self, word: &[u8], hash: u64, head: u64) -> Result<usize, usize> {
        let mask = self.slots.len() - 1;
        let mut slot = self.home(hash);
        loop {
            let Slot { tag, index } = self.slots[slot];
            if index == EMPTY {
                return Err(slot);
            }
            if tag == hash as u32 && self.is(index as usize, word, head) {
                return Ok(index as usize);
            }
            slot = (slot + 1) & mask;
        }
    }

    /// Whether entry `index` is `word`, whose [`load_head`] is `head`.
    fn is(&self, index: usize, word: &[u8], head: u64) -> bool {
        let entry = &self.entries[index];
        entry.head == head && entry.len as usize == word.len() && (word.len() <= 8 || self.word(entry)[8..] == word[8..])
    }

    /// Files entry `index`, of hash `hash`, in the slots and the filter.
    fn place(&mut self, hash: u64, index: usize) {
        let mask = self.slots.len() - 1;
        let mut slot = self.home(hash);
        while self.slots[slot].index != EMPTY {
            slot = (slot + 1) & mask;
        }
        self.slots[slot] = Slot { tag: hash as u32, index: offset(index) };
        let bit = self.filter_bit(hash);
        self.filter[bit / 64] |= 1 << (bit % 64);
    }

    /// The index of `hash`'s bit in the filter: its top bits, which the
    /// last multiply of [`hash_step`] mixes from all bits of the word.
    #[inline(always)]
    fn filter_bit(&self, hash: u64) -> usize {
        (hash >> self.shift) as usize
    }

    /// The slot where the search for `hash` starts: the one its filter bit
    /// is in, four bits a slot.
    #[inline(always)]
    fn home(&self, hash: u64) -> usize {
        self.filter_bit(hash) / 4
    }

    /// Doubles the slots (to at least 16) and the filter.
    fn grow(&mut self) {
        let len = (2 * self.slots.len()).max(16);
        self.slots = vec![Slot { tag: 0, index: EMPTY }; len].into();
        self.filter = vec![0; len / 16].into();
        // Four filter bits a slot, and `len` a power of two.
        self.shift = 64 - (4 * len).trailing_zeros();
        for index in 0..self.hashes.len() {
            self.place(self.hashes[index], index);
        }
    }
}

/// The first eight bytes of `word` (padded with zeros) as a little-endian
/// number.
fn load_head(word: &[u8]) -> u64 {
    match word.first_chunk::<8>() {
        Some(&first) => u64::from_le_bytes(first),
        None => load_short(word),
    }
}


#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn spans(table: &PhraseTable, text: &str) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        table.find(text, &text.to_ascii_lowercase(), &Blocks::of(text.as_bytes()), |rule, span| out.push((rule, span.text(text).to_string())));
        out
    }

    fn table(phrases: &[(&str, usize, bool)]) -> PhraseTable {
        PhraseTable::new(phrases.iter().map(|&(p, r, f)| (Cow::Borrowed(p), r, f)))
    }

    #[test]
    fn phrases_match_whole_words_only() {
        let t = table(&[("Amazon", 0, false), ("Amazon Web Services", 1, false), ("AT&T", 2, false), ("Société Générale", 3, false)]);
        let text = "Amazonian Amazon Web Services, AT&T and Société Générale; AT&Tx";
        let mut found = spans(&t, text);
        found.sort();
        assert_eq!(
            found,
            [(0, "Amazon".into()), (1, "Amazon Web Services".into()), (2, "AT&T".into()), (3, "Société Générale".into())]
        );
    }

    #[test]
    fn phrases_sharing_a_first_word_are_all_found() {
        let t = table(&[
            ("U.S.", 0, false),
            ("U.S. Court of Appeals", 1, false),
            ("U.S. District Court", 2, false),
            ("U.S. District Court for Delaware", 3, false),
            ("U.S. District", 4, false),
            ("U.S. District Court", 5, false),
            ("u.s. district", 6, true),
        ]);
        let mut found = spans(&t, "a U.S. District Court for Delaware judge");
        found.sort();
        let want = [
            (0, "U.S."),
            (2, "U.S. District Court"),
            (3, "U.S. District Court for Delaware"),
            (4, "U.S. District"),
            (5, "U.S. District Court"),
            (6, "U.S. District"),
        ];
        assert_eq!(found, want.map(|(r, s)| (r, s.to_string())));
        assert_eq!(spans(&t, "U.S. Court of Appeal"), [(0, "U.S.".into())]);
    }

    #[test]
    fn phrases_fold_ascii_case_when_asked() {
        let t = table(&[("filed suit against", 0, true), ("'s", 1, false)]);
        assert_eq!(spans(&t, "Nokia Filed Suit Against Amazon's unit"), [(0, "Filed Suit Against".into()), (1, "'s".into())]);
        assert_eq!(spans(&t, "filed suit againstX É"), []);
    }

    /// Every match by the definition: the text there starts with the
    /// phrase (ignoring ASCII case when asked), a phrase starting with a
    /// letter or digit starts a word, the match ends one, and no phrase
    /// starting with white space matches.
    fn reference(phrases: &[(String, usize, bool)], text: &str) -> Vec<(usize, usize, usize)> {
        let mut out = Vec::new();
        for (phrase, rule, fold) in phrases {
            let Some(first) = phrase.chars().next().filter(|c| !c.is_whitespace()) else { continue };
            for (start, _) in text.char_indices() {
                let end = start + phrase.len();
                let Some(there) = text.as_bytes().get(start..end) else { continue };
                let same = if *fold { there.eq_ignore_ascii_case(phrase.as_bytes()) } else { there == phrase.as_bytes() };
                let inside_word = first.is_alphanumeric() && text[..start].chars().next_back().is_some_and(char::is_alphanumeric);
                if same && !inside_word && ends_word_by_chars(text, end) {
                    out.push((*rule, start, end));
                }
            }
        }
        out.sort();
        out
    }

    /// What a table of `phrases` finds in `text`, as `reference` lists it.
    fn table_finds(phrases: &[(String, usize, bool)], text: &str) -> Vec<(usize, usize, usize)> {
        let mut found = Vec::new();
        let table = PhraseTable::new(phrases.iter().map(|(p, r, f)| (Cow::Borrowed(p.as_str()), *r, *f)));
        table.find(text, &text.to_ascii_lowercase(), &Blocks::of(text.as_bytes()), |rule, span| found.push((rule, span.start, span.end)));
        found.sort();
        found
    }

    proptest! {
        #[test]
        fn phrases_agree_with_the_definition(
            phrases in proptest::collection::vec(("[aAb\u{e9}\u{c9}1 .'\u{a0}\u{212a}]{1,6}", any::<bool>()), 1..8),
            text in "[aAbB\u{e9}\u{c9}1 .'\u{a0}\u{212a}\t]{0,40}",
        ) {
            let phrases: Vec<(String, usize, bool)> = phrases.into_iter().enumerate().map(|(rule, (p, fold))| (p, rule, fold)).collect();
            prop_assert_eq!(table_finds(&phrases, &text), reference(&phrases, &text));
        }
    }

    proptest! {
        /// Texts of several blocks have words that cross from one block to
        /// the next, and blocks that start after such a word.
        #[test]
        fn phrases_in_texts_of_many_blocks_agree_with_the_definition(
            phrases in proptest::collection::vec(("[aAb1 .\t\u{e9}]{1,5}", any::<bool>()), 1..8),
            text in "([aAb1.\t\n\u{e9}\u{a0}]{1,12}[ ]{0,3}){0,40}",
        ) {
            let phrases: Vec<(String, usize, bool)> = phrases.into_iter().enumerate().map(|(rule, (p, fold))| (p, rule, fold)).collect();
            prop_assert_eq!(table_finds(&phrases, &text), reference(&phrases, &text));
        }
    }

    proptest! {
        /// Long phrases over few letters share their first word and often
        /// their first eight bytes after it, so the search must order equal
        /// heads by their bytes; NUL bytes are what heads are padded with.
        #[test]
        fn long_phrases_with_equal_heads_agree_with_the_definition(
            phrases in proptest::collection::vec(("(a ){0,6}[aAb \u{0}]{1,6}", any::<bool>()), 1..24),
            text in "((a ){0,6}[aAb \u{0}]{0,6}){0,6}",
        ) {
            let phrases: Vec<(String, usize, bool)> = phrases.into_iter().enumerate().map(|(rule, (p, fold))| (p, rule, fold)).collect();
            prop_assert_eq!(table_finds(&phrases, &text), reference(&phrases, &text));
        }
    }

    #[test]
    fn phrases_with_equal_heads_are_told_apart() {
        let t = table(&[
            ("District Court for the District of Columbia", 0, true),
            ("District Court for the District of Delaware", 1, true),
            ("District Court for the", 2, true),
            ("District Court for the District", 3, false),
            ("District", 4, false),
        ]);
        let mut found = spans(&t, "the district court for the District of Delaware");
        found.sort();
        let want = [(1, "district court for the District of Delaware"), (2, "district court for the"), (4, "District")];
        assert_eq!(found, want.map(|(r, s)| (r, s.to_string())));
        assert_eq!(spans(&t, "District Court for the District of Columbia"), [
            (3, "District Court for the District".into()),
            (4, "District".into()),
            (0, "District Court for the District of Columbia".into()),
            (2, "District Court for the".into()),
            (4, "District".into()),
        ]);
    }

    proptest! {
        /// The overlapping loads read what copying into zeros would.
        #[test]
        fn short_loads_pad_with_zeros(bytes in proptest::collection::vec(any::<u8>(), 0..8)) {
            let mut padded = [0; 8];
            padded[..bytes.len()].copy_from_slice(&bytes);
            prop_assert_eq!(load_short(&bytes), u64::from_le_bytes(padded));
        }

        /// Reading a word eight bytes at a time finds the word and hash
        /// that reading it a character at a time and hashing it do.
        #[test]
        fn ascii_words_agree_with_words_read_by_character(
            text in "([aZz09]{0,17}[@`\\[{/:.'\u{e9}\u{a0}\u{212a} ]){1,4}[aZz09]{0,17}",
            at in 0..80usize,
        ) {
            let i = at % text.len();
            prop_assume!(text.is_char_boundary(i) && !text[i..].starts_with(' '));
            let end = word_end(&text, i);
            let word = &text.as_bytes()[i..end];
            prop_assert_eq!(word_at(&text, i), (end, hash_word(word), load_head(word)));
        }
    }

    proptest! {
        /// A list's agreed bits turn away no text that begins with one of
        /// its phrases, however short the text or the phrases.
        #[test]
        fn agreed_bits_accept_every_text_beginning_with_a_phrase(
            phrases in proptest::collection::vec("[aAbB \u{e9}]{0,10}", 1..6),
            pick in 0..6usize,
            after in "[aAbB \u{e9}]{0,10}",
        ) {
            let (want, care) = agreed_bits(phrases.iter().map(String::as_bytes));
            let text = format!("{}{after}", phrases[pick % phrases.len()]);
            prop_assert_eq!(load_head(text.as_bytes()) & care, want);
        }
    }

    proptest! {
        /// The list of no phrases turns every text away.
        #[test]
        fn no_text_may_begin_the_empty_list(chunk in any::<u64>()) {
            prop_assert!(!List::NONE.may_begin(chunk));
        }
    }

    #[test]
    fn agreed_bits_turn_away_what_shared_bytes_do_not() {
        let (want, care) = agreed_bits([&b"The Hill"[..], b"the Bronx", b"the Hague"].into_iter());
        assert_eq!(load_head(b"The Hague") & care, want);
        assert_ne!(load_head(b"the company") & care, want, "a capital after \"the \" is agreed");
    }

    proptest! {
        /// Placing phrases by counting and then sorting each list orders
        /// them as sorting all of them by list, bytes and rule does.
        #[test]
        fn phrases_placed_by_list_sort_as_a_whole(
            phrases in proptest::collection::vec((0..6usize, proptest::collection::vec(any::<u8>(), 0..4), 0..3usize), 0..40),
        ) {
            let all: Vec<(usize, Cow<'_, [u8]>, usize)> = phrases.into_iter().map(|(list, p, rule)| (list, Cow::Owned(p), rule)).collect();
            let (mut placed, ends) = by_list(&all, 6);
            let mut start = 0;
            for &end in &ends {
                placed[start..end].sort_unstable();
                start = end;
            }
            let mut want: Vec<(usize, &[u8], usize)> = all.iter().map(|(list, p, rule)| (*list, &**p, *rule)).collect();
            want.sort_unstable();
            prop_assert_eq!(placed, want.iter().map(|&(_, p, rule)| (p, rule)).collect::<Vec<_>>());
            prop_assert_eq!(ends, (0..6).map(|list| want.iter().filter(|w| w.0 <= list).count()).collect::<Vec<_>>());
        }
    }

    /// [`ends_word`] by characters alone.
    fn ends_word_by_chars(text: &str, end: usize) -> bool {
        let last = text[..end].chars().next_back();
        let next = text[end..].chars().next();
        !(last.is_some_and(char::is_alphanumeric) && next.is_some_and(char::is_alphanumeric))
    }

    proptest! {
        /// Comparing eight bytes at a time finds the prefix comparing one
        /// at a time does.
        #[test]
        fn common_prefixes_agree_with_a_byte_by_byte_comparison(
            a in proptest::collection::vec(0..3u8, 0..40),
            b in proptest::collection::vec(0..3u8, 0..40),
            shared in 0..40usize,
        ) {
            let b: Vec<u8> = a.iter().take(shared).chain(&b).copied().collect();
            prop_assert_eq!(common_prefix(&a, &b), a.iter().zip(&b).take_while(|(x, y)| x == y).count());
        }

        /// The ASCII shortcut of `ends_word` answers as characters do.
        #[test]
        fn word_ends_agree_with_characters(text in "[aZ9 .\u{e9}\u{2019}\u{212a}]{0,12}", at in 0..40usize) {
            let end = at % (text.len() + 1);
            prop_assume!(text.is_char_boundary(end));
            prop_assert_eq!(ends_word(&text, end), ends_word_by_chars(&text, end));
        }
    }

    #[test]
    fn no_general_punctuation_is_alphanumeric() {
        for c in '\u{2000}'..='\u{206f}' {
            assert_eq!(is_alphanumeric(c), c.is_alphanumeric(), "{c:?}");
        }
        assert!(is_alphanumeric('\u{2071}') && is_alphanumeric('\u{e9}') && !is_alphanumeric('\u{a0}'));
    }

    #[test]
    fn word_map_finds_every_word_it_grew_to_hold() {
        let words: Vec<String> = (0..2000).map(|i| format!("w{i}")).collect();
        let mut map = WordMap::default();
        for (i, w) in words.iter().enumerate() {
            *map.entry(w.as_bytes(), hash_word(w.as_bytes())) = i;
        }
        *map.entry(b"w7", hash_word(b"w7")) += 10_000;
        for (i, w) in words.iter().enumerate() {
            let want = if i == 7 { 10_007 } else { i };
            assert_eq!(map.get(w.as_bytes(), hash_word(w.as_bytes())), Some(&want));
        }
        assert_eq!(map.get(b"w2000", hash_word(b"w2000")), None);
        assert_eq!(map.get(b"w1", hash_word(b"w2")), None, "a word is found only with its own hash");
    }
}
