//! No input makes the extractor panic, hang or lose an article.

use gazette::{Article, Extractor};

use crate::util::{read, root};

fn extract_all(extractor: &Extractor, text: &str) {
    let record = extractor.extract(&Article { id: "x".into(), text: text.into(), date: Some("2024-07-31".into()) });
    let value = serde_json::to_value(&record).expect("serializes");
    let chars: Vec<char> = text.chars().collect();
    for q in value["quotes"].as_array().unwrap().iter().chain(value["dates"].as_array().unwrap()) {
        let (s, e) = (q["start"].as_u64().unwrap() as usize, q["end"].as_u64().unwrap() as usize);
        assert_eq!(chars[s..e].iter().collect::<String>(), q["text"].as_str().unwrap());
    }
}

#[test]
fn robustness_every_prefix_of_the_seed() {
    let extractor = Extractor::builtin().unwrap();
    let line = read(&root().join("corpus/seed/input.jsonl"));
    let text = serde_json::from_str::<serde_json::Value>(&line).unwrap()["text"].as_str().unwrap().to_string();
    for (i, _) in text.char_indices().step_by(3) {
        extract_all(&extractor, &text[..i]);
    }
}

#[test]
fn robustness_adversarial_inputs() {
    let extractor = Extractor::builtin().unwrap();
    let cases: Vec<String> = vec![
        String::new(),
        "\"".repeat(100_000),
        "\u{201c}".repeat(20_000) + "x",
        "'Tis the ' season ' of ' quotes '".repeat(2_000),
        "Aaron Bell Carter ".repeat(20_000),
        "v. ".repeat(50_000),
        "word ".repeat(200_000),
        "\0\0\u{feff}\r\n\r\n\u{202e}Nokia\u{202c} sued \u{0301}\u{0301}Amazon\r\n".repeat(100),
        "\u{05e9}\u{05dc}\u{05d5}\u{05dd} \"quote\" said \u{0627}\u{0644}".repeat(500),
        "Jan. 5, 2024 ".repeat(10_000),
        "Inc. Corp. LLC, ".repeat(10_000),
        "said: \"".to_string() + &"a ".repeat(50_000),
        "(((((".repeat(10_000),
        "U.S. v. U.S. v. ".repeat(10_000),
        // One 1 MB sentence full of triggers, parties, courts and dates.
        "Amazon sued Nokia on Tuesday and said it would appeal in Delaware federal court ".repeat(13_000),
        "\u{201c}x ".repeat(100_000),
        "he said \"".repeat(50_000),
    ];
    for text in cases {
        extract_all(&extractor, &text);
    }
}

/// Asserts that extracting `article(4 * n)` takes at most ten times as long
/// as `article(n)` (a quadratic scan would take sixteen). Each size is timed
/// as the best of five runs, the two sizes taking turns, so that a busy
/// moment of the machine (other tests run beside this one) slows both alike
/// instead of one; `check` looks at each record.
fn assert_linear(n: usize, what: &str, article: impl Fn(usize) -> String, check: impl Fn(usize, &gazette::Record)) {
    let extractor = Extractor::builtin().unwrap();
    let texts = [article(n), article(4 * n)];
    let mut best = [std::time::Duration::MAX; 2];
    for _ in 0..5 {
        for (size, text) in texts.iter().enumerate() {
            let start = std::time::Instant::now();
            let record = extractor.extract(&Article::new("a", text.clone()));
            best[size] = best[size].min(start.elapsed());
            check([n, 4 * n][size], &record);
        }
    }
    let [small, large] = best;
    assert!(large < small * 10, "{n} {what}: {small:?}, {} {what}: {large:?}", 4 * n);
}

/// 100,000 unbalanced quote marks take time in proportion to their number.
#[test]
fn robustness_unbalanced_quotes_stay_linear() {
    assert_linear(25_000, "marks", |n| "\u{201c}Nokia said ".repeat(n), |_, _| {});
}

/// An article reporting thousands of actions and appeals stays linear:
/// each action finds the one it answers by index, not by scanning all the
/// others.
#[test]
fn robustness_many_actions_stay_linear() {
    let name = |i: usize| {
        let letter = |k: usize| char::from(b'a' + (k % 26) as u8);
        format!("{}{}{}{}ex Holdings Inc.", char::from(b'A' + (i % 26) as u8), letter(i / 26), letter(i / 676), letter(i / 17_576))
    };
    let article = |n: usize| -> String {
        (0..n).map(|i| format!("{} sued {} in Delaware. {} appealed.\n", name(2 * i), name(2 * i + 1), name(2 * i + 1))).collect()
    };
    assert_linear(2_000, "actions", article, |n, record| {
        assert!(record.cases.len() >= n, "{} cases for {n} actions", record.cases.len());
    });
}

/// Thousands of organizations, each followed by an acronym of capitals that
/// could be its initials, then a mention by a word they all share, stay
/// linear: each acronym is looked up, never compared with every
/// organization named so far, and filing the shared words never compares
/// an organization with all those filed under them.
#[test]
fn robustness_many_organizations_and_acronyms_stay_linear() {
    let word = |i: usize| (0..3).map(|k| char::from(b'a' + (i / 26usize.pow(k) % 26) as u8)).collect::<String>();
    let article = |n: usize| -> String {
        (0..n)
            .map(|i| {
                let w = word(i);
                let mut title = w.clone();
                title[..1].make_ascii_uppercase();
                format!("{title}tron Holdings Inc. said {}Q filed. ", w.to_ascii_uppercase())
            })
            .chain(["The Commission said the Holdings would appeal.".to_string()])
            .collect()
    };
    assert_linear(3_000, "organizations", article, |_, _| {});
}

/// Token patterns with a wildcard ("a jury ... ordered") stay linear in a
/// huge sentence full of their first word.
#[test]
fn robustness_token_pattern_wildcards_stay_linear() {
    let sentence = "the court said the jury would rule and the judge agreed ";
    assert_linear(2_000, "repeats", |n| sentence.repeat(n), |_, _| {});
}
