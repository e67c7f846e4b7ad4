//! Regex rules, each tried only where one of its matches can start.
//!
//! Running every regex over the whole text is one pass per rule, and those
//! passes were the largest single cost of extraction. But nearly every
//! match begins with one of a few literals ("in", "January", "the", a
//! digit), and at a word boundary. So those literals are read off each
//! regex's syntax tree once; one walk over the word boundaries of the text
//! finds where they occur, and each regex is run, anchored, only there:
//! first a check of the next few bytes against what its matches can begin
//! with, then its lazy DFA. A regex whose matches do not begin with a short
//! list of literals at a word boundary still searches the whole text on its
//! own, once the text is seen to hold a rarer part that every match of it
//! must contain, when it has one: found by the same walk when that part
//! begins at a word boundary, else by a search of its own.
//!
//! The matches are exactly those of `find_iter`: a rule's candidate starts
//! are tried in text order, skipping those inside its previous match, and
//! an anchored leftmost-first search at the leftmost start that matches
//! finds the same match an unanchored search would.

use std::collections::HashMap;

use regex_automata::hybrid::LazyStateID;
use regex_automata::hybrid::dfa::{self, DFA};
use regex_automata::meta::{self, Regex};
use regex_automata::nfa::thompson::{self, NFA, State};
use regex_automata::util::primitives::StateID;
use regex_automata::util::captures::{Captures, GroupInfo};
use regex_automata::util::look::{Look, LookSet};
use regex_automata::util::pool::Pool;
use regex_automata::util::start;
use regex_automata::{Anchored, Input, MatchKind, PatternID};
use regex_syntax::hir::{self, Class, Hir, HirKind, Repetition};

use super::blocks::{BLOCK, Blocks};
use super::phrases::head;
use crate::hash::BuildKeys;
use crate::span::Span;

/// A literal set growing past this stops growing (its literals are cut
/// short); an alternation this large means "no usable literals".
const MAX_LITERALS: usize = 128;

/// Classes up to this many characters are spelled out as literals; larger
/// ones contribute the first byte of their members.
const MAX_CLASS_CHARS: u32 = 10;

/// The regex crate's default limits, so rule files mean what its
/// documentation says.
const NFA_SIZE_LIMIT: usize = 10 * (1 << 20);
const DFA_CACHE_CAPACITY: usize = 2 * (1 << 20);

/// A regex's list of matches keeps room for this many from text to text:
/// a news article has a few per regex.
const KEPT_MATCHES: usize = 64;

/// How many leading bytes of a match [`Lead`] checks before the DFA runs.
const LEAD_BYTES: usize = 8;

/// The longest match whose groups [`Tries`] keeps for the next match of
/// the same bytes: dates and names are short, and the bound bounds a key.
const SEEN_MAX_LEN: usize = 64;

/// How many matches' groups a regex keeps per thread before it forgets
/// them all and starts over, which bounds the memory of a long stream.
const SEEN_LIMIT: usize = 512;

/// The scratch of a scan, one per thread that uses it.
type Scratches = Pool<Vec<Tries>, NewScratch>;
type NewScratch = Box<dyn Fn() -> Vec<Tries> + Send + Sync>;

/// A rule's compiled regex and, when it has them, the literals its matches
/// start with.
#[derive(Debug)]
pub struct RuleRegex {
    regex: Regex,
    /// Set when the regex is tried only at candidate starts.
    anchored: Option<Starts>,
    /// For a regex that searches on its own: a part of every match that
    /// begins at a word boundary, which the walk looks for at its candidate
    /// starts (see [`word_part`]); the regex searches a text only when it
    /// is found there.
    part: Option<Starts>,
    /// For a regex that searches on its own and has no such part: a part of
    /// every match, which the text is searched for first (see
    /// [`required_part`]).
    required: Option<Regex>,
}

/// What trying a regex at candidate starts needs.
#[derive(Debug)]
struct Starts {
    /// Every match begins with one of these, at an ASCII word boundary.
    starts: Vec<Vec<u8>>,
    /// The forward lazy DFA alone: most candidates fail within a few
    /// bytes, and a call to the full regex costs several times more.
    forward: DFA,
    /// True when the regex looks around only at ASCII word boundaries, so
    /// that the groups of a match depend only on its bytes and on whether
    /// the bytes either side of it are word bytes (see [`Tries::groups_of`]).
    groups_by_bytes: bool,
}

impl RuleRegex {
    /// Compiles `pattern` with the `regex` crate's defaults (Unicode, size
    /// limits).
    ///
    /// # Errors
    /// The syntax error, or that the compiled regex is too large.
    pub fn new(pattern: &str) -> Result<RuleRegex, String> {
        let hir = regex_syntax::ParserBuilder::new().build().parse(pattern).map_err(|e| e.to_string())?;
        let starts = start_literals(&hir).filter(|_| starts_with_ascii_word_boundary(&hir) && !repeats_words(&hir));
        // A regex tried at candidate starts has its own forward DFA; the
        // meta regex then only reports the groups of a match already found,
        // over the match alone, where the backtracker does well: it needs
        // no lazy DFAs or one-pass DFA (nor their compile time) of its own.
        let regex = meta_regex(&hir, starts.is_none())?;
        let (anchored, part, required) = match starts {
            Some(starts) => {
                let forward = forward_dfa(&hir)?;
                let groups_by_bytes = looks_only_at_ascii_words(forward.get_nfa().look_set_any());
                (Some(Starts { starts, forward, groups_by_bytes }), None, None)
            }
            None => match word_part(&hir) {
                Some((part, starts)) => (None, Some(Starts { starts, forward: forward_dfa(&part)?, groups_by_bytes: false }), None),
                None => (None, None, required_part(&hir).map(|part| meta_regex(&part, true)).transpose()?),
            },
        };
        Ok(RuleRegex { regex, anchored, part, required })
    }

    /// What the walk over the text looks for at candidate starts for this
    /// regex: its matches, or the part of them that tells it to search.
    fn walked(&self) -> Option<&Starts> {
        self.anchored.as_ref().or(self.part.as_ref())
    }

    /// The index of the capture group called `name`. A rule has a handful
    /// of groups, and comparing their names costs a fraction of hashing
    /// `name` for the group map: resolvers ask for several groups of every
    /// date.
    pub fn group_index(&self, name: &str) -> Option<usize> {
        self.regex.group_info().pattern_names(PatternID::ZERO).position(|group| group == Some(name))
    }

    /// Where the match that starts at `start` ends, if one does; `cache`
    /// is a cache of the forward lazy DFA.
    fn match_end_at(&self, text: &str, start: usize, cache: &mut StartCache) -> Option<usize> {
        if let Some(a) = &self.anchored
            && let Some(found) = walk(&a.forward, cache, text.as_bytes(), start)
        {
            return found;
        }
        // The lazy DFA gave up (its cache thrashed): ask the full regex.
        self.regex.search_half(&Input::new(text).range(start..).anchored(Anchored::Yes)).map(|m| m.offset())
    }

    /// The groups of the match `start..end`, which must be the match at
    /// `start`. Searching just its span is the same search (look-around
    /// still sees the whole text) and keeps the work to the match.
    fn captures_at(&self, text: &str, start: usize, end: usize, caps: &mut Captures) {
        self.regex.search_captures(&Input::new(text).range(start..end).anchored(Anchored::Yes), caps);
    }
}

