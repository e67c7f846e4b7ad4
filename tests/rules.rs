//! The built-in rules: they load, every example passes, every file and
//! production is exercised.

use gazette::rules::{example, RuleSet, PRODUCTIONS};

use crate::util::root;

#[test]
fn rules_builtin_examples_all_pass() {
    let rules = RuleSet::builtin().expect("built-in rules load");
    let (failures, count) = example::check(&rules);
    let list: Vec<String> = failures.iter().map(|f| f.to_string()).collect();
    assert!(list.is_empty(), "{}", list.join("\n"));
    assert!(count >= 900, "only {count} examples");
}

#[test]
fn rules_every_file_carries_examples() {
    let rules = RuleSet::builtin().expect("built-in rules load");
    for entry in std::fs::read_dir(root().join("rules")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "jsonl") {
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            let examples = rules.rules.iter().filter(|r| r.origin.file == name).map(|r| r.examples.len()).sum::<usize>();
            assert!(examples > 0, "{name} has no examples");
        }
    }
}

#[test]
fn rules_every_production_is_used() {
    let rules = RuleSet::builtin().expect("built-in rules load");
    for p in PRODUCTIONS {
        assert!(rules.rules.iter().any(|r| r.resolve.as_deref() == Some(p)), "production {p} is used by no rule");
    }
}

/// Every court the rules know is exercised by at least two example
/// phrasings (issue: courts), and the figures stay near what the README says.
#[test]
fn rules_every_court_has_two_examples() {
    use std::collections::BTreeMap;
    let rules = RuleSet::builtin().expect("built-in rules load");
    let mut examples: BTreeMap<String, usize> = BTreeMap::new();
    let mut aliases = 0;
    for r in rules.rules.iter().filter(|r| r.label == gazette::rules::Label::Court) {
        let court = r.attr("court_id").map_or_else(|| r.id.clone(), String::from);
        *examples.entry(court).or_default() += r.examples.len();
        aliases += r.phrases.len();
    }
    let thin: Vec<&String> = examples.iter().filter(|(_, n)| **n < 2).map(|(c, _)| c).collect();
    assert!(thin.is_empty(), "courts with fewer than two examples: {thin:?}");
    assert!(examples.len() >= 250, "only {} courts", examples.len());
    assert!(aliases >= 6_000, "only {aliases} court phrasings");
}
