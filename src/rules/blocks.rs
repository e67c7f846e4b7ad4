//! Text classified 64 bytes at a time into bit masks, one bit a byte (byte
//! `i` of a block is bit `i`), for the walks that look for word starts and
//! ends. An article's blocks are classified once, as [`Blocks`], for the
//! phrase lookup, the regex candidate scan and the segmenter's word ends;
//! [`Classes::at`] classifies a block anywhere for the other users: the
//! party names' and keys' tests for plain words and `resolve::after_spaces`
//! (the dates' future cues, the cases' subjects). Testing byte by byte
//! branched at every word boundary, unpredictably, and cost more than the
//! work that followed. On x86_64 a block is read sixteen bytes at a time
//! with SSE2, which every x86_64 processor has; elsewhere byte by byte.

/// How many bytes of text [`Classes`] describes.
pub(crate) const BLOCK: usize = 64;

/// Which bytes of a block are what.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub(crate) struct Classes {
    /// ASCII letters and digits.
    pub alphanumeric: u64,
    /// `_`, which `(?-u:\b)` counts as part of a word.
    pub underscore: u64,
    /// The space character.
    pub space: u64,
    /// ASCII bytes.
    pub ascii: u64,
}

impl Classes {
    /// The classes of the block of `bytes` that starts at `at`; bytes past
    /// the text's end read as spaces.
    #[inline]
    pub fn at(bytes: &[u8], at: usize) -> Classes {
        let rest = &bytes[at..];
        match rest.first_chunk::<BLOCK>() {
            Some(whole) => Classes::of(whole),
            None => Classes::of_last(rest),
        }
    }

    /// The classes of the text's last bytes, fewer than a block: apart, so
    /// that the usual block is read in place, not copied.
    #[cold]
    #[inline(never)]
    fn of_last(rest: &[u8]) -> Classes {
        let mut block = [b' '; BLOCK];
        block[..rest.len()].copy_from_slice(rest);
        Classes::of(&block)
    }

    /// The classes of `block`.
    #[cfg(target_arch = "x86_64")]
    #[inline]
    fn of(block: &[u8; BLOCK]) -> Classes {
        // SAFETY: every x86_64 processor has SSE2.
        unsafe { Classes::by_sse2(block) }
    }

    #[cfg(not(target_arch = "x86_64"))]
    fn of(block: &[u8; BLOCK]) -> Classes {
        Classes::by_byte(block)
    }

    /// [`Classes::of`], sixteen bytes at a time.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "sse2")]
    fn by_sse2(block: &[u8; BLOCK]) -> Classes {
        use std::arch::x86_64::{__m128i, _mm_add_epi8, _mm_cmpeq_epi8, _mm_cmplt_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8};
        let mut classes = Classes { alphanumeric: 0, underscore: 0, space: 0, ascii: 0 };
        for (k, chunk) in block.chunks_exact(16).enumerate() {
            // SAFETY: the load reads the chunk's sixteen bytes, and needs no
            // alignment.
            let v = unsafe { _mm_loadu_si128(chunk.as_ptr().cast::<__m128i>()) };
            // `x` is in `low..low + n` (as unsigned bytes) when `x - low`,
            // its top bit flipped, is below -128 + n as a signed byte: SSE2
            // compares only signed bytes.
            let within = |x, low: u8, n: u8| {
                let shifted = _mm_add_epi8(x, _mm_set1_epi8(0x80u8.wrapping_sub(low) as i8));
                _mm_cmplt_epi8(shifted, _mm_set1_epi8((0x80 + n) as i8))
            };
            let letters = within(_mm_or_si128(v, _mm_set1_epi8(0x20)), b'a', 26);
            let bits = |mask| u64::from(_mm_movemask_epi8(mask) as u16) << (16 * k);
            classes.alphanumeric |= bits(_mm_or_si128(letters, within(v, b'0', 10)));
            classes.underscore |= bits(_mm_cmpeq_epi8(v, _mm_set1_epi8(b'_' as i8)));
            classes.space |= bits(_mm_cmpeq_epi8(v, _mm_set1_epi8(b' ' as i8)));
            // `movemask` takes each byte's top bit, which is set when it is
            // not ASCII.
            classes.ascii |= bits(v) ^ 0xffff << (16 * k);
        }
        classes
    }