/// The meta regex of `hir` with the `regex` crate's semantics and limits;
/// `searches` when it searches texts itself, rather than only reporting
/// the groups of matches already found.
fn meta_regex(hir: &Hir, searches: bool) -> Result<Regex, String> {
    let config = meta::Config::new()
        .match_kind(MatchKind::LeftmostFirst)
        .utf8_empty(true)
        .nfa_size_limit(Some(NFA_SIZE_LIMIT))
        .hybrid(searches)
        .onepass(searches)
        .hybrid_cache_capacity(DFA_CACHE_CAPACITY);
    meta::Builder::new().configure(config).build_from_hir(hir).map_err(|e| match e.size_limit() {
        Some(limit) => format!("Compiled regex exceeds size limit of {limit} bytes."),
        None => e.to_string(),
    })
}

/// The regex rules of a rule set and, for those tried at candidate
/// starts, their literals by first two bytes.
#[derive(Debug)]
pub struct RegexScan {
    /// `bucket[b0 * 256 + b1]`: the index in `buckets` of the literals of
    /// two bytes or more that begin with `b0 b1`, or 0 for none. A text
    /// that ends after `b0` is looked up as `b0 0`, as [`head`] pads it.
    bucket: Box<[u16; 1 << 16]>,
    /// The literals of each bucket, in sorted order (see
    /// [`Prefix::each_beginning`]); `buckets[0]` stays empty.
    buckets: Vec<Vec<Prefix>>,
    /// `singles[b]`: the regexes with the one-byte literal `b`, as a set
    /// (of no words when there are none).
    singles: Vec<Box<[u64]>>,
    /// `single[b]`: `b` is a one-byte literal. Nearly every letter and
    /// digit begins some literal, so a word is looked up by its first two
    /// bytes at once, and by its first alone only where it is marked here:
    /// checking its first byte on its own first cost more than it saved.
    single: [bool; 256],
    /// Where a literal may begin, beyond the word boundaries before a word
    /// byte or a non-ASCII byte: all word boundaries when some literal
    /// begins with ASCII punctuation or space, else none.
    begins_elsewhere: u64,
    /// What a match of each regex may begin with, checked here before the
    /// regex is tried.
    leads: LeadTable,
    /// What each thread keeps between texts to try the regexes.
    scratch: Scratches,
}

impl RegexScan {
    /// The scanner of `regexes`, in the order `find` reports them.
    pub fn new(regexes: &[&RuleRegex]) -> RegexScan {
        let leads: Vec<Lead> = regexes.iter().map(|r| r.walked().map_or_else(Lead::default, |a| Lead::of(a.forward.get_nfa()))).collect();
        let leads = LeadTable::new(&leads);
        let mut scan = RegexScan {
            bucket: Box::new([0; 1 << 16]),
            buckets: vec![Vec::new()],
            singles: vec![Box::default(); 256],
            single: [false; 256],
            begins_elsewhere: 0,
            leads,
            scratch: Tries::pool(regexes),
        };
        // Regexes share literals ("the", month names): each literal is
        // compared once per candidate, then tried for all its regexes.
        let mut literals: Vec<(&[u8], usize)> =
            regexes.iter().enumerate().flat_map(|(i, r)| r.walked().into_iter().flat_map(|a| &a.starts).map(move |l| (l.as_slice(), i))).collect();
        literals.sort_unstable();
        for group in literals.chunk_by(|a, b| a.0 == b.0) {
            let literal = group[0].0;
            let slots = group.iter().map(|&(_, i)| i);
            if literal[0].is_ascii() && !ASCII_WORD[usize::from(literal[0])] {
                scan.begins_elsewhere = u64::MAX;
            }
            let &[b0, b1, ..] = literal else {
                scan.singles[usize::from(literal[0])] = scan.leads.set(slots);
                scan.single[usize::from(literal[0])] = true;
                continue;
            };
            let key = usize::from(b0) << 8 | usize::from(b1);
            if scan.bucket[key] == 0 {
                // Past 65,535 buckets the last is shared, which is
                // still right: each literal is compared in full.
                scan.bucket[key] = u16::try_from(scan.buckets.len()).unwrap_or(u16::MAX);
                scan.buckets.push(Vec::new());
            }
            if let Some(list) = scan.buckets.get_mut(usize::from(scan.bucket[key])) {
                list.push(Prefix::new(literal, scan.leads.set(slots)));
            }
        }
        scan
    }

    /// Calls `found(i, groups)` for every match of `regexes[i]` (the list
    /// given to `new`) in `text`, regex by regex, each in text order, with
    /// the span of every capture group by group index. `blocks` are those
    /// of `text`.
    pub(crate) fn find(&self, regexes: &[&RuleRegex], text: &str, blocks: &Blocks, mut found: impl FnMut(usize, Vec<Option<Span>>)) {
        // Candidates are tried as the walk meets them, so nothing per
        // candidate is kept: only the matches, which are reported anyway.
        let mut scratch = self.scratch.get();
        let tries = &mut *scratch;
        tries.iter_mut().for_each(|t| {
            t.next = 0;
            t.holds_part = false;
        });
        self.each_candidate(text, blocks, |i, start| tries[i].try_at(regexes[i], text, start));
        for (i, (r, tries)) in regexes.iter().zip(tries.iter_mut()).enumerate() {
            if r.anchored.is_some() {
                tries.matches.drain(..).for_each(|groups| found(i, groups));
                // A huge text's list is not kept for the texts after it.
                tries.matches.shrink_to(KEPT_MATCHES);
                continue;
            }
            if (r.part.is_some() && !tries.holds_part) || r.required.as_ref().is_some_and(|part| !part.is_match(text)) {
                continue;
            }
            for m in r.regex.find_iter(text) {
                r.captures_at(text, m.start(), m.end(), &mut tries.caps);
                found(i, groups(&tries.caps));
            }
        }
    }

    /// Calls `found(i, start)` at each word boundary where a literal of
    /// regex `i` begins, in text order (a place may come more than once).
    fn each_candidate(&self, text: &str, blocks: &Blocks, mut found: impl FnMut(usize, usize)) {
        let bytes = text.as_bytes();
        // A word boundary is where the mask of word bytes changes; most
        // literals begin with a word byte, so the starts of words are nearly
        // all the places to look. Testing byte by byte branched on every
        // boundary, unpredictably, and that cost more than the work.
        let mut word_before = 0;
        for base in (0..bytes.len()).step_by(BLOCK) {
            let classes = blocks.aligned(base);
            let words = classes.alphanumeric | classes.underscore;
            let boundaries = words ^ (words << 1 | word_before);
            word_before = words >> 63;
            let in_text = u64::MAX >> BLOCK.saturating_sub(bytes.len() - base);
            let mut starts = boundaries & (words | !classes.ascii | self.begins_elsewhere) & in_text;
            while starts != 0 {
                let at = base + starts.trailing_zeros() as usize;
                starts &= starts - 1;
                self.candidates_at(bytes, at, &mut found);
            }
        }
    }

