//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::io::Write;

/// The project root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared` beside the checkout, when it is there (it is in CI).
pub fn shared() -> Option<PathBuf> {
    let dir = root().join("../shared");
    dir.join("score.py").exists().then_some(dir)
}

/// A fresh temporary directory per test.
pub struct Dir {
    pub path: PathBuf,
}

impl Dir {
    pub fn new(name: &str) -> Dir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let path = std::env::temp_dir().join("gazette-tests").join(format!("{name}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("temp dir");
        Dir { path }
    }

    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path.join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("dir");
        }
        std::fs::write(&p, contents).expect("write");
        p
    }
}

/// Runs the gazette binary with `args`, feeding `stdin`.
pub fn gazette(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gazette"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("gazette runs");
    let mut input = child.stdin.take().expect("stdin");
    let data = stdin.to_vec();
    let feeder = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().expect("gazette finishes");
    let _ = feeder.join();
    out
}

/// Stdout lines parsed as JSON.
pub fn json_lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).expect("each line is JSON")).collect()
}

/// Reads a file to a string.
pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every corpus set (a folder of corpus/ with an input.jsonl), sorted.
pub fn corpus_sets() -> Vec<PathBuf> {
    let mut sets: Vec<PathBuf> = std::fs::read_dir(root().join("corpus"))
        .expect("corpus/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("input.jsonl").exists())
        .collect();
    sets.sort();
    sets
}

/// The articles of one corpus set.
pub fn articles(set: &Path) -> Vec<gazette::Article> {
    read(&set.join("input.jsonl"))
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| gazette::input::parse_json_line(l.as_bytes(), "corpus").expect("corpus articles are valid"))
        .collect()
}

/// Every article of every corpus set.
pub fn corpus_articles() -> Vec<gazette::Article> {
    corpus_sets().iter().flat_map(|set| articles(set)).collect()
}
