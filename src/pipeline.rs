//! The run loop: read articles, extract them on N threads, hand each result
//! to the caller in input order as soon as it and all before it are done.
//!
//! A reader thread numbers the articles; workers extract and format (JSON,
//! TSV, CoNLL... the caller's `format` function, so formatting is parallel
//! too); the caller's thread writes, holding finished articles in a small
//! reorder buffer. The reader may run at most `window` articles ahead of the
//! writer, so memory stays bounded by the window, not by the input.

use std::collections::BTreeMap;
use std::io;
use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Arc, Mutex};
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
/// field order of their types.
pub fn json(extracted: &Extracted, pretty: bool) -> String {
    match extracted {
        Ok((article, record)) => {
            // A record is about one and a half times its article: room for it
            // (and the caller's newline) up front, instead of growing from 128 bytes.
            let mut out = Vec::with_capacity(256 + 2 * article.text.len());
            record.write_json(&mut out, pretty);
            String::from_utf8(out).expect("escaping splits strings only at ASCII bytes")
        }
        Err(e) => {
            let text = if pretty { serde_json::to_string_pretty(e) } else { serde_json::to_string(e) };
            text.unwrap_or_else(|e| format!("{{\"id\":null,\"error\":{{\"kind\":\"internal\",\"message\":{:?}}}}}", e.to_string()))
        }
    }
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
    let window = threads * 8;
    let format = &format;
    thread::scope(|scope| {
        let (work_tx, work_rx) = mpsc::sync_channel::<(usize, Item)>(window);
        let (done_tx, done_rx) = mpsc::channel::<Vec<(usize, T, Done)>>();
        let (permit_tx, permit_rx): (SyncSender<()>, Receiver<()>) = mpsc::sync_channel(window);
        for _ in 0..window {
            let _ = permit_tx.send(());
        }
        scope.spawn(move || {
            for (seq, item) in items.enumerate() {
                // Wait until the writer is less than `window` articles behind.
                if permit_rx.recv().is_err() || work_tx.send((seq, item)).is_err() {
                    break;
                }
            }
        });
        let work_rx = Arc::new(Mutex::new(work_rx));
        for _ in 0..threads {
            let work_rx = Arc::clone(&work_rx);
            let done_tx = done_tx.clone();
            scope.spawn(move || {
                while let Some(batch) = take_batch(&work_rx, window / (2 * threads)) {
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
        let mut pending: BTreeMap<usize, (T, Done)> = BTreeMap::new();
        let mut next = 0;
        for results in done_rx.iter() {
            pending.extend(results.into_iter().map(|(seq, out, done)| (seq, (out, done))));
            while let Some((out, done)) = pending.remove(&next) {
                summary.add(done);
                // On a write error, dropping `done_rx` and `permit_tx` below stops the other threads.
                write(out, done)?;
                let _ = permit_tx.send(());
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
    fn pipeline_batches_end_when_the_queue_closes() {
        let work = queue(&[]);
        assert!(take_batch(&work, 4).is_none());
    }
}
