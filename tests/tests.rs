//! The one integration test binary; each module covers one area.

// Temp dirs, the binary, expected-output helpers.
mod util;
// The command line end to end: inputs, exit codes, error records, pipes.
mod cli;
// Golden output of every corpus set, and every mention's offsets.
mod corpus;
// `gazette eval` prints exactly what shared/score.py prints.
mod eval;
// Every rule's examples and counterexamples, and the rule-file checks.
mod rules;
// No input panics, hangs or loses an article.
mod robustness;
// Properties over random and mutated articles (proptest).
mod properties;
// Exports: TSV rows, brat standoff, CoNLL IOB2.
mod export;
// The HTML view: every mention marked, the text kept, everything escaped.
mod render;