    /// Calls `found(i, at)` for each regex `i` with a literal that `bytes`
    /// has at `at`.
    fn candidates_at(&self, bytes: &[u8], at: usize, found: &mut impl FnMut(usize, usize)) {
        let b = usize::from(bytes[at]);
        let rest = &bytes[at..];
        if self.single[b] {
            self.leads.admitted(&self.singles[b], rest, 1, |i| found(i, at));
        }
        let next = bytes.get(at + 1).map_or(0, |&next| usize::from(next));
        let list = &self.buckets[usize::from(self.bucket[b << 8 | next])];
        if list.is_empty() {
            return;
        }
        Prefix::each_beginning(list, rest, |prefix| self.leads.admitted(&prefix.regexes, rest, prefix.len, |i| found(i, at)));
    }
}

/// One regex's search along the walk: where its last match ended, and its
/// matches so far. A thread keeps these from text to text, so that a text
/// does not set up a lazy DFA cache and capture slots per regex again.
#[derive(Debug)]
struct Tries {
    /// The forward DFA's cache, made when the regex is first tried.
    cache: Option<StartCache>,
    caps: Captures,
    /// Candidates before this are inside a match (or were tried already).
    next: usize,
    /// For a regex with a [`word_part`]: the walk found it in the text.
    holds_part: bool,
    matches: Vec<Vec<Option<Span>>>,
    /// The groups of matches seen before, relative to the match start, by
    /// [`seen_key`]. News repeats its dates ("2019", "last week",
    /// "Wednesday"): on wire news seven matches in eight were seen before,
    /// and the backtracker that finds the groups cost about 2,400
    /// instructions a match, many times a lookup here.
    seen: SeenGroups,
}

/// The groups of a match relative to its start, by [`seen_key`].
type SeenGroups = HashMap<Box<[u8]>, Box<[Option<Span>]>, BuildKeys>;

impl Tries {
    /// A pool of the tries of `regexes`, one per thread.
    fn pool(regexes: &[&RuleRegex]) -> Scratches {
        let groups: Vec<GroupInfo> = regexes.iter().map(|r| r.regex.group_info().clone()).collect();
        Pool::new(Box::new(move || {
            let tries = |groups: &GroupInfo| Tries {
                cache: None,
                caps: Captures::all(groups.clone()),
                next: 0,
                holds_part: false,
                matches: Vec::new(),
                seen: HashMap::default(),
            };
            groups.iter().map(tries).collect()
        }))
    }

    /// Tries `regex` at the candidate `start`, unless a match of it
    /// already covers `start`; for a regex with a [`word_part`], looks
    /// for that part there, until it is found once.
    fn try_at(&mut self, regex: &RuleRegex, text: &str, start: usize) {
        let Some(walked) = regex.walked() else { return };
        if start < self.next {
            return;
        }
        self.next = start + 1;
        let cache = self.cache.get_or_insert_with(|| StartCache::new(&walked.forward));
        if regex.anchored.is_none() {
            // A lazy DFA that gave up counts as found: the search decides.
            if walk(&walked.forward, cache, text.as_bytes(), start) != Some(None) {
                self.holds_part = true;
                self.next = usize::MAX;
            }
            return;
        }
        if let Some(end) = regex.match_end_at(text, start, cache) {
            let groups = self.groups_of(regex, walked, text, start, end);
            self.matches.push(groups);
            self.next = end;
        }
    }

    /// The groups of the match `start..end` of `regex`: those of an earlier
    /// match of the same bytes when the groups depend on nothing else.
    fn groups_of(&mut self, regex: &RuleRegex, anchored: &Starts, text: &str, start: usize, end: usize) -> Vec<Option<Span>> {
        let mut key = [0; SEEN_MAX_LEN + 1];
        let key = if anchored.groups_by_bytes { seen_key(text.as_bytes(), start, end, &mut key) } else { None };
        let Some(key) = key else {
            regex.captures_at(text, start, end, &mut self.caps);
            return groups(&self.caps);
        };
        if let Some(seen) = self.seen.get(key) {
            return seen.iter().map(|g| g.map(|g| Span::new(start + g.start, start + g.end))).collect();
        }
        regex.captures_at(text, start, end, &mut self.caps);
        let found = groups(&self.caps);
        if self.seen.len() >= SEEN_LIMIT {
            self.seen.clear();
        }
        // The groups of a match lie inside it.
        self.seen.insert(key.into(), found.iter().map(|g| g.map(|g| Span::new(g.start - start, g.end - start))).collect());
        found
    }
}

/// What the groups of the match `start..end` depend on when the regex
/// looks around only at ASCII word boundaries, written into `key`: whether
/// the bytes before and after it are word bytes, then its bytes. `None`
/// for a match too long to keep.
fn seen_key<'k>(bytes: &[u8], start: usize, end: usize, key: &'k mut [u8; SEEN_MAX_LEN + 1]) -> Option<&'k [u8]> {
    let len = end - start;
    if len > SEEN_MAX_LEN {
        return None;
    }
    let word = |at: Option<usize>| at.and_then(|at| bytes.get(at)).is_some_and(|&b| ASCII_WORD[usize::from(b)]);
    key[0] = u8::from(word(start.checked_sub(1))) | u8::from(word(Some(end))) << 1;
    key[1..=len].copy_from_slice(&bytes[start..end]);
    Some(&key[..=len])
}

/// True when every look-around in `looks` is at an ASCII word boundary,
/// which reads only the bytes either side of where it is.
fn looks_only_at_ascii_words(looks: LookSet) -> bool {
    let ascii_words = [Look::WordAscii, Look::WordAsciiNegate, Look::WordStartAscii, Look::WordEndAscii, Look::WordStartHalfAscii, Look::WordEndHalfAscii];
    looks.subtract(ascii_words.into_iter().fold(LookSet::empty(), LookSet::insert)).is_empty()
}

/// The bytes each of the first few positions of a match may hold: a byte
/// is allowed at position `k` when some state the NFA can be in after `k`
/// bytes has a transition on it. Most candidates ("the", "a", "in") are
/// followed by words no rule wants, and this turns many of them away in a
/// few instructions, before the DFA is started for them.
#[derive(Clone, Copy, Debug, Default)]
struct Lead {
    /// One 256-bit set per position, the first `len` of them in use; a
    /// text shorter than that is checked only as far as it goes.
    allowed: [[u64; 4]; LEAD_BYTES],
    len: usize,
}

impl Lead {
    /// The lead of `nfa`, searched anchored. Look-around is taken as always
    /// satisfied, which only allows more. It ends where a match may already
    /// be over (then anything may follow), or at [`LEAD_BYTES`].
    fn of(nfa: &NFA) -> Lead {
        let mut lead = Lead::default();
        let mut states = Closure::new(nfa);
        states.add(nfa.start_anchored());
        while lead.len < LEAD_BYTES && !states.list.iter().any(|&s| matches!(nfa.state(s), State::Match { .. })) {
            let set = &mut lead.allowed[lead.len];
            let mut next = Closure::new(nfa);
            let mut allow = |start: u8, end: u8, to: StateID| {
                (start..=end).for_each(|b| set[usize::from(b >> 6)] |= 1 << (b & 63));
                next.add(to);
            };
            for &state in &states.list {
                match nfa.state(state) {
                    State::ByteRange { trans } => allow(trans.start, trans.end, trans.next),
                    State::Sparse(sparse) => sparse.transitions.iter().for_each(|t| allow(t.start, t.end, t.next)),
                    State::Dense(dense) => {
                        for (byte, &to) in (0..=255u8).zip(dense.transitions.iter()).filter(|(_, to)| **to != StateID::ZERO) {
                            allow(byte, byte, to);
                        }
                    }
                    _ => {}
                }
            }
            lead.len += 1;
            states = next;
        }
        lead
    }

