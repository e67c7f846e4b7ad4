//! The binary's allocator: mimalloc, called the way the standard library
//! calls `malloc`.
//!
//! The `mimalloc` crate's `GlobalAlloc` asks for every block through
//! `mi_malloc_aligned`, which re-checks the alignment on each call: about
//! 60 instructions a block against about 20 for `mi_malloc`. Extraction
//! makes some 400 allocations an article, so that was 1% of its work. A
//! plain `mi_malloc` block of at least `align` bytes is aligned to `align`
//! when that is at most 16, as a `malloc` block is; the standard library's
//! own allocator relies on that rule for `malloc`, with the same test.

use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

use libmimalloc_sys as mi;

/// The alignment every block of at least this many bytes has from the
/// plain calls (`MI_MAX_ALIGN_SIZE`).
const PLAIN_ALIGN: usize = 16;

/// Whether a block of `size` bytes from the plain calls is aligned enough
/// for `align`.
fn plain_will_do(align: usize, size: usize) -> bool {
    align <= PLAIN_ALIGN && align <= size
}

pub struct Mimalloc;

// SAFETY: every block comes from mimalloc and goes back to it; a block from
// a plain call is only used when `plain_will_do` says its alignment holds.
unsafe impl GlobalAlloc for Mimalloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let (size, align) = (layout.size(), layout.align());
        // SAFETY: mimalloc's allocation functions accept any size and a
        // power-of-two alignment, which a `Layout` always has.
        unsafe { if plain_will_do(align, size) { mi::mi_malloc(size) } else { mi::mi_malloc_aligned(size, align) } }.cast()
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let (size, align) = (layout.size(), layout.align());
        // SAFETY: as in `alloc`.
        unsafe { if plain_will_do(align, size) { mi::mi_zalloc(size) } else { mi::mi_zalloc_aligned(size, align) } }.cast()
    }

    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: `ptr` came from this allocator, so from mimalloc.
        unsafe { mi::mi_free(ptr.cast::<c_void>()) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let align = layout.align();
        // SAFETY: `ptr` came from this allocator; the alignment kept is
        // checked as in `alloc`, for the new size.
        unsafe {
            if plain_will_do(align, new_size) {
                mi::mi_realloc(ptr.cast(), new_size)
            } else {
                mi::mi_realloc_aligned(ptr.cast(), new_size, align)
            }
        }
        .cast()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Blocks of every size up to 2 KB and every alignment up to a page,
    /// made, grown and zeroed through each path, are aligned as asked. They
    /// are all held at once, so that each lands at a place of its own.
    #[test]
    fn blocks_are_aligned_as_asked() {
        let a = Mimalloc;
        for align in [1, 2, 4, 8, 16, 32, 64, 4096] {
            let layouts: Vec<Layout> = (1..=2048).map(|size| Layout::from_size_align(size, align).unwrap()).collect();
            let mut grown = Vec::new();
            let mut zeroed = Vec::new();
            for &layout in &layouts {
                let size = layout.size();
                unsafe {
                    let p = a.alloc(layout);
                    assert_eq!(p as usize % align, 0, "alloc of {size} bytes aligned {align}");
                    p.write_bytes(1, size);
                    let bigger = Layout::from_size_align(2 * size + 1, align).unwrap();
                    let q = a.realloc(p, layout, bigger.size());
                    assert_eq!(q as usize % align, 0, "realloc to {} bytes aligned {align}", bigger.size());
                    assert!((0..size).all(|i| *q.add(i) == 1), "realloc keeps the bytes");
                    grown.push((q, bigger));
                    let z = a.alloc_zeroed(layout);
                    assert_eq!(z as usize % align, 0, "alloc_zeroed of {size} bytes aligned {align}");
                    assert!((0..size).all(|i| *z.add(i) == 0), "alloc_zeroed zeroes");
                    zeroed.push((z, layout));
                }
            }
            for (p, layout) in grown.into_iter().chain(zeroed) {
                unsafe { a.dealloc(p, layout) };
            }
        }
    }
}
