//! Golden tests: every `corpus/*/input.jsonl` is extracted with the built-in
//! rules and compared byte for byte with `expected.jsonl` beside it. After an
//! intended change, `UPDATE_EXPECT=1 cargo test --release corpus` rewrites
//! the files; review them in the diff like code.

use gazette::Extractor;

use crate::util::{articles, corpus_sets, read};

#[test]
fn corpus_output_matches_expected() {
    let extractor = Extractor::builtin().expect("built-in rules load");
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut failures = Vec::new();
    assert!(corpus_sets().len() >= 3, "the corpus has the seed and the project's own sets");
    for set in corpus_sets() {
        let actual: String = articles(&set)
            .iter()
            .map(|a| serde_json::to_string(&extractor.extract(a)).expect("serializes") + "\n")
            .collect();
        let path = set.join("expected.jsonl");
        if update {
            std::fs::write(&path, &actual).expect("write expected");
            eprintln!("updating: {}", path.display());
            continue;
        }
        let expected = std::fs::read_to_string(&path).unwrap_or_default();
        for (i, (e, a)) in expected.lines().zip(actual.lines()).enumerate() {
            if e != a {
                failures.push(format!("{}: article {}:\n  expected: {e}\n  actual:   {a}", path.display(), i + 1));
            }
        }
        if expected.lines().count() != actual.lines().count() {
            failures.push(format!("{}: expected {} lines, got {}", path.display(), expected.lines().count(), actual.lines().count()));
        }
    }
    assert!(failures.is_empty(), "{}\n\nIf the change is intended: UPDATE_EXPECT=1 cargo test --release corpus", failures.join("\n"));
}

/// Every mention's `text` equals the article's characters at its offsets.
#[test]
fn corpus_mentions_match_their_offcorpus_sets() {
    let extractor = Extractor::builtin().expect("built-in rules load");
    let mut checked = 0;
    for set in corpus_sets() {
        for article in articles(&set) {
            let chars: Vec<char> = article.text.chars().collect();
            let record = serde_json::to_value(extractor.extract(&article)).expect("serializes");
            let mut spans = Vec::new();
            for kind in ["parties", "courts", "products"] {
                for item in record[kind].as_array().expect("array") {
                    spans.extend(item["mentions"].as_array().expect("mentions").iter().cloned());
                }
            }
            for kind in ["dates", "quotes"] {
                spans.extend(record[kind].as_array().expect("array").iter().cloned());
            }
            for q in record["quotes"].as_array().expect("array") {
                if !q["speaker_mention"].is_null() {
                    spans.push(q["speaker_mention"].clone());
                }
            }
            for s in spans {
                let (start, end) = (s["start"].as_u64().expect("start") as usize, s["end"].as_u64().expect("end") as usize);
                let text: String = chars[start..end].iter().collect();
                assert_eq!(text, s["text"].as_str().expect("text"), "{}: offsets {start}..{end}", article.id);
                checked += 1;
            }
        }
    }
    assert!(checked > 500, "only {checked} mentions checked");
}

/// Each set's gold file covers exactly its inputs, in order.
#[test]
fn corpus_gold_files_match_their_inputs() {
    for set in corpus_sets() {
        let gold = read(&set.join("gold.jsonl"));
        let ids: Vec<String> = gold
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("gold is JSON")["id"].as_str().expect("id").to_string())
            .collect();
        let inputs: Vec<String> = articles(&set).into_iter().map(|a| a.id).collect();
        assert_eq!(ids, inputs, "{}: gold and input ids differ", set.display());
    }
}
