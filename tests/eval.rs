//! `gazette eval` prints the same table, JSON and diff as shared/score.py on
//! the same files. Runs where ../shared is present (it is in CI).

use std::process::Command;

use crate::util::{corpus_sets, gazette, shared, Dir};

fn python_score(gold: &str, pred: &std::path::Path, extra: &[&str]) -> (String, String) {
    let shared = shared().expect("shared");
    let out = Command::new("python3")
        .arg(shared.join("score.py"))
        .arg(gold)
        .arg(pred)
        .args(extra)
        .output()
        .expect("python3 runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    (String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

/// A diff with its case-pair lines sorted: score.py prints them from a set,
/// whose order changes from run to run; every other line keeps its place.
fn comparable(diff: &str) -> (Vec<String>, Vec<String>) {
    let (mut cases, rest): (Vec<String>, Vec<String>) =
        diff.lines().map(String::from).partition(|l| l.split('\t').nth(1) == Some("cases"));
    cases.sort();
    (rest, cases)
}

fn compare(gold: &str, input: &str) {
    let dir = Dir::new("eval");
    let pred = dir.write("pred.jsonl", gazette(&["extract", input], b"").stdout);
    for extra in [&[][..], &["--json"][..], &["--diff"][..]] {
        let (table, diff) = python_score(gold, &pred, extra);
        let mut args = vec!["eval", "--gold", gold, input];
        args.extend_from_slice(extra);
        let ours = gazette(&args, b"");
        assert_eq!(String::from_utf8_lossy(&ours.stdout), table, "{gold} {extra:?}");
        if extra == ["--diff"] {
            assert_eq!(comparable(&String::from_utf8_lossy(&ours.stderr)), comparable(&diff), "{gold} diff");
        }
    }
}

#[test]
fn eval_equals_score_py_on_the_corpus() {
    if shared().is_none() {
        eprintln!("skipped: ../shared is not present");
        return;
    }
    for dir in corpus_sets() {
        compare(dir.join("gold.jsonl").to_str().unwrap(), dir.join("input.jsonl").to_str().unwrap());
    }
}

#[test]
fn eval_equals_score_py_on_the_dev_set() {
    let Some(shared) = shared() else {
        eprintln!("skipped: ../shared is not present");
        return;
    };
    let dev = shared.join("dev");
    compare(dev.join("gold.jsonl").to_str().unwrap(), dev.join("input.jsonl").to_str().unwrap());
}
