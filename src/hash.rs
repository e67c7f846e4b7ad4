//! FNV-1a, the hash of the short words and keys looked up for every token:
//! the standard SipHash costs more than the rest of such a lookup, and
//! FNV can be computed a byte at a time while a word is being read.

use std::hash::{BuildHasherDefault, Hasher};

/// An FNV-1a hash in progress; `.0` is the hash of the bytes so far.
#[derive(Clone, Copy)]
pub(crate) struct Fnv(pub(crate) u64);

impl Fnv {
    /// The hash of no bytes.
    pub(crate) const fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    /// Adds one byte.
    #[inline]
    pub(crate) fn add(&mut self, b: u8) {
        self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
}

impl Default for Fnv {
    fn default() -> Fnv {
        Fnv::new()
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        bytes.iter().for_each(|&b| self.add(b));
    }
}

/// Builds [`Fnv`] hashers, for maps keyed by short words.
pub(crate) type BuildFnv = BuildHasherDefault<Fnv>;