    /// The bytes that may come at position `k` of a match, read off the
    /// bits that are set: [`LeadTable::new`] runs at start-up, and testing
    /// all 256 bytes of each position of each regex cost a million
    /// instructions.
    fn allowed_at(&self, k: usize) -> impl Iterator<Item = usize> {
        let set = if k < self.len { self.allowed[k] } else { [u64::MAX; 4] };
        set.into_iter().enumerate().flat_map(|(chunk, mut bits)| {
            std::iter::from_fn(move || {
                let b = bits.trailing_zeros() as usize;
                bits &= bits.wrapping_sub(1);
                (b < 64).then_some(chunk * 64 + b)
            })
        })
    }

    /// True when the byte `b` may come at position `k` of a match.
    #[cfg(test)]
    fn allows(&self, k: usize, b: u8) -> bool {
        k >= self.len || self.allowed[k][usize::from(b >> 6)] >> (b & 63) & 1 != 0
    }

    /// False when `text`, from a candidate start on, cannot begin a match.
    #[cfg(test)]
    fn admits(&self, text: &[u8]) -> bool {
        self.admits_after(text, 0)
    }

    /// [`Lead::admits`] for a `text` whose first `known` bytes are a literal
    /// of the regex, which the lead allows by construction: only the bytes
    /// after it are checked. [`LeadTable::admitted`] does this for many
    /// regexes at once.
    #[cfg(test)]
    fn admits_after(&self, text: &[u8], known: usize) -> bool {
        (known..LEAD_BYTES.min(text.len())).all(|k| self.allows(k, text[k]))
    }
}

/// The leads of all the regexes of a scan, by position and byte: one lookup
/// per byte checks it for every regex that shares a literal. "the" begins
/// five regexes, and checking the lead of each on its own cost more than
/// comparing the literals.
#[derive(Debug)]
struct LeadTable {
    /// How many words a set of regexes takes, a bit per regex.
    words: usize,
    /// `admits[(k * 256 + b) * words..][..words]`: the regexes whose lead
    /// allows the byte `b` at position `k`.
    admits: Vec<u64>,
}

impl LeadTable {
    fn new(leads: &[Lead]) -> LeadTable {
        let words = leads.len().div_ceil(64);
        let mut admits = vec![0; LEAD_BYTES * 256 * words];
        for (i, lead) in leads.iter().enumerate() {
            for k in 0..LEAD_BYTES {
                for b in lead.allowed_at(k) {
                    admits[(k * 256 + b) * words + i / 64] |= 1 << (i % 64);
                }
            }
        }
        LeadTable { words, admits }
    }

    /// The set of the regexes `regexes`.
    fn set(&self, regexes: impl IntoIterator<Item = usize>) -> Box<[u64]> {
        let mut set = vec![0; self.words];
        regexes.into_iter().for_each(|i| set[i / 64] |= 1 << (i % 64));
        set.into()
    }

    /// Calls `found(i)` for each regex `i` in the set `regexes` whose lead
    /// admits `text`, which begins with a literal of `known` bytes of `i`.
    fn admitted(&self, regexes: &[u64], text: &[u8], known: usize, mut found: impl FnMut(usize)) {
        let end = LEAD_BYTES.min(text.len());
        for (word, &set) in regexes.iter().enumerate() {
            let mut set = set;
            let mut k = known;
            while set != 0 && k < end {
                set &= self.admits[(k * 256 + usize::from(text[k])) * self.words + word];
                k += 1;
            }
            while set != 0 {
                found(word * 64 + set.trailing_zeros() as usize);
                set &= set - 1;
            }
        }
    }
}

/// A set of NFA states closed under the moves that read no byte.
struct Closure<'n> {
    nfa: &'n NFA,
    list: Vec<StateID>,
    seen: Vec<bool>,
}

impl<'n> Closure<'n> {
    fn new(nfa: &'n NFA) -> Closure<'n> {
        Closure { nfa, list: Vec::new(), seen: vec![false; nfa.states().len()] }
    }

    /// Adds `state` and every state it reaches without reading a byte.
    fn add(&mut self, state: StateID) {
        let mut stack = vec![state];
        while let Some(state) = stack.pop() {
            if std::mem::replace(&mut self.seen[state.as_usize()], true) {
                continue;
            }
            self.list.push(state);
            match self.nfa.state(state) {
                State::Look { next, .. } | State::Capture { next, .. } => stack.push(*next),
                State::Union { alternates } => stack.extend(alternates.iter().rev()),
                State::BinaryUnion { alt1, alt2 } => stack.extend([*alt2, *alt1]),
                _ => {}
            }
        }
    }
}

/// A lazy DFA's cache and, by the byte before a candidate (the last slot:
/// none, at the start of the text), the anchored start state it gave for
/// it. Asking the DFA cost about 20 instructions more a candidate than
/// this lookup, over 72,000 candidates on 964 wire articles, most of which
/// fail within a few bytes. A lazy DFA's states hold only
/// until its cache is cleared, so those kept are forgotten whenever its
/// count of clears has moved.
#[derive(Debug)]
struct StartCache {
    cache: dfa::Cache,
    starts: Box<[Option<LazyStateID>; 257]>,
    /// The cache's count of clears when `starts` was last emptied.
    clear_count: usize,
}

impl StartCache {
    fn new(forward: &DFA) -> StartCache {
        let cache = forward.create_cache();
        StartCache { clear_count: cache.clear_count(), cache, starts: Box::new([None; 257]) }
    }

    /// The anchored start state of `forward` after `look_behind`; `None`
    /// when the DFA gives up.
    fn start(&mut self, forward: &DFA, look_behind: Option<u8>) -> Option<LazyStateID> {
        if self.cache.clear_count() != self.clear_count {
            self.starts.fill(None);
            self.clear_count = self.cache.clear_count();
        }
        let slot = look_behind.map_or(256, usize::from);
        if self.starts[slot].is_none() {
            // Computing a start state may clear the cache; the state is
            // still good, and the next call forgets it anyway.
            self.starts[slot] = forward.start_state(&mut self.cache, &start::Config::new().anchored(Anchored::Yes).look_behind(look_behind)).ok();
        }
        self.starts[slot]
    }
}

/// The end of the leftmost-first match of `forward` that starts at `start`,
/// if there is one; `None` when the DFA gives up. This is the lazy DFA's own
/// anchored search without what a search at an arbitrary place must set up
/// (input checks, prefilters, loop unrolling for long matches): most
/// candidates die within a few bytes, where that setup was most of the cost.
fn walk(forward: &DFA, cache: &mut StartCache, text: &[u8], start: usize) -> Option<Option<usize>> {
    let mut state = cache.start(forward, start.checked_sub(1).map(|i| text[i]))?;
    let cache = &mut cache.cache;
    let mut end = None;
    for (at, &byte) in text.iter().enumerate().skip(start) {
        state = forward.next_state(cache, state, byte).ok()?;
        if state.is_tagged() {
            // Matches are reported one byte late: a match state entered on
            // the byte at `at` means a match ended just before it.
            if state.is_match() {
                end = Some(at);
            } else if state.is_dead() {
                return Some(end);
            } else if state.is_quit() {
                return None;
            }
        }
    }
    state = forward.next_eoi_state(cache, state).ok()?;
    Some(if state.is_match() { Some(text.len()) } else { end })
}

/// The span of every capture group, by group index.
fn groups(caps: &Captures) -> Vec<Option<Span>> {
    caps.iter().map(|g| g.map(|g| Span::new(g.start, g.end))).collect()
}

/// A literal of some regexes, compared eight bytes at a time: most are short,
/// and a byte-by-byte comparison per candidate cost more than the search.
#[derive(Debug)]
struct Prefix {
    /// The first eight bytes (fewer, zero-padded) and which of them count.
    head: u64,
    mask: u64,
    /// The bytes after the first eight.
    tail: Box<[u8]>,
    len: usize,
    /// The regexes whose matches may begin with it, as a set.
    regexes: Box<[u64]>,
}

impl Prefix {
    fn new(literal: &[u8], regexes: Box<[u64]>) -> Prefix {
        let n = literal.len().min(8);
        // Heads are big-endian: the first `n` bytes are the high ones.
        let mask = if n == 8 { u64::MAX } else { !(u64::MAX >> (8 * n)) };
        Prefix { head: head(literal) & mask, mask, tail: literal[n..].into(), len: literal.len(), regexes }
    }

