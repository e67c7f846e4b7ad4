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
