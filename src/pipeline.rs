//! The run loop: read articles, extract them on N threads, write one line
//! per article in input order as soon as it and all before it are done.
//!
//! A reader thread numbers the articles; workers extract; the caller's
//! thread writes, holding finished records in a small reorder buffer. The
//! reader may run at most `window` articles ahead of the writer, so memory
//! stays bounded by the window, not by the input.

use std::collections::BTreeMap;
use std::io;
use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread;

use crate::extractor::Extractor;
use crate::input::Item;
use crate::record::{ErrorBody, ErrorRecord};

/// How each record is written.
#[derive(Clone, Copy, Debug, Default)]
pub struct Format {
    /// Indented JSON (one record then spans several lines).
    pub pretty: bool,
}

/// Counts of a finished run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Articles read.
    pub articles: usize,
    /// Error records written.
    pub errors: usize,
}

/// One article's output: the line, and whether it is an error record.
pub fn render(extractor: &Extractor, item: Item, format: Format) -> (String, bool) {
    let write = |value: &dyn erased::Record| value.to_json(format.pretty);
    let (text, is_error) = match item {
        Ok(article) => match panic::catch_unwind(AssertUnwindSafe(|| extractor.extract(&article))) {
            Ok(record) => (write(&record), false),
            Err(_) => (write(&error_record(&article.id, "internal", "the extractor failed on this article")), true),
        },
        Err(e) => (write(&error_record(&e.id, e.kind, &e.message)), true),
    };
    match text {
        Ok(t) => (t, is_error),
        Err(e) => (format!("{{\"id\":null,\"error\":{{\"kind\":\"internal\",\"message\":{:?}}}}}", e.to_string()), true),
    }
}

/// Records and error records serialize the same way, in field order.
mod erased {
    pub trait Record {
        fn to_json(&self, pretty: bool) -> serde_json::Result<String>;
    }

    impl<T: serde::Serialize> Record for T {
        fn to_json(&self, pretty: bool) -> serde_json::Result<String> {
            if pretty { serde_json::to_string_pretty(self) } else { serde_json::to_string(self) }
        }
    }
}

fn error_record(id: &str, kind: &str, message: &str) -> ErrorRecord {
    ErrorRecord { id: id.to_string(), error: ErrorBody { kind: kind.to_string(), message: message.to_string() } }
}

/// Extracts every item on `threads` threads and hands each output line to
/// `write`, in input order.
///
/// # Errors
/// The first error `write` returns (a closed pipe, say); the run stops there.
pub fn run<I, W>(extractor: &Extractor, items: I, threads: usize, format: Format, mut write: W) -> io::Result<Summary>
where
    I: Iterator<Item = Item> + Send,
    W: FnMut(&str) -> io::Result<()>,
{
    let mut summary = Summary::default();
    if threads <= 1 {
        for item in items {
            let (line, is_error) = render(extractor, item, format);
            summary.articles += 1;
            summary.errors += usize::from(is_error);
            write(&line)?;
        }
        return Ok(summary);
    }
    let window = threads * 8;
    thread::scope(|scope| {
        let (work_tx, work_rx) = mpsc::sync_channel::<(usize, Item)>(window);
        let (done_tx, done_rx) = mpsc::channel::<(usize, String, bool)>();
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
                loop {
                    let next = match work_rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => break,
                    };
                    let Ok((seq, item)) = next else { break };
                    let (line, is_error) = render(extractor, item, format);
                    if done_tx.send((seq, line, is_error)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(done_tx);
        let mut pending: BTreeMap<usize, (String, bool)> = BTreeMap::new();
        let mut next = 0;
        for (seq, line, is_error) in done_rx.iter() {
            pending.insert(seq, (line, is_error));
            while let Some((line, is_error)) = pending.remove(&next) {
                summary.articles += 1;
                summary.errors += usize::from(is_error);
                // On a write error, dropping `done_rx` and `permit_tx` below stops the other threads.
                write(&line)?;
                let _ = permit_tx.send(());
                next += 1;
            }
        }
        Ok(summary)
    })
}
