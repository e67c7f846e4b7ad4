//! The command line end to end.

use crate::util::{gazette, json_lines, read, root, Dir};

const SEED: &str = "corpus/seed/input.jsonl";

#[test]
fn cli_extracts_jsonl_from_a_file_and_from_stdin() {
    let from_file = gazette(&["extract", SEED], b"");
    assert_eq!(from_file.status.code(), Some(0), "{}", String::from_utf8_lossy(&from_file.stderr));
    let from_stdin = gazette(&["extract"], read(&root().join(SEED)).as_bytes());
    assert_eq!(from_file.stdout, from_stdin.stdout);
    let records = json_lines(&from_file);
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["id"], "amazon-nokia");
    assert_eq!(records[0]["reference_date"], "2024-07-31");
    for key in ["parties", "courts", "dates", "products", "quotes", "cases"] {
        assert!(records[0][key].is_array(), "{key} is always present");
    }
}

#[test]
fn cli_reads_text_files_and_directories_in_sorted_order() {
    let dir = Dir::new("dirs");
    dir.write("b/second.txt", "Apple sued Samsung in federal court in San Francisco on Monday.");
    dir.write("a.txt", "\u{feff}Nokia said it would appeal.\r\n");
    dir.write("c.jsonl", "{\"id\": \"j1\", \"text\": \"Intel said so.\"}\n\n{\"id\": \"j2\", \"text\": \"x\"}\n");
    dir.write("ignored.md", "# not an article");
    let out = gazette(&["extract", dir.path.to_str().unwrap(), "--reference-date", "2024-03-14"], b"");
    let ids: Vec<String> = json_lines(&out).iter().map(|r| r["id"].as_str().unwrap().to_string()).collect();
    assert_eq!(ids, ["a", "second", "j1", "j2"]);
    let records = json_lines(&out);
    assert_eq!(records[1]["dates"][0]["value"], "2024-03-11", "Monday before the reference date");
    assert_eq!(records[1]["courts"][0]["id"], "cand");
}

#[test]
fn cli_text_format_reads_stdin_as_one_article() {
    let out = gazette(&["extract", "--format", "text"], b"One line.\n\nAnother paragraph on Jan. 5, 2024.");
    let records = json_lines(&out);
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["id"], "stdin");
    assert_eq!(records[0]["dates"][0]["value"], "2024-01-05");
}

#[test]
fn cli_bad_lines_become_error_records_in_order() {
    let input = b"{\"id\": \"ok1\", \"text\": \"Amazon sued Nokia.\"}\nnot json\n{\"id\": \"notext\"}\n[1, 2]\n{\"id\": \"bad\", \"text\": \"\xff\xfe\"}\n{\"id\": \"ok2\", \"text\": \"fine\"}\n";
    let out = gazette(&["extract", "--threads", "3"], input);
    assert_eq!(out.status.code(), Some(1), "error records make exit code 1");
    let records = json_lines(&out);
    let summary: Vec<(String, String)> = records
        .iter()
        .map(|r| (r["id"].as_str().unwrap_or("").to_string(), r["error"]["kind"].as_str().unwrap_or("-").to_string()))
        .collect();
    let expected = [("ok1", "-"), ("<stdin>:2", "json"), ("notext", "no_text"), ("<stdin>:4", "json"), ("bad", "utf8"), ("ok2", "-")];
    let expected: Vec<(String, String)> = expected.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
    assert_eq!(summary, expected);
    assert!(records[1]["error"]["message"].as_str().unwrap().contains("<stdin>:2"));
}