    /// [`Classes::of`] byte by byte.
    #[cfg(any(test, not(target_arch = "x86_64")))]
    fn by_byte(block: &[u8; BLOCK]) -> Classes {
        let bits = |test: fn(&u8) -> bool| block.iter().rev().fold(0, |bits, b| bits << 1 | u64::from(test(b)));
        Classes {
            alphanumeric: bits(u8::is_ascii_alphanumeric),
            underscore: bits(|&b| b == b'_'),
            space: bits(|&b| b == b' '),
            ascii: bits(u8::is_ascii),
        }
    }
}

/// A whole text's [`Classes`], block `k` describing bytes `64 k..64 k + 64`:
/// classified once, in [`crate::document::Document::new`], for the
/// segmenter, the phrase walk and the regex scan, which each classified
/// every block again. The lower-cased copy has the same classes, as ASCII
/// lower-casing turns letters into letters only.
#[derive(Debug, Default)]
pub(crate) struct Blocks(Vec<Classes>);

impl Blocks {
    /// Bytes past the text's end: spaces.
    const PAST_END: Classes = Classes { alphanumeric: 0, underscore: 0, space: u64::MAX, ascii: u64::MAX };

    /// The classes of every block of `bytes`.
    pub fn of(bytes: &[u8]) -> Blocks {
        Blocks((0..bytes.len()).step_by(BLOCK).map(|at| Classes::at(bytes, at)).collect())
    }

    /// [`Classes::at`] for the block that starts at `at`, a multiple of
    /// [`BLOCK`].
    #[inline]
    pub fn aligned(&self, at: usize) -> Classes {
        self.0.get(at / BLOCK).copied().unwrap_or(Blocks::PAST_END)
    }

    /// [`Classes::at`] for the block that starts at `at`, anywhere: the two
    /// blocks it straddles, shifted together.
    #[inline]
    pub fn at(&self, at: usize) -> Classes {
        let shift = at % BLOCK;
        let low = self.aligned(at - shift);
        if shift == 0 {
            return low;
        }
        let high = self.aligned(at - shift + BLOCK);
        let join = |low: u64, high: u64| low >> shift | high << (BLOCK - shift);
        Classes {
            alphanumeric: join(low.alphanumeric, high.alphanumeric),
            underscore: join(low.underscore, high.underscore),
            space: join(low.space, high.space),
            ascii: join(low.ascii, high.ascii),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Classifying sixteen bytes at a time sorts bytes as testing them
        /// one by one does.
        #[test]
        fn blocks_classes_agree_with_classes_by_byte(
            bytes in proptest::collection::vec(prop_oneof![
                Just(b' '), Just(b'\t'), Just(b'/'), Just(b'0'), Just(b'9'), Just(b':'), Just(b'@'), Just(b'A'), Just(b'Z'),
                Just(b'['), Just(b'_'), Just(b'`'), Just(b'a'), Just(b'z'), Just(b'{'), Just(0x7f), Just(0x80), Just(0xc1), Just(0xff), any::<u8>(),
            ], BLOCK),
        ) {
            let block: [u8; BLOCK] = bytes.try_into().unwrap_or([0; BLOCK]);
            prop_assert_eq!(Classes::of(&block), Classes::by_byte(&block));
        }

        /// The last, short block reads as if spaces followed the text.
        #[test]
        fn blocks_past_the_end_read_as_spaces(bytes in proptest::collection::vec(any::<u8>(), 0..BLOCK)) {
            let mut padded = [b' '; BLOCK];
            padded[..bytes.len()].copy_from_slice(&bytes);
            prop_assert_eq!(Classes::at(&bytes, 0), Classes::by_byte(&padded));
        }

        /// A text's blocks, classified once, are those [`Classes::at`]
        /// classifies at every offset, aligned or not, up to a block past
        /// the end.
        #[test]
        fn blocks_of_a_text_agree_with_classes_at(
            bytes in proptest::collection::vec(prop_oneof![
                Just(b' '), Just(b'_'), Just(b'a'), Just(b'Z'), Just(b'7'), Just(b'.'), Just(0xc3), any::<u8>(),
            ], 0..300),
        ) {
            let blocks = Blocks::of(&bytes);
            for at in 0..bytes.len() + BLOCK {
                let padded: Vec<u8> = bytes.iter().copied().chain(std::iter::repeat(b' ')).take(at + BLOCK).collect();
                prop_assert_eq!(blocks.at(at), Classes::at(&padded, at), "at {}", at);
                if at % BLOCK == 0 {
                    prop_assert_eq!(blocks.aligned(at), Classes::at(&padded, at), "aligned at {}", at);
                }
            }
        }
    }
}
