//! The hash of the maps keyed by short strings (names, keys, words) that
//! resolvers look up several times per candidate: the standard SipHash
//! costs more than the rest of such a lookup. The strings are hashed
//! whole, so eight bytes a step.

use std::hash::{BuildHasherDefault, Hasher};

/// Builds [`KeyHasher`]s, for maps keyed by short strings.
pub(crate) type BuildKeys = BuildHasherDefault<KeyHasher>;

/// A hash in progress over eight-byte words.
#[derive(Default)]
pub(crate) struct KeyHasher(u64);

impl KeyHasher {
    /// An odd constant with its bits well spread (the golden ratio's).
    const K: u64 = 0x9e37_79b9_7f4a_7c15;

    fn add(&mut self, word: u64) {
        self.0 = (self.0 ^ word).wrapping_mul(KeyHasher::K).rotate_left(29);
    }
}

/// The first eight bytes of `b` as a number.
fn read_u64(b: &[u8]) -> u64 {
    u64::from_le_bytes(b[..8].try_into().unwrap_or_default())
}

/// The first four bytes of `b` as a number.
fn read_u32(b: &[u8]) -> u32 {
    u32::from_le_bytes(b[..4].try_into().unwrap_or_default())
}

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        let n = bytes.len();
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.add(read_u64(chunk));
        }
        // The last bytes, read whole in overlapping pieces (which, with
        // the length, still tell them all apart), and the length.
        let tail = match n {
            0 => 0,
            1..4 => u64::from(bytes[0]) | u64::from(bytes[n / 2]) << 8 | u64::from(bytes[n - 1]) << 16,
            4..8 => u64::from(read_u32(&bytes[..4])) | u64::from(read_u32(&bytes[n - 4..])) << 32,
            _ if chunks.remainder().is_empty() => 0,
            _ => read_u64(&bytes[n - 8..]),
        };
        self.add(tail ^ (n as u64) << 56);
    }

    fn write_u8(&mut self, b: u8) {
        self.add(u64::from(b));
    }

    fn finish(&self) -> u64 {
        // The high half of a full product: every bit of the state reaches
        // the low bits (the bucket) and the high ones (the tag).
        let product = u128::from(self.0) * u128::from(KeyHasher::K);
        (product >> 64) as u64 ^ product as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_tells_short_strings_apart() {
        // Every string of up to nine of three bytes (a zero byte among
        // them), hashed as maps hash a `str`: one hash each.
        let mut strings = vec![Vec::new()];
        let mut last = vec![Vec::new()];
        for _ in 0..9 {
            last = last.iter().flat_map(|s: &Vec<u8>| [0u8, b'a', b' '].map(|b| [&s[..], &[b]].concat())).collect();
            strings.extend(last.iter().cloned());
        }
        let hashes: std::collections::HashSet<u64> = strings
            .iter()
            .map(|s| {
                let mut h = KeyHasher::default();
                h.write(s);
                h.write_u8(0xff);
                h.finish()
            })
            .collect();
        assert_eq!(hashes.len(), strings.len());
    }
}