    /// Calls `found` for each literal of `list`, sorted, that `text` begins
    /// with, in order. A bucket's literals are sorted, and most candidates
    /// ("that", "they", "including") sort before its last literals:
    /// comparing them all cost a million comparisons on 964 wire articles.
    fn each_beginning<'p>(list: &'p [Prefix], text: &[u8], mut found: impl FnMut(&'p Prefix)) {
        let first = head(text);
        for prefix in list {
            let head = first & prefix.mask;
            if head == prefix.head {
                if prefix.ends_in(text) {
                    found(prefix);
                }
            } else if head < prefix.head {
                // The literal's first eight bytes or fewer sort after the
                // text's: each literal after it sorts after the text where
                // they first differ, or is a prefix of this one.
                return;
            }
        }
    }

    /// True when `text`, whose first eight bytes match this literal's head,
    /// holds the rest of it.
    fn ends_in(&self, text: &[u8]) -> bool {
        text.len() >= self.len && (self.tail.is_empty() || text[8..self.len] == *self.tail)
    }
}

/// The bytes `(?-u:\b)` counts as part of a word, by table: the test
/// runs on every byte of the text.
static ASCII_WORD: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = (b as u8).is_ascii_alphanumeric() || b == b'_' as usize;
        b += 1;
    }
    table
};

/// The forward lazy DFA of `hir` with the meta regex's leftmost-first
/// semantics.
fn forward_dfa(hir: &Hir) -> Result<DFA, String> {
    let nfa = thompson::Compiler::new()
        .configure(thompson::Config::new().nfa_size_limit(Some(NFA_SIZE_LIMIT)).which_captures(thompson::WhichCaptures::None))
        .build_from_hir(hir)
        .map_err(|e| e.to_string())?;
    DFA::builder()
        .configure(DFA::config().match_kind(MatchKind::LeftmostFirst).cache_capacity(DFA_CACHE_CAPACITY))
        .build_from_nfa(nfa)
        .map_err(|e| e.to_string())
}

/// True when `hir` repeats, without bound, something that can match a
/// letter or digit (`.*`, `[a-z ]+`, `\w+`). A search anchored at one
/// candidate could then run over all the candidates after it, which over a
/// text full of them would take time quadratic in its length; such a regex
/// searches on its own, in one pass. Unbounded runs of white space or
/// punctuation (`\s+`) are fine, and so are runs of ASCII word bytes
/// (`[a-z]+`): no word boundary, so no candidate, lies inside one, and a
/// search crosses only as many boundaries as the rest of the regex allows.
fn repeats_words(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Repetition(r) if r.max.is_none() && matches_word_character(&r.sub) && !only_ascii_word_bytes(&r.sub) => true,
        HirKind::Repetition(r) => repeats_words(&r.sub),
        HirKind::Capture(c) => repeats_words(&c.sub),
        HirKind::Concat(items) | HirKind::Alternation(items) => items.iter().any(repeats_words),
        HirKind::Empty | HirKind::Literal(_) | HirKind::Class(_) | HirKind::Look(_) => false,
    }
}

/// True when `hir` can match a letter, a digit or any non-ASCII character
/// other than white space.
fn matches_word_character(hir: &Hir) -> bool {
    let word = |c: char| c.is_alphanumeric() || (!c.is_ascii() && !c.is_whitespace());
    match hir.kind() {
        HirKind::Literal(literal) => String::from_utf8_lossy(&literal.0).chars().any(word),
        HirKind::Class(Class::Unicode(class)) => class.ranges().iter().any(|r| (r.start()..=r.end()).any(word)),
        HirKind::Class(Class::Bytes(class)) => class.ranges().iter().any(|r| (r.start()..=r.end()).any(|b| !b.is_ascii() || word(char::from(b)))),
        HirKind::Repetition(r) => matches_word_character(&r.sub),
        HirKind::Capture(c) => matches_word_character(&c.sub),
        HirKind::Concat(items) | HirKind::Alternation(items) => items.iter().any(matches_word_character),
        HirKind::Empty | HirKind::Look(_) => false,
    }
}

/// True when every byte `hir` can match is an ASCII word byte.
fn only_ascii_word_bytes(hir: &Hir) -> bool {
    let word = |b: u32| u8::try_from(b).is_ok_and(|b| ASCII_WORD[usize::from(b)]);
    match hir.kind() {
        HirKind::Literal(literal) => literal.0.iter().all(|&b| word(b.into())),
        HirKind::Class(Class::Unicode(class)) => class.ranges().iter().all(|r| (u32::from(r.start())..=u32::from(r.end())).all(word)),
        HirKind::Class(Class::Bytes(class)) => class.ranges().iter().all(|r| (r.start()..=r.end()).all(|b| word(b.into()))),
        HirKind::Repetition(r) => only_ascii_word_bytes(&r.sub),
        HirKind::Capture(c) => only_ascii_word_bytes(&c.sub),
        HirKind::Concat(items) | HirKind::Alternation(items) => items.iter().all(only_ascii_word_bytes),
        HirKind::Empty | HirKind::Look(_) => true,
    }
}

/// True when every match of `hir` must begin at an ASCII word boundary.
fn starts_with_ascii_word_boundary(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Look(look) => *look == hir::Look::WordAscii,
        HirKind::Capture(c) => starts_with_ascii_word_boundary(&c.sub),
        HirKind::Concat(items) => items.first().is_some_and(starts_with_ascii_word_boundary),
        _ => false,
    }
}

