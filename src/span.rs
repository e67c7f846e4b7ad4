//! Byte spans into an article's text. Every stage works in bytes; characters
//! appear only at the output edge (see `record`).

/// A half-open byte range `[start, end)` into the original text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`.
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    /// True for an empty span.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// True when `other` lies inside this span.
    pub fn contains(&self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// True when the two spans share at least one byte.
    pub fn overlaps(&self, other: Span) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// The text of the span, or `None` when it is out of range or not on
    /// character boundaries: slicing never panics.
    pub fn slice<'t>(&self, text: &'t str) -> Option<&'t str> {
        text.get(self.start..self.end)
    }

    /// The text of the span, or "" when it cannot be sliced.
    pub fn text<'t>(&self, text: &'t str) -> &'t str {
        self.slice(text).unwrap_or("")
    }
}

/// Spans merged into a sorted list of disjoint ones, for overlap tests in
/// O(log n): resolvers ask "is this token covered?" once per token, and a
/// linear scan there would make long articles quadratic.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SpanSet(Vec<Span>);

impl SpanSet {
    /// The union of `spans`.
    pub fn new(spans: impl IntoIterator<Item = Span>) -> SpanSet {
        let mut all: Vec<Span> = spans.into_iter().filter(|s| !s.is_empty()).collect();
        all.sort();
        let mut merged: Vec<Span> = Vec::with_capacity(all.len());
        for s in all {
            match merged.last_mut() {
                Some(last) if s.start < last.end => last.end = last.end.max(s.end),
                _ => merged.push(s),
            }
        }
        SpanSet(merged)
    }

    /// The set's spans, sorted and disjoint.
    pub fn spans(&self) -> &[Span] {
        &self.0
    }

    /// True when one span of the set holds all of `span`.
    pub fn covers(&self, span: Span) -> bool {
        let i = self.0.partition_point(|s| s.end < span.end);
        self.0.get(i).is_some_and(|s| s.contains(span))
    }

    /// True when some span of the set shares a byte with `span`.
    pub fn overlaps(&self, span: Span) -> bool {
        let i = self.0.partition_point(|s| s.end <= span.start);
        self.0.get(i).is_some_and(|s| s.overlaps(span))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn span_set_merges_and_tests_overlap() {
        let set = SpanSet::new([Span::new(5, 9), Span::new(0, 3), Span::new(2, 4), Span::new(8, 8)]);
        assert_eq!(set.0, [Span::new(0, 4), Span::new(5, 9)]);
        assert!(set.overlaps(Span::new(3, 6)));
        assert!(!set.overlaps(Span::new(4, 5)));
        assert!(!set.overlaps(Span::new(9, 12)));
        assert!(set.covers(Span::new(5, 9)) && set.covers(Span::new(1, 2)));
        assert!(!set.covers(Span::new(3, 6)));
    }
}
