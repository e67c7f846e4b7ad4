//! Embedding gazette in another program: build the extractor once, then
//! extract articles and use the records directly, with no JSON in between.
//!
//! Run: `echo "Amazon sued Nokia in Delaware federal court." | cargo run --release --example embed`

use std::io::Read;

use gazette::{Article, Extractor};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Built once (rule compilation takes tens of milliseconds); shareable
    // across threads.
    let extractor = Extractor::builtin()?;
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text)?;
    let mut article = Article::new("stdin", text);
    article.date = Some("2024-07-31".into());
    let record = extractor.extract(&article);
    for case in &record.cases {
        println!("{} v. {} ({})", case.plaintiffs.join(", "), case.defendants.join(", "), case.court.as_deref().unwrap_or("court not named"));
    }
    for party in &record.parties {
        println!("{:<40} {:<12} {}", party.name, party.kind, party.roles.join(", "));
    }
    Ok(())
}