/// A part of every match of `hir` that begins at an ASCII word boundary,
/// and its literals: the rest of a concatenation from an item that must
/// match something, when the part begins with a short list of literals
/// that begin with a word byte and the items before it end in a byte that
/// is none (`(?:^|[\s(])United States`, the `90s` of `(?:the\s+)?'90s`).
/// Its matches are then among the walk's candidate starts, so the walk
/// finds whether a text holds it at little more than the cost of the
/// literals, where a search of its own read the whole text.
fn word_part(hir: &Hir) -> Option<(Hir, Vec<Vec<u8>>)> {
    let HirKind::Concat(items) = without_captures(hir).into_kind() else { return None };
    let mandatory = |item: &Hir| item.properties().minimum_len().is_some_and(|n| n > 0);
    (1..items.len())
        .filter(|&k| mandatory(&items[k]) && ends_off_word(&items[k - 1]))
        .map(|k| Hir::concat(items[k..].to_vec()))
        .filter(|part| !repeats_words(part))
        .find_map(|part| {
            let literals = start_literals(&part).filter(|literals| literals.iter().all(|l| ASCII_WORD[usize::from(l[0])]))?;
            Some((part, literals))
        })
}

/// True when every match of `hir` ends in a byte that is not an ASCII word
/// byte, or is empty at the start of the text: what follows it, when it
/// begins with a word byte, begins at a word boundary. (A non-ASCII
/// character ends in a continuation byte, never a word byte.)
fn ends_off_word(hir: &Hir) -> bool {
    let off_word = |c: char| !u8::try_from(c).is_ok_and(|b| ASCII_WORD[usize::from(b)]);
    match hir.kind() {
        HirKind::Literal(literal) => literal.0.last().is_some_and(|&b| !ASCII_WORD[usize::from(b)]),
        HirKind::Class(Class::Unicode(class)) => class.ranges().iter().all(|r| (r.start()..=r.end()).take_while(char::is_ascii).all(off_word)),
        HirKind::Class(Class::Bytes(class)) => class.ranges().iter().all(|r| (r.start()..=r.end()).all(|b| !ASCII_WORD[usize::from(b)])),
        HirKind::Look(look) => *look == hir::Look::Start,
        HirKind::Repetition(r) => r.min > 0 && ends_off_word(&r.sub),
        HirKind::Capture(c) => ends_off_word(&c.sub),
        // A match that ends with an empty match at the start of the text is
        // empty there too.
        HirKind::Concat(items) => items.last().is_some_and(ends_off_word),
        HirKind::Alternation(items) => items.iter().all(ends_off_word),
        HirKind::Empty => false,
    }
}

/// A part of every match of `hir` that is rarer than its start: the rest
/// of a concatenation from its first item that must match something and
/// begins with a short list of literals of two bytes or more, when items
/// that can match text come before it (`(?:^|\s)United States`,
/// `(?:the\s+)?'90s`). The meta regex prefers a prefilter on the start, and
/// that fires at every space or "the"; a text without this part is turned
/// away in one fast pass.
fn required_part(hir: &Hir) -> Option<Hir> {
    let HirKind::Concat(items) = without_captures(hir).into_kind() else { return None };
    let mandatory = |item: &Hir| item.properties().minimum_len().is_some_and(|n| n > 0);
    let skips_text = |k: usize| items[..k].iter().any(|item| item.properties().maximum_len() != Some(0));
    (1..items.len())
        .filter(|&k| mandatory(&items[k]) && skips_text(k))
        .map(|k| Hir::concat(items[k..].to_vec()))
        .find(|part| start_literals(part).is_some_and(|literals| literals.iter().all(|l| l.len() >= 2)))
}

/// `hir` with its capture groups replaced by what they group (which
/// leaves nested concatenations flat).
fn without_captures(hir: &Hir) -> Hir {
    match hir.kind() {
        HirKind::Capture(c) => without_captures(&c.sub),
        HirKind::Concat(items) => Hir::concat(items.iter().map(without_captures).collect()),
        HirKind::Alternation(items) => Hir::alternation(items.iter().map(without_captures).collect()),
        HirKind::Repetition(r) => Hir::repetition(Repetition { sub: Box::new(without_captures(&r.sub)), ..r.clone() }),
        HirKind::Empty | HirKind::Literal(_) | HirKind::Class(_) | HirKind::Look(_) => hir.clone(),
    }
}

/// A literal a match starts with, and whether it is all of the match of
/// the node it came from (only then can what follows extend it).
type Literal = (Vec<u8>, bool);

/// The literals every match of `hir` starts with, or `None` when there is
/// no short list of them, or one would be a lone space or punctuation mark
/// (nearly every word boundary would then be a candidate).
fn start_literals(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    let mut literals: Vec<Vec<u8>> = prefixes(hir)?.into_iter().map(|(l, _)| l).collect();
    if literals.iter().any(|l| l.is_empty() || (l.len() == 1 && (l[0].is_ascii_whitespace() || l[0].is_ascii_punctuation()))) {
        return None;
    }
    literals.sort_unstable();
    literals.dedup();
    Some(literals)
}

/// Literals such that every match of `hir` begins with one of them; a
/// literal marked exact is a whole match. `None`: too many to list.
fn prefixes(hir: &Hir) -> Option<Vec<Literal>> {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => Some(vec![(Vec::new(), true)]),
        HirKind::Literal(literal) => Some(vec![(literal.0.to_vec(), true)]),
        HirKind::Class(class) => class_prefixes(class),
        HirKind::Capture(capture) => prefixes(&capture.sub),
        HirKind::Repetition(repetition) => {
            let mut literals = prefixes(&repetition.sub)?;
            // `x?` is all of `x` or nothing; after any other count, what
            // follows is unknown.
            if repetition.max != Some(1) {
                literals.iter_mut().for_each(|l| l.1 = false);
            }
            if repetition.min == 0 {
                literals.push((Vec::new(), true));
            }
            Some(literals)
        }
        HirKind::Concat(items) => {
            let mut literals = vec![(Vec::new(), true)];
            for item in items {
                if literals.iter().all(|l| !l.1) {
                    break;
                }
                let Some(next) = prefixes(item) else {
                    literals.iter_mut().for_each(|l| l.1 = false);
                    break;
                };
                match cross(&literals, &next).or_else(|| cross(&literals, &first_bytes(&next))) {
                    Some(crossed) => literals = crossed,
                    // Too many either way: what is known so far must do.
                    None if literals.iter().any(|l| l.0.is_empty()) => return None,
                    None => {
                        literals.iter_mut().for_each(|l| l.1 = false);
                        break;
                    }
                }
            }
            Some(literals)
        }
        HirKind::Alternation(alternatives) => {
            let mut literals = Vec::new();
            for alternative in alternatives {
                literals.extend(prefixes(alternative)?);
                if literals.len() > MAX_LITERALS {
                    return None;
                }
            }
            Some(literals)
        }
    }
}

/// Each exact literal of `left` followed by each literal of `right`; the
/// inexact ones of `left` stay as they are. `None` past `MAX_LITERALS`.
///
/// When `right` is only the first bytes of a large class (`\s`, `\d`),
/// a literal already begun is left as it is instead of being copied once
/// per byte: the copies say little more and make every lookup longer.
fn cross(left: &[Literal], right: &[Literal]) -> Option<Vec<Literal>> {
    let widening = right.iter().all(|(r, exact)| !exact && r.len() == 1);
    let mut out = Vec::new();
    for (l, exact) in left {
        if !exact || (widening && !l.is_empty()) {
            out.push((l.clone(), false));
            continue;
        }
        for (r, r_exact) in right {
            out.push(([l.as_slice(), r].concat(), *r_exact));
        }
        if out.len() > MAX_LITERALS {
            return None;
        }
    }
    Some(out)
}

