//! The run loop: read articles, extract them on N threads, hand each result
//! to the caller in input order as soon as it and all before it are done.
//!
//! A reader thread numbers the articles; workers extract and format (JSON,
//! TSV, CoNLL... the caller's `format` function, so formatting is parallel
//! too); the caller's thread writes, holding finished articles in a small
//! reorder buffer. The reader may run only a bounded number of articles and
//! bytes ahead of the writer (see `Budget`), so memory stays bounded by that,
//! not by the input.

use std::collections::BTreeMap;
use std::io;
use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread;

use crate::extractor::Extractor;
use crate::input::{Article, Item};
use crate::record::{ErrorBody, ErrorRecord, Record};

/// What extraction made of one input: the article and its record, or the
/// error record that stands in its place.
pub type Extracted = Result<(Article, Record), ErrorRecord>;

/// Facts about one finished article, for counts and progress.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Done {
    /// Bytes of article text read.
    pub bytes: usize,
    /// True when it became an error record.
    pub is_error: bool,
}

/// Counts of a finished run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Articles read.
    pub articles: usize,
    /// Error records written.
    pub errors: usize,
    /// Bytes of article text read.
    pub bytes: usize,
}

impl Summary {
    fn add(&mut self, done: Done) {
        self.articles += 1;
        self.errors += usize::from(done.is_error);
        self.bytes += done.bytes;
    }
}

/// Extracts one item; a panic becomes an error record of kind `internal`.
pub fn extract(extractor: &Extractor, item: Item) -> (Extracted, Done) {
    match item {
        Ok(article) => {
            let bytes = article.text.len();
            match panic::catch_unwind(AssertUnwindSafe(|| extractor.extract(&article))) {
                Ok(record) => (Ok((article, record)), Done { bytes, is_error: false }),
                Err(_) => {
                    let e = error_record(&article.id, "internal", "the extractor failed on this article");
                    (Err(e), Done { bytes, is_error: true })
                }
            }
        }
        Err(e) => (Err(error_record(&e.id, e.kind, &e.message)), Done { bytes: 0, is_error: true }),
    }
}

/// The JSON line of an extraction: the record or the error record, in the
/// field order of their types. UTF-8 bytes rather than a `String`: they
/// only go on to be written, and checking each record's UTF-8 again (which
/// `record_json_is_what_serde_json_writes` tests once for all) cost 0.4%
/// of a run.
pub fn json(extracted: &Extracted, pretty: bool) -> Vec<u8> {
    match extracted {
        Ok((article, record)) => {
            // A record is about one and a half times its article: room for it
            // (and the caller's newline) up front, instead of growing from 128 bytes.
            let mut out = Vec::with_capacity(256 + 2 * article.text.len());
            record.write_json(&mut out, pretty);
            out
        }
        Err(e) => error_json(e, pretty).into_bytes(),
    }
}

/// The JSON of an error record, as text for stderr.
pub fn error_json(e: &ErrorRecord, pretty: bool) -> String {
    let text = if pretty { serde_json::to_string_pretty(e) } else { serde_json::to_string(e) };
    text.unwrap_or_else(|e| format!("{{\"id\":null,\"error\":{{\"kind\":\"internal\",\"message\":{:?}}}}}", e.to_string()))
}

/// The next articles for a worker: one, waiting for it, then those already
/// queued, up to `most` articles or `BATCH_BYTES` of text. Taking short
/// articles one by one cost more in thread wake-ups than extracting them;
/// taking only what is queued never holds an article back to fill a batch.
fn take_batch(work: &Mutex<Receiver<(usize, Item)>>, most: usize) -> Option<Vec<(usize, Item)>> {
    let work = work.lock().ok()?;
    let first = work.recv().ok()?;
    let mut bytes = text_bytes(&first.1);
    let mut batch = vec![first];
    while batch.len() < most && bytes < BATCH_BYTES {
        let Ok(next) = work.try_recv() else { break };
        bytes += text_bytes(&next.1);
        batch.push(next);
    }
    Some(batch)
}

