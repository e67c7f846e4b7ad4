//! gazette reads news articles and writes one structured record per article:
//! the parties (with their side in any legal action), courts, dates
//! (normalized, relative ones resolved), products, quotes (with speakers) and
//! cases that it reports. The record contract is `SPEC.md` (see `Record`).
//!
//! # Overview
//!
//! Data flows one way, one module per stage:
//!
//! ```text
//! input      Article {id, text, date}            (JSON Lines, text files, stdin)
//! document   paragraphs, sentences, tokens       (byte spans of the original text)
//! rules      raw matches                         (phrases by first word, regexes, token patterns)
//! resolve    overlaps, then parties, courts, dates, products, cases, quotes
//! record     Record with character offsets       (SPEC section 2)
//! pipeline   ordered JSON Lines out, any number of threads, same bytes
//! ```
//!
//! The rules are data (`rules/*.jsonl`, compiled into the binary); the
//! productions that turn matches into values are code, linked by name.
//!
//! # Example
//!
//! ```
//! use gazette::{Article, Extractor};
//!
//! let extractor = Extractor::builtin()?;
//! let mut article = Article::new("a1", "Amazon sued Nokia in Delaware federal court on Tuesday.");
//! article.date = Some("2024-07-31".into());
//! let record = extractor.extract(&article);
//! assert_eq!(record.courts[0].id.as_deref(), Some("ded"));
//! assert_eq!(record.dates[0].value.as_deref(), Some("2024-07-30"));
//! assert_eq!(record.cases[0].plaintiffs, ["Amazon"]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Offsets and panics
//!
//! Offsets in a record count Unicode scalar values, as Python's `str` does;
//! `text[start..end]` equals each mention's `text`. `Extractor::extract`
//! does not panic on any `&str`.

#![deny(missing_docs)]

pub mod document;
pub mod eval;
pub mod export;
pub mod extractor;
mod hash;
pub mod input;
pub mod pipeline;
pub mod record;
pub mod render;
pub mod resolve;
pub mod rules;
mod segment;
pub mod span;

pub use extractor::{Extractor, Options};
pub use input::Article;
pub use record::Record;
pub use rules::RuleSet;