/// The distinct first bytes of `literals`, inexact (an empty literal stays).
fn first_bytes(literals: &[Literal]) -> Vec<Literal> {
    let mut out: Vec<Literal> = literals.iter().map(|(l, exact)| (l.iter().take(1).copied().collect(), *exact && l.is_empty())).collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// A small class is one exact literal per member; a large one is the first
/// UTF-8 byte of its members, inexact.
fn class_prefixes(class: &Class) -> Option<Vec<Literal>> {
    match class {
        Class::Unicode(class) => {
            let size: u32 = class.ranges().iter().map(|r| u32::from(r.end()) - u32::from(r.start()) + 1).sum();
            if size <= MAX_CLASS_CHARS {
                let chars = class.ranges().iter().flat_map(|r| r.start()..=r.end());
                return Some(chars.map(|c| (c.to_string().into_bytes(), true)).collect());
            }
            // UTF-8 lead bytes grow with the code point, so a range's lead
            // bytes lie between those of its ends.
            let lead = |c: char| c.to_string().as_bytes()[0];
            let mut bytes: Vec<u8> = class.ranges().iter().flat_map(|r| lead(r.start())..=lead(r.end())).collect();
            bytes.sort_unstable();
            bytes.dedup();
            Some(bytes.into_iter().map(|b| (vec![b], false)).collect())
        }
        Class::Bytes(class) => {
            let bytes: Vec<u8> = class.ranges().iter().flat_map(|r| r.start()..=r.end()).collect();
            let exact = bytes.len() <= MAX_CLASS_CHARS as usize;
            Some(bytes.into_iter().map(|b| (vec![b], exact)).collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::LazyLock;

    use proptest::prelude::*;

    use super::*;
    use crate::rules::RuleSet;

    static BUILTIN: LazyLock<RuleSet> = LazyLock::new(|| RuleSet::builtin().expect("built-in rules"));

    fn literals(pattern: &str) -> Option<Vec<String>> {
        let hir = regex_syntax::parse(pattern).expect("test pattern parses");
        start_literals(&hir).map(|l| l.iter().map(|l| String::from_utf8_lossy(l).into_owned()).collect())
    }

    #[test]
    fn regexes_start_literals_cover_every_start_or_give_up() {
        let months = literals(r"(?-u:\b)(?:[Oo]n\s+)?(?:May|June)\s+\d").expect("literals");
        assert_eq!(months, ["June", "May", "On", "on"]);
        assert_eq!(literals(r"(?-u:\b)Q[1-4]").expect("literals"), ["Q1", "Q2", "Q3", "Q4"]);
        // A large class gives the first bytes of its members.
        let digits = literals(r"(?-u:\b)\d+ days ago").expect("literals");
        assert!(digits.contains(&"0".to_string()) && digits.contains(&"9".to_string()), "{digits:?}");
        // Nothing to go by: a possibly empty start, a space, `\w` (with `_`).
        assert_eq!(literals(r"(?-u:\b)x?"), None);
        assert_eq!(literals(r"(?:^|\s)United States"), None);
        assert_eq!(literals(r"\w+"), None);
    }

    #[test]
    fn regexes_that_repeat_words_without_bound_search_on_their_own() {
        // Anchored at each "Acme" of "Acme Acme Acme ...", these would each
        // read to the end of the text.
        for pattern in [r"(?-u:\b)Acme.*Corp", r"(?-u:\b)Acme[a-z ]+Corp", r"(?-u:\b)Acme\w*", r"(?-u:\b)Acme(?:\s+\S+)*"] {
            assert!(RuleRegex::new(pattern).expect("compiles").anchored.is_none(), "{pattern}");
        }
        for pattern in [r"(?-u:\b)in\s+May", r"(?-u:\b)(?:[Tt]he\s+)?(?:19|20)\d\d", r"(?-u:\b)v\.[\s-]+\d{1,3}", r"(?-u:\b)State of [A-Z][a-z_0-9]+"] {
            assert!(RuleRegex::new(pattern).expect("compiles").anchored.is_some(), "{pattern}");
        }
    }

    #[test]
    fn regexes_that_search_on_their_own_look_for_a_part_at_word_boundaries() {
        let part = |pattern: &str| {
            let regex = RuleRegex::new(pattern).expect("compiles");
            assert!(regex.anchored.is_none(), "{pattern}");
            regex.part.map(|p| p.starts.iter().map(|l| String::from_utf8_lossy(l).into_owned()).collect::<Vec<_>>())
        };
        assert_eq!(part(r"(?:^|[\s(])(?P<m>United States|USA)\s+v"), Some(vec!["USA".to_string(), "United States".to_string()]));
        let decades = part(r"(?P<d>(?:[Tt]he\s+)?(?:(?P<mod>[Ee]arly|[Mm]id)[\s-]+)?['’](?P<decade>[0-9]0)s)(?-u:\b)").expect("a part");
        assert_eq!(decades, (0..10).map(|d| format!("{d}0s")).collect::<Vec<_>>());
        // What comes before may end in a word byte, or be empty anywhere.
        assert_eq!(part(r"(?:^|[\sa])United States"), None);
        assert_eq!(part(r"(?:x\s)?United States"), None);
        assert_eq!(part(r"(?:^|\s|)United States"), None);
    }

    #[test]
    fn regexes_lead_turns_away_starts_that_cannot_match() {
        let lead = |pattern: &str| Lead::of(RuleRegex::new(pattern).expect("compiles").anchored.expect("scanned").forward.get_nfa());
        let the = lead(r"(?-u:\b)[Tt]he\s+(?:first|second)\s+half");
        assert!(the.admits(b"the first half") && the.admits(b"The  second") && the.admits(b"the s"));
        assert!(!the.admits(b"the company") && !the.admits(b"then") && !the.admits(b"the fourth"));
        // Once a match may be over, anything may follow.
        let may = lead(r"(?-u:\b)May(?:\s+\d{1,2})?");
        assert_eq!(may.len, 3);
        assert!(may.admits(b"Mayor") && may.admits(b"May 5") && !may.admits(b"Mat"));
    }

    #[test]
    fn regexes_report_a_regex_too_large_to_compile() {
        let error = RuleRegex::new(r"\w{100}{100}").expect_err("too large");
        assert!(error.contains("exceeds size limit"), "{error}");
        assert!(RuleRegex::new("(").is_err());
    }

    /// Regexes whose candidate starts overlap, nest or are optional, one
    /// whose groups depend on the byte after a match, and one that must
    /// search on its own.
    const TRICKY: &[&str] = &[
        r"(?-u:\b)(?:in|in or about)\s+(?:19|20)\d\d",
        r"(?-u:\b)(?P<d>(?:the\s+)?(?:May|June))(?-u:\b)",
        r"(?-u:\b)a(?:b|bc)?",
        r"x\d",
        r"(?-u:\b)-[0-9]",
        r"(?-u:\b)(?:in|the)\s+[a-z]+(?-u:\b)",
        r"(?-u:\b)(?:(?P<word>in)(?-u:\b)|(?P<part>in))",
        r"(?:^|[\s(])(?P<m>in|an)\s+(?:19|20)",
        r"(?P<d>(?:[Tt]he\s+)?(?:[Ii]n[\s-]+)?['’](?P<decade>[0-9]0)s)(?-u:\b)",
    ];

    const WORDS: &[&str] = &[
        "in", "In", " ", "  ", "the", "The", "May", "June", "2024", "19", "1999", "ago", "a", "an", "ab", "abc", "two", "days",
        "years", ",", ".", "-", "\u{2019}", "'", "90s", "\u{a0}", "é", "or about", "on or about", "Q3", "last", "fiscal", "mid",
        "United States", "v.", "State of New York", "pay", "x1", "_", "\n",
    ];

    /// What `find_iter` and `captures_at` give, which the scan must repeat.
    fn unfiltered(regexes: &[&RuleRegex], text: &str) -> Vec<(usize, Vec<Option<Span>>)> {
        let mut out = Vec::new();
        for (i, r) in regexes.iter().enumerate() {
            let mut caps = r.regex.create_captures();
            for m in r.regex.find_iter(text) {
                r.regex.search_captures(&Input::new(text).range(m.start()..).anchored(Anchored::Yes), &mut caps);
                out.push((i, caps.iter().map(|g| g.map(|g| Span::new(g.start, g.end))).collect()));
            }
        }
        out
    }

    /// What `scan` of `regexes` finds in `text`.
    fn scanned(scan: &RegexScan, regexes: &[&RuleRegex], text: &str) -> Vec<(usize, Vec<Option<Span>>)> {
        let mut scanned = Vec::new();
        scan.find(regexes, text, &Blocks::of(text.as_bytes()), |i, groups| scanned.push((i, groups)));
        scanned
    }

    #[test]
    fn regexes_forget_the_groups_they_keep_past_the_limit() {
        let regex = RuleRegex::new(r"(?-u:\b)n(?P<d>[0-9]+)").expect("compiles");
        let regexes = [&regex];
        let scan = RegexScan::new(&regexes);
        let text: String = (0..SEEN_LIMIT + 10).map(|k| format!("n{k} ")).collect();
        // The second time round, the groups of the last matches are kept.
        for _ in 0..2 {
            assert_eq!(scanned(&scan, &regexes, &text), unfiltered(&regexes, &text));
        }
        let kept = scan.scratch.get()[0].seen.len();
        assert!((1..=SEEN_LIMIT).contains(&kept), "{kept}");
    }

    static TRICKY_REGEXES: LazyLock<Vec<RuleRegex>> = LazyLock::new(|| TRICKY.iter().map(|p| RuleRegex::new(p).expect("test pattern compiles")).collect());

    /// Few words, so that texts often hold what the tricky regexes match.
    const FEW_WORDS: &[&str] = &[" ", "(", "a", "an", "in", "the", "19", "'", "’", "90s", "x1", "-", "Ab"];

    /// The leads of the built-in and tricky regexes, twice over, so that a
    /// set of them takes two words.
    static LEADS: LazyLock<Vec<Lead>> = LazyLock::new(|| {
        let regexes = BUILTIN.rules.iter().filter_map(|r| r.regex.as_deref()).chain(TRICKY_REGEXES.iter());
        let leads: Vec<Lead> = regexes.filter_map(|r| r.anchored.as_ref()).map(|a| Lead::of(a.forward.get_nfa())).collect();
        leads.iter().chain(&leads).copied().collect()
    });

    proptest! {
        /// Stopping at the first literal that sorts after the text finds
        /// every literal the text begins with, long ones and the end of
        /// the text included.
        #[test]
        fn regexes_each_beginning_finds_every_literal_the_text_begins_with(
            literals in prop::collection::btree_set(prop::collection::vec(prop::sample::select(b"ab \0".as_slice()), 1..12), 0..40),
            text in prop::collection::vec(prop::sample::select(b"ab \0c".as_slice()), 0..14),
        ) {
            let list: Vec<Prefix> = literals.iter().map(|l| Prefix::new(l, Box::default())).collect();
            let mut found = Vec::new();
            Prefix::each_beginning(&list, &text, |p| found.push(p.len));
            let plain: Vec<usize> = literals.iter().filter(|l| text.starts_with(l)).map(Vec::len).collect();
            prop_assert_eq!(found, plain);
        }

        #[test]
        fn regexes_lead_table_admits_what_each_lead_admits(
            words in prop::collection::vec(prop::sample::select(WORDS), 0..4),
            known in 0..4usize,
            picked in prop::collection::vec(any::<bool>(), LEADS.len()),
        ) {
            prop_assert!(LEADS.len() > 64);
            let table = LeadTable::new(&LEADS);
            let text = words.concat();
            let regexes = (0..LEADS.len()).filter(|&i| picked[i]);
            let mut admitted = Vec::new();
            table.admitted(&table.set(regexes.clone()), text.as_bytes(), known, |i| admitted.push(i));
            let each: Vec<usize> = regexes.filter(|&i| LEADS[i].admits_after(text.as_bytes(), known)).collect();
            prop_assert_eq!(admitted, each);
        }

        #[test]
        fn regexes_scan_finds_what_find_iter_finds(words in prop::collection::vec(prop::sample::select(WORDS), 0..80)) {
            let regexes: Vec<&RuleRegex> = BUILTIN.rules.iter().filter_map(|r| r.regex.as_deref()).chain(TRICKY_REGEXES.iter()).collect();
            let text = words.concat();
            prop_assert_eq!(scanned(&RegexScan::new(&regexes), &regexes, &text), unfiltered(&regexes, &text));
        }

        #[test]
        fn regexes_scan_finds_what_find_iter_finds_for_tricky_regexes(words in prop::collection::vec(prop::sample::select(FEW_WORDS), 0..40)) {
            let regexes: Vec<&RuleRegex> = TRICKY_REGEXES.iter().collect();
            let text = words.concat();
            prop_assert_eq!(scanned(&RegexScan::new(&regexes), &regexes, &text), unfiltered(&regexes, &text));
        }

        /// A cache cleared at nearly every step must not hand out the start
        /// states it gave before a clear.
        #[test]
        fn regexes_walk_keeps_start_states_only_until_the_cache_is_cleared(words in prop::collection::vec(prop::sample::select(WORDS), 0..40)) {
            let config = DFA::config().match_kind(MatchKind::LeftmostFirst).cache_capacity(0).skip_cache_capacity_check(true);
            let forward = DFA::builder().configure(config).build(r"(?-u:\b)(?:in|the|May)\s+[a-z0-9]+(?-u:\b)").expect("compiles");
            let text = words.concat();
            let mut kept = StartCache::new(&forward);
            let mut plain = forward.create_cache();
            for at in 0..=text.len() {
                let input = Input::new(&text).range(at..).anchored(Anchored::Yes);
                let end = forward.try_search_fwd(&mut plain, &input).expect("does not give up").map(|m| m.offset());
                prop_assert_eq!(walk(&forward, &mut kept, text.as_bytes(), at), Some(end));
            }
        }

        /// One scan keeps the groups of matches from text to text.
        #[test]
        fn regexes_scan_finds_what_find_iter_finds_text_after_text(texts in prop::collection::vec(prop::collection::vec(prop::sample::select(FEW_WORDS), 0..20), 1..6)) {
            let regexes: Vec<&RuleRegex> = TRICKY_REGEXES.iter().collect();
            let scan = RegexScan::new(&regexes);
            for words in texts {
                let text = words.concat();
                prop_assert_eq!(scanned(&scan, &regexes, &text), unfiltered(&regexes, &text));
            }
        }
    }
}