/// A worker stops adding queued articles to its batch at this much text.
const BATCH_BYTES: usize = 64 * 1024;

/// How far the reader may run ahead of the writer: at most `articles`
/// articles, and past one per thread, at most `bytes` bytes of text. Ahead
/// by a few articles only, workers that finished one kept waiting for the
/// next and were woken once per article; ahead by a count alone, long
/// articles would hold memory in proportion to the count.
struct Budget {
    articles: usize,
    bytes: usize,
    threads: usize,
    in_flight: Mutex<InFlight>,
    freed: Condvar,
}

#[derive(Default)]
struct InFlight {
    articles: usize,
    bytes: usize,
    closed: bool,
}

impl Budget {
    fn new(threads: usize) -> Budget {
        Budget { articles: threads * 64, bytes: threads * (4 << 20), threads, in_flight: Mutex::default(), freed: Condvar::new() }
    }

    /// Waits for room for an article of `bytes` of text and takes it;
    /// false once the writer has stopped.
    fn take(&self, bytes: usize) -> bool {
        let mut s = self.in_flight.lock().unwrap_or_else(PoisonError::into_inner);
        while !s.closed && (s.articles >= self.articles || (s.articles >= self.threads && s.bytes + bytes > self.bytes)) {
            s = self.freed.wait(s).unwrap_or_else(PoisonError::into_inner);
        }
        s.articles += 1;
        s.bytes += bytes;
        !s.closed
    }

    /// An article of `bytes` of text has been written.
    fn give_back(&self, bytes: usize) {
        let mut s = self.in_flight.lock().unwrap_or_else(PoisonError::into_inner);
        s.articles = s.articles.saturating_sub(1);
        s.bytes = s.bytes.saturating_sub(bytes);
        self.freed.notify_one();
    }
}

/// Closes a budget when dropped: the writer has stopped, so the reader must
/// not wait for room any more.
struct Closer<'b>(&'b Budget);

impl Drop for Closer<'_> {
    fn drop(&mut self) {
        self.0.in_flight.lock().unwrap_or_else(PoisonError::into_inner).closed = true;
        self.0.freed.notify_all();
    }
}

fn text_bytes(item: &Item) -> usize {
    item.as_ref().map_or(0, |a| a.text.len())
}

fn error_record(id: &str, kind: &str, message: &str) -> ErrorRecord {
    ErrorRecord { id: id.to_string(), error: ErrorBody { kind: kind.to_string(), message: message.to_string() } }
}

