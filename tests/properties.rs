//! Properties over random and mutated articles (proptest): extraction never
//! panics, every offset points at its text, and the pipeline gives one line
//! per input line with the same bytes for one thread and four.

use gazette::input::Reader;
use gazette::pipeline;
use gazette::{Article, Extractor};
use proptest::prelude::*;

use crate::util::read;

fn extractor() -> &'static Extractor {
    static EXTRACTOR: std::sync::OnceLock<Extractor> = std::sync::OnceLock::new();
    EXTRACTOR.get_or_init(|| Extractor::builtin().expect("built-in rules load"))
}

/// Corpus texts, the raw material that mutations start from.
fn corpus_texts() -> Vec<String> {
    crate::util::corpus_sets()
        .iter()
        .flat_map(|set| {
            read(&set.join("input.jsonl"))
                .lines()
                .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["text"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Checks every span of a record against the text, in characters.
fn offsets_hold(text: &str, article: &Article) {
    let record = serde_json::to_value(extractor().extract(article)).unwrap();
    let chars: Vec<char> = text.chars().collect();
    let mut spans = Vec::new();
    for kind in ["parties", "courts", "products"] {
        for item in record[kind].as_array().unwrap() {
            spans.extend(item["mentions"].as_array().unwrap().iter().cloned());
        }
    }
    spans.extend(record["dates"].as_array().unwrap().iter().cloned());
    spans.extend(record["quotes"].as_array().unwrap().iter().cloned());
    for s in spans {
        let (a, b) = (s["start"].as_u64().unwrap() as usize, s["end"].as_u64().unwrap() as usize);
        assert!(a <= b && b <= chars.len());
        assert_eq!(chars[a..b].iter().collect::<String>(), s["text"].as_str().unwrap());
    }
}

/// A mutation of a corpus text: a slice, with some characters replaced by
/// hostile ones (quote marks, periods, capitals, NUL, combining marks).
fn mutated() -> impl Strategy<Value = String> {
    let texts = corpus_texts();
    let n = texts.len();
    (0..n, any::<u16>(), any::<u16>(), proptest::collection::vec((any::<u16>(), 0usize..12), 0..40)).prop_map(
        move |(i, from, len, edits)| {
            let chars: Vec<char> = texts[i].chars().collect();
            let start = from as usize % chars.len().max(1);
            let end = (start + len as usize).min(chars.len());
            let mut part: Vec<char> = chars[start..end].to_vec();
            const HOSTILE: [char; 12] = ['"', '\u{201c}', '\u{2019}', '.', 'A', '\0', '\u{0301}', '\n', '(', '$', '\u{feff}', '\''];
            for (at, which) in edits {
                if !part.is_empty() {
                    let k = at as usize % part.len();
                    part[k] = HOSTILE[which];
                }
            }
            part.into_iter().collect()
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn properties_random_text_never_panics_and_offsets_hold(text in "\\PC{0,400}") {
        offsets_hold(&text, &Article::new("r", text.clone()));
    }

    #[test]
    fn properties_mutated_articles_keep_offsets(text in mutated()) {
        let mut article = Article::new("m", text.clone());
        article.date = Some("2024-07-31".into());
        offsets_hold(&text, &article);
    }

    #[test]
    fn properties_one_line_per_input_line_and_same_bytes_for_any_threads(texts in proptest::collection::vec(mutated(), 1..12)) {
        let dir = crate::util::Dir::new("prop");
        let mut input = String::new();
        for (i, t) in texts.iter().enumerate() {
            // Every third line is broken JSON: it must still give one line.
            if i % 3 == 2 {
                input.push_str("{broken\n");
            } else {
                input.push_str(&serde_json::json!({"id": i.to_string(), "text": t}).to_string());
                input.push('\n');
            }
        }
        let path = dir.write("in.jsonl", &input);
        let run = |threads| {
            let reader = Reader::new(std::slice::from_ref(&path), gazette::input::StdinFormat::JsonLines, 1 << 20);
            let mut out = Vec::new();
            pipeline::run(extractor(), reader, threads, |x| pipeline::json(&x, false), |line, _| {
                out.push(line);
                Ok(())
            })
            .unwrap();
            out
        };
        let one = run(1);
        prop_assert_eq!(one.len(), texts.len());
        prop_assert_eq!(one, run(4));
    }
}