#[test]
fn cli_unreadable_file_and_oversized_article_are_error_records() {
    let dir = Dir::new("unreadable");
    let big = dir.write("big.txt", "word ".repeat(100));
    let out = gazette(&["extract", "/no/such/file.txt", big.to_str().unwrap(), "--max-bytes", "50"], b"");
    let kinds: Vec<String> = json_lines(&out).iter().map(|r| r["error"]["kind"].as_str().unwrap().to_string()).collect();
    assert_eq!(kinds, ["io", "too_large"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn cli_output_is_the_same_for_any_thread_count() {
    let mut input = Vec::new();
    for set in crate::util::corpus_sets() {
        input.extend(std::fs::read(set.join("input.jsonl")).unwrap());
    }
    let one = gazette(&["extract", "--threads", "1"], &input);
    let eight = gazette(&["extract", "--threads", "8"], &input);
    assert_eq!(one.status.code(), Some(0));
    assert!(!one.stdout.is_empty());
    assert_eq!(one.stdout, eight.stdout);
}

#[test]
fn cli_explain_names_the_rule_of_each_mention() {
    let out = gazette(&["extract", "--explain", SEED], b"");
    let r = &json_lines(&out)[0];
    assert_eq!(r["courts"][0]["mentions"][0]["rule"], "court.us.ded");
    assert!(r["dates"][0]["rule"].as_str().unwrap().starts_with("date."));
    let plain = gazette(&["extract", SEED], b"");
    assert!(json_lines(&plain)[0]["courts"][0]["mentions"][0].get("rule").is_none());
}

#[test]
fn cli_pretty_prints_records() {
    let out = gazette(&["extract", "--pretty", SEED], b"");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("{\n  \"id\": \"amazon-nokia\""));
}

#[test]
fn cli_broken_pipe_exits_quietly() {
    use std::process::{Command, Stdio};
    let mut input = Vec::new();
    let line = read(&root().join(SEED));
    for _ in 0..400 {
        input.extend(line.as_bytes());
    }
    let dir = Dir::new("pipe");
    let file = dir.write("many.jsonl", &input);
    let script = format!("{} extract --threads 2 {} | head -n 1 > /dev/null; echo ${{PIPESTATUS[0]}}", env!("CARGO_BIN_EXE_gazette"), file.display());
    let out = Command::new("bash").arg("-c").arg(script).stderr(Stdio::piped()).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "0");
    assert!(out.stderr.is_empty(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn cli_usage_errors_exit_2() {
    assert_eq!(gazette(&["extract", "--reference-date", "July 4"], b"").status.code(), Some(2));
    assert_eq!(gazette(&["nonsense"], b"").status.code(), Some(2));
    assert_eq!(gazette(&["extract", "--rules", "/no/such/dir"], b"").status.code(), Some(2));
}

#[test]
fn cli_rules_check_reports_every_error_with_file_and_line() {
    let dir = Dir::new("badrules");
    dir.write(
        "mine.jsonl",
        "# comment\n{\"id\": \"org.x\", \"label\": \"org\", \"pattern\": \"Xylo Corp\"}\n{\"id\": \"org.y\", \"lable\": \"org\"}\n{broken\n{\"id\": \"date.x\", \"label\": \"date\", \"regex\": \"(\", \"resolve\": \"date.year\", \"examples\": [\"[[1999]]\"]}\n",
    );
    let out = gazette(&["rules", "check", dir.path.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    let file = dir.path.join("mine.jsonl").display().to_string();
    assert!(err.contains(&format!("{file}:3: rule org.y: unknown field `lable`")), "{err}");
    assert!(err.contains(&format!("{file}:4: not JSON")), "{err}");
    assert!(err.contains(&format!("{file}:5: rule date.x: invalid regex")), "{err}");
    assert!(err.contains("3 rule errors"), "{err}");
}

#[test]
fn cli_rules_add_to_and_override_the_builtin_ones() {
    let dir = Dir::new("overlay");
    dir.write("extra.jsonl", "{\"id\": \"org.custom.zyx\", \"label\": \"org\", \"name\": \"Zyxtronics\", \"patterns\": [\"Zyxtronics\", \"ZYX\"], \"examples\": [\"[[Zyxtronics]] sued ZYX\"]}\n");
    let rules = dir.path.to_str().unwrap();
    let out = gazette(&["extract", "--format", "text", "--rules", rules], b"Zyxtronics sued Nokia. ZYX said so.");
    let r = &json_lines(&out)[0];
    assert_eq!(r["parties"][0]["name"], "Zyxtronics");
    assert_eq!(r["parties"][0]["mentions"].as_array().unwrap().len(), 2);
    let check = gazette(&["rules", "check", rules], b"");
    assert_eq!(check.status.code(), Some(0), "{}", String::from_utf8_lossy(&check.stderr));
    // A file named like a built-in one replaces it.
    dir.write("products.jsonl", "{\"id\": \"product.only\", \"label\": \"product\", \"pattern\": \"Widget\"}\n");
    let out = gazette(&["extract", "--format", "text", "--rules", rules], b"Sales of the iPhone and the Widget rose.");
    let names: Vec<String> = json_lines(&out)[0]["products"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap().to_string()).collect();
    assert_eq!(names, ["Widget"]);
}

#[test]
fn cli_failing_examples_exit_1() {
    let dir = Dir::new("badexample");
    dir.write("x.jsonl", "{\"id\": \"org.q\", \"label\": \"org\", \"pattern\": \"Quuxco\", \"examples\": [\"[[Quux]]co sued\"], \"counterexamples\": [\"Quuxco sued\"]}\n");
    let out = gazette(&["rules", "check", dir.path.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("x.jsonl:1: rule org.q: example 1: expected [[Quux]]"), "{err}");
    assert!(err.contains("counterexample 1: matched \"Quuxco\""), "{err}");
}

#[test]
fn cli_date_order_and_datelines_without_year() {
    let text = b"SAN FRANCISCO, Aug 1 (Reuters) - Apple sued Samsung on Tuesday over a deal signed 07/08/2024.";
    let mdy = gazette(&["extract", "--format", "text", "--reference-date", "2024-09-15"], text);
    let r = &json_lines(&mdy)[0];
    assert_eq!(r["reference_date"], "2024-08-01", "the dateline sets the reference date, its year from --reference-date");
    let values: Vec<&str> = r["dates"].as_array().unwrap().iter().map(|d| d["value"].as_str().unwrap()).collect();
    assert_eq!(values, ["2024-08-01", "2024-07-30", "2024-07-08"]);
    let dmy = gazette(&["extract", "--format", "text", "--reference-date", "2024-09-15", "--date-order", "dmy"], text);
    assert_eq!(json_lines(&dmy)[0]["dates"][2]["value"], "2024-08-07");
}

/// The README's first command works: every corpus article gives a record.
#[test]
fn cli_readme_command_extracts_the_corpus() {
    let mut inputs: Vec<String> = std::fs::read_dir(root().join("corpus"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path().join("input.jsonl")))
        .filter(|p| p.exists())
        .map(|p| p.display().to_string())
        .collect();
    inputs.sort();
    let mut args = vec!["extract"];
    args.extend(inputs.iter().map(String::as_str));
    let out = gazette(&args, b"");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let records = json_lines(&out);
    assert!(records.len() >= 36 && records.iter().all(|r| r.get("error").is_none()));
}

/// Hostile bytes end to end: a BOM before the first line, CRLF line ends,
/// NUL bytes in a text, a lone surrogate escaped in JSON. Each line still
/// gives exactly one output line, in order.
#[test]
fn cli_hostile_bytes_give_one_line_each() {
    let input = b"\xef\xbb\xbf{\"id\": \"bom\", \"text\": \"Amazon sued Nokia.\"}\r\n{\"id\": \"nul\", \"text\": \"A\\u0000B \\\"quote\\u0000\\\" said Nokia.\"}\r\n{\"id\": \"lone\", \"text\": \"\\ud800 Nokia\"}\n";
    let out = gazette(&["extract"], input);
    let records = json_lines(&out);
    let ids: Vec<&str> = records.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["bom", "nul", "<stdin>:3"]);
    assert_eq!(records[0]["parties"][0]["name"], "Amazon");
    assert_eq!(records[2]["error"]["kind"], "json");
}

/// spaCy EntityRuler files load unchanged through --rules.
#[test]
fn cli_rules_accept_spacy_entity_ruler_lines() {
    let dir = Dir::new("spacy");
    dir.write(
        "patterns.jsonl",
        "{\"label\": \"ORG\", \"pattern\": \"Zentrix Labs\", \"id\": \"Zentrix\"}\n{\"label\": \"ORG\", \"pattern\": \"ZLX\", \"id\": \"Zentrix\"}\n{\"label\": \"PERSON\", \"pattern\": [{\"LOWER\": \"ada\"}, {\"LOWER\": \"quill\"}]}\n{\"label\": \"PRODUCT\", \"pattern\": \"Nimbus Pad\"}\n",
    );
    let rules = dir.path.to_str().unwrap();
    let text = b"Zentrix Labs sued Nokia over the Nimbus Pad. ZLX chief ada quill said so.";
    let out = gazette(&["extract", "--format", "text", "--rules", rules], text);
    let r = &json_lines(&out)[0];
    let parties: Vec<(String, usize)> = r["parties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["name"].as_str().unwrap().to_string(), p["mentions"].as_array().unwrap().len()))
        .collect();
    assert!(parties.contains(&("Zentrix Labs".to_string(), 2)), "{parties:?}");
    assert!(parties.iter().any(|(n, _)| n == "ada quill"), "{parties:?}");
    assert_eq!(r["products"][0]["name"], "Nimbus Pad");
    dir.write("bad.jsonl", "{\"label\": \"EVENT\", \"pattern\": \"Expo\"}\n{\"label\": \"ORG\", \"pattern\": [{\"POS\": \"PROPN\"}]}\n");
    let check = gazette(&["rules", "check", rules], b"");
    assert_eq!(check.status.code(), Some(2));
    let err = String::from_utf8_lossy(&check.stderr);
    assert!(err.contains("bad.jsonl:1: spaCy label `EVENT` has no gazette type"), "{err}");
    assert!(err.contains("bad.jsonl:2: rule spacy.org.2: token pattern: unknown field `POS`"), "{err}");
}

/// Shell completions load in bash, and the man page renders from the CLI
/// definition.
#[test]
fn cli_completions_and_man_page() {
    use std::process::Command;
    let script = gazette(&["completions", "bash"], b"").stdout;
    let dir = Dir::new("completions");
    let file = dir.write("gazette.bash", &script);
    let out = Command::new("bash").arg("-c").arg(format!("source {} && complete -p gazette", file.display())).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("gazette"), "{}", String::from_utf8_lossy(&out.stderr));
    let man = String::from_utf8(gazette(&["man"], b"").stdout).unwrap();
    assert!(man.contains(".TH gazette 1") && man.contains("extract"));
}

/// On a terminal, a run ends with a one-line summary on stderr; --quiet
/// silences it; piped (as in every other test) stderr stays empty.
#[test]
fn cli_summary_on_a_terminal_only() {
    use std::process::Command;
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: no `script` to give gazette a terminal");
        return;
    }
    let bin = env!("CARGO_BIN_EXE_gazette");
    let seed = root().join(SEED);
    let run = |extra: &str| {
        let cmd = format!("{bin} extract {extra} {} > /dev/null", seed.display());
        let out = Command::new("script").args(["-qec", &cmd, "/dev/null"]).output().unwrap();
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    assert!(run("").contains("gazette: 1 articles, 0 errors"));
    assert!(!run("--quiet").contains("gazette:"));
}