/// Extracts every item on `threads` threads, turns each into a `T` with
/// `format` (on the worker threads) and hands it to `write` in input order.
///
/// # Errors
/// The first error `write` returns (a closed pipe, say); the run stops there.
pub fn run<I, T, F, W>(extractor: &Extractor, items: I, threads: usize, format: F, mut write: W) -> io::Result<Summary>
where
    I: Iterator<Item = Item> + Send,
    T: Send,
    F: Fn(Extracted) -> T + Sync,
    W: FnMut(T, Done) -> io::Result<()>,
{
    let mut summary = Summary::default();
    if threads <= 1 {
        for item in items {
            let (extracted, done) = extract(extractor, item);
            summary.add(done);
            write(format(extracted), done)?;
        }
        return Ok(summary);
    }
    let budget = Budget::new(threads);
    let (budget, format) = (&budget, &format);
    thread::scope(|scope| {
        let (work_tx, work_rx) = mpsc::sync_channel::<(usize, Item)>(budget.articles);
        let (done_tx, done_rx) = mpsc::channel::<Vec<(usize, T, Done)>>();
        scope.spawn(move || {
            for (seq, item) in items.enumerate() {
                // Wait until the writer is far enough along.
                if !budget.take(text_bytes(&item)) || work_tx.send((seq, item)).is_err() {
                    break;
                }
            }
        });
        let work_rx = Arc::new(Mutex::new(work_rx));
        for _ in 0..threads {
            let work_rx = Arc::clone(&work_rx);
            let done_tx = done_tx.clone();
            scope.spawn(move || {
                while let Some(batch) = take_batch(&work_rx, budget.articles / (2 * threads)) {
                    let results = batch
                        .into_iter()
                        .map(|(seq, item)| {
                            let (extracted, done) = extract(extractor, item);
                            (seq, format(extracted), done)
                        })
                        .collect();
                    if done_tx.send(results).is_err() {
                        break;
                    }
                }
            });
        }
        drop(done_tx);
        // However the writer stops (a write error included), the reader
        // must stop waiting for room.
        let _close = Closer(budget);
        let mut pending: BTreeMap<usize, (T, Done)> = BTreeMap::new();
        let mut next = 0;
        for results in done_rx.iter() {
            pending.extend(results.into_iter().map(|(seq, out, done)| (seq, (out, done))));
            while let Some((out, done)) = pending.remove(&next) {
                summary.add(done);
                // On a write error, dropping `done_rx` and closing the budget stops the other threads.
                write(out, done)?;
                budget.give_back(done.bytes);
                next += 1;
            }
        }
        Ok(summary)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn queue(texts: &[usize]) -> Mutex<Receiver<(usize, Item)>> {
        let (tx, rx) = mpsc::channel();
        for (seq, &len) in texts.iter().enumerate() {
            tx.send((seq, Ok(Article::new(seq.to_string(), "x".repeat(len))))).expect("queue open");
        }
        Mutex::new(rx)
    }

    fn seqs(batch: Option<Vec<(usize, Item)>>) -> Vec<usize> {
        batch.expect("a batch").into_iter().map(|(seq, _)| seq).collect()
    }

    #[test]
    fn pipeline_batches_take_what_is_queued_up_to_a_count_or_a_size() {
        let work = queue(&[10, 10, 10, 10, 10]);
        assert_eq!(seqs(take_batch(&work, 3)), [0, 1, 2]);
        assert_eq!(seqs(take_batch(&work, 3)), [3, 4]);
        // A long article closes its batch; one longer than a batch goes alone.
        let work = queue(&[10, BATCH_BYTES, 10, 2 * BATCH_BYTES, 10]);
        assert_eq!(seqs(take_batch(&work, 8)), [0, 1]);
        assert_eq!(seqs(take_batch(&work, 8)), [2, 3]);
        assert_eq!(seqs(take_batch(&work, 8)), [4]);
    }

    #[test]
    fn pipeline_budget_holds_the_reader_back_by_count_and_bytes_until_the_writer_frees_or_stops() {
        use std::sync::atomic::{AtomicBool, Ordering};
        use std::time::Duration;
        let budget = Budget { articles: 3, bytes: 10, threads: 1, in_flight: Mutex::default(), freed: Condvar::new() };
        // The first article always goes, however long; then bytes count.
        assert!(budget.take(50));
        budget.give_back(50);
        assert!(budget.take(8));
        let took = AtomicBool::new(false);
        thread::scope(|scope| {
            let waiting = scope.spawn(|| {
                let ok = budget.take(8);
                took.store(true, Ordering::SeqCst);
                ok
            });
            thread::sleep(Duration::from_millis(50));
            assert!(!took.load(Ordering::SeqCst), "8 + 8 bytes exceed the budget of 10");
            budget.give_back(8);
            assert!(waiting.join().expect("reader thread"));
        });
        // Closing wakes a waiting reader and tells it to stop.
        thread::scope(|scope| {
            let waiting = scope.spawn(|| budget.take(8));
            thread::sleep(Duration::from_millis(50));
            drop(Closer(&budget));
            assert!(!waiting.join().expect("reader thread"));
        });
    }

    #[test]
    fn pipeline_batches_end_when_the_queue_closes() {
        let work = queue(&[]);
        assert!(take_batch(&work, 4).is_none());
    }
}
