//! `render::page`: every mention of every corpus article is marked once, the
//! text of each article survives the page exactly, quotes keep their
//! speakers, hostile text is escaped, and the bytes are deterministic.

use gazette::input::Article;
use gazette::record::{CaseOut, CourtOut, DateOut, MentionOut, PartyOut, ProductOut, QuoteOut, Record};
use gazette::render::page;
use gazette::Extractor;

/// One tag of the page, as this test reads it.
#[derive(Debug)]
struct Tag {
    name: String,
    closing: bool,
    attrs: Vec<(String, String)>,
}

impl Tag {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    fn classes(&self) -> Vec<&str> {
        self.attr("class").unwrap_or("").split(' ').collect()
    }
}

/// An article's `<div class="text">`: its id, tags and visible text.
#[derive(Debug)]
struct Section {
    id: String,
    tags: Vec<Tag>,
    text: String,
}

impl Section {
    /// (type, start, end) of every `<mark>` that ends its mention (no `cont`), sorted.
    fn marks(&self) -> Vec<(String, usize, usize)> {
        let mut out: Vec<_> = self
            .tags
            .iter()
            .filter(|t| t.name == "mark" && !t.closing && !t.classes().contains(&"cont"))
            .map(|t| {
                let ty = t.attr("data-type").expect("data-type").to_string();
                assert_eq!(t.classes()[0], ty, "a mark's class is its type");
                assert!(t.attr("title").is_some_and(|v| !v.is_empty()), "every mark has a tooltip");
                (ty, num(t.attr("data-start")), num(t.attr("data-end")))
            })
            .collect();
        out.sort();
        out
    }

    /// (start, end, speaker) of every quote element that ends its quote, sorted.
    fn quotes(&self) -> Vec<(usize, usize, String)> {
        let mut out: Vec<_> = self
            .tags
            .iter()
            .filter(|t| t.name == "span" && !t.closing && t.classes() == ["quote"])
            .map(|t| (num(t.attr("data-start")), num(t.attr("data-end")), t.attr("data-speaker").expect("data-speaker").to_string()))
            .collect();
        out.sort();
        out
    }
}

fn num(v: Option<&str>) -> usize {
    v.and_then(|v| v.parse().ok()).expect("a numeric offset attribute")
}

/// The page's HTML entities, decoded (the ones the renderer writes, and any numeric one).
fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let semi = rest[i..].find(';').expect("an entity ends with ;") + i;
        let entity = &rest[i + 1..semi];
        let c = match entity {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "nbsp" => '\u{a0}',
            _ => {
                let n = entity.strip_prefix('#').unwrap_or_else(|| panic!("unknown entity &{entity};"));
                char::from_u32(n.parse().expect("decimal entity")).expect("a character")
            }
        };
        out.push(c);
        rest = &rest[semi + 1..];
    }
    out.push_str(rest);
    out
}

/// The tags and visible text of a fragment of the page; `<` and `>` appear
/// raw only in tags (the renderer escapes them everywhere else).
fn parse(html: &str) -> (Vec<Tag>, String) {
    let attr = regex::Regex::new(r#"([a-z][a-z-]*)="([^"]*)""#).expect("regex");
    let (mut tags, mut text) = (Vec::new(), String::new());
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        text.push_str(&unescape(&rest[..i]));
        let end = rest[i..].find('>').expect("a tag ends") + i;
        let inner = &rest[i + 1..end];
        let closing = inner.starts_with('/');
        let name: String = inner.trim_start_matches('/').chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '!').collect();
        let attrs = attr.captures_iter(inner).map(|c| (c[1].to_string(), unescape(&c[2]))).collect();
        tags.push(Tag { name: name.to_ascii_lowercase(), closing, attrs });
        rest = &rest[end + 1..];
    }
    text.push_str(&unescape(rest));
    (tags, text)
}

/// Every article's text block, in page order.
fn sections(html: &str) -> Vec<Section> {
    const OPEN: &str = "<div class=\"text\" data-id=\"";
    html.match_indices(OPEN)
        .map(|(i, _)| {
            let after = &html[i + OPEN.len()..];
            let quote = after.find('"').expect("id ends");
            let body = &after[quote + 2..];
            let body = &body[..body.find("</div>").expect("text block ends")];
            let (tags, text) = parse(body);
            Section { id: unescape(&after[..quote]), tags, text }
        })
        .collect()
}

/// Tags of the whole page are properly nested (void elements aside).
fn assert_well_nested(html: &str) {
    let (tags, _) = parse(html);
    let mut stack: Vec<&str> = Vec::new();
    for t in &tags {
        if t.name == "!doctype" || t.name == "meta" {
            continue;
        }
        if t.closing {
            assert_eq!(stack.pop(), Some(t.name.as_str()), "closing </{}> matches its opening tag", t.name);
        } else {
            if t.name == "mark" || (t.name == "span" && t.classes().contains(&"quote")) {
                assert!(stack.contains(&"p") || stack.contains(&"div"), "spans sit inside paragraphs");
            }
            stack.push(&t.name);
        }
    }
    assert!(stack.is_empty(), "unclosed tags: {stack:?}");
}

/// What the page must show for a record: its mentions as (type, start, end).
fn expected_marks(record: &Record) -> Vec<(String, usize, usize)> {
    let mut out = Vec::new();
    for p in &record.parties {
        let ty = if p.kind == "person" { "party-person" } else { "party-org" };
        out.extend(p.mentions.iter().map(|m| (ty.to_string(), m.start, m.end)));
    }
    out.extend(record.courts.iter().flat_map(|c| c.mentions.iter().map(|m| ("court".to_string(), m.start, m.end))));
    out.extend(record.dates.iter().map(|d| ("date".to_string(), d.start, d.end)));
    out.extend(record.products.iter().flat_map(|p| p.mentions.iter().map(|m| ("product".to_string(), m.start, m.end))));
    out.sort();
    out
}

fn expected_quotes(record: &Record) -> Vec<(usize, usize, String)> {
    let mut out: Vec<_> = record.quotes.iter().map(|q| (q.start, q.end, q.speaker.clone().unwrap_or_default())).collect();
    out.sort();
    out
}

fn corpus() -> Vec<Article> {
    crate::util::corpus_articles()
}

fn check(items: &[(Article, Record)], html: &str) {
    assert_well_nested(html);
    let sections = sections(html);
    assert_eq!(sections.len(), items.len(), "one text block per article");
    for (section, (article, record)) in sections.iter().zip(items) {
        assert_eq!(section.id, article.id);
        assert_eq!(section.text, article.text, "{}: the visible text is the article text", article.id);
        assert_eq!(section.marks(), expected_marks(record), "{}: one <mark> per mention", article.id);
        assert_eq!(section.quotes(), expected_quotes(record), "{}: one quote element per quote", article.id);
    }
}

#[test]
fn render_marks_every_corpus_mention_and_keeps_the_text() {
    let extractor = Extractor::builtin().expect("built-in rules load");
    let items: Vec<(Article, Record)> = corpus()
        .into_iter()
        .map(|a| {
            let r = extractor.extract(&a);
            (a, r)
        })
        .collect();
    assert!(items.len() >= 30, "the corpus has its sets");
    let html = page(&items);
    check(&items, &html);
    let marks: usize = items.iter().map(|(_, r)| expected_marks(r).len()).sum();
    let quotes: usize = items.iter().map(|(_, r)| r.quotes.len()).sum();
    assert!(marks > 1000 && quotes > 150, "{marks} marks, {quotes} quotes");
    assert_eq!(html.matches("<section class=\"article\"").count(), items.len());
    for (n, (article, _)) in items.iter().enumerate() {
        assert!(html.contains(&format!("<a href=\"#a{}\">{}</a>", n + 1, article.id)), "the contents list {}", article.id);
    }
    // The seed's tooltips carry the normalized values.
    let seed = &sections(&html)[items.iter().position(|(a, _)| a.id == "amazon-nokia").expect("the seed")];
    let title = |start: usize| {
        seed.tags.iter().find(|t| t.name == "mark" && t.attr("data-start") == Some(&start.to_string())).and_then(|t| t.attr("title")).map(String::from)
    };
    assert!(title(44).expect("the court mark").contains("id ded"));
    assert!(title(0).expect("the party mark").contains("plaintiff, defendant"));
    assert!(title(659).expect("the date mark").contains("value 200X"));
    assert!(title(1449).expect("the product mark").contains("owner Nokia"));
    assert!(seed.quotes().contains(&(516, 578, "Nokia".to_string())));
    assert_eq!(page(&items), html, "the same input gives the same bytes");
}

fn mention(text: &str, start: usize, end: usize) -> MentionOut {
    let chars: String = text.chars().skip(start).take(end.saturating_sub(start)).collect();
    MentionOut { start, end, text: chars, rule: None }
}

#[test]
fn render_escapes_hostile_text_and_cuts_crossing_spans() {
    // Characters: 0 '<', ..., the emoji family is one grapheme of 5 scalars.
    let text = "<script>alert(\"x\")</script> & 'Acme' sued \"Bob\u{301} 😀\" in\r\nthe 👩\u{200d}👩\u{200d}👧 Court </div></section>\0 <!-- end";
    let chars: Vec<char> = text.chars().collect();
    let at = |s: &str| {
        let i = text.find(s).expect("in the text");
        text[..i].chars().count()
    };
    let (acme, bob, court, line) = (at("Acme"), at("Bob"), at("Court"), at("in\r\n"));
    let family = at("👩");
    let record = Record {
        id: "x".into(),
        reference_date: None,
        parties: vec![
            PartyOut { name: "Acme <Inc>".into(), kind: "organization", roles: vec!["plaintiff"], mentions: vec![mention(text, acme, acme + 4)] },
            // "Bob" with its combining accent, inside the quote; an out-of-range and an empty mention are skipped.
            PartyOut {
                name: "Bob \"B\"".into(),
                kind: "person",
                roles: vec![],
                mentions: vec![mention(text, bob, bob + 4), mention(text, 9_999, 10_000), mention(text, 3, 3)],
            },
        ],
        // The court crosses the line break; the product starts inside it and ends after it.
        courts: vec![CourtOut { name: "Court & Co".into(), id: Some("x'y".into()), country: None, mentions: vec![mention(text, line, court + 5)] }],
        dates: vec![DateOut { text: "sued".into(), value: None, grain: None, modifier: None, start: acme + 6, end: acme + 10, rule: None }],
        products: vec![ProductOut {
            name: "👩\u{200d}👩\u{200d}👧 & <b>".into(),
            owner: None,
            mentions: vec![mention(text, family, court + 7)],
        }],
        quotes: vec![QuoteOut {
            text: chars[bob..bob + 7].iter().collect(),
            speaker: Some("<script>".into()),
            start: bob,
            end: bob + 7,
            speaker_mention: Some(mention(text, acme, acme + 4)),
        }],
        cases: vec![CaseOut {
            plaintiffs: vec!["Acme <Inc>".into()],
            defendants: vec![],
            court: Some("x'y".into()),
            filed: None,
            subject: Some("</td></table>".into()),
        }],
    };
    let article = Article { id: "\"><script>alert(1)</script>".into(), text: text.into(), date: Some("<today>".into()) };
    let items = vec![(article.clone(), record.clone())];
    let html = page(&items);
    assert!(!html.to_lowercase().contains("<script"), "no script tag gets through");
    assert!(!html.contains("</td></table>") && !html.contains("<b>") && !html.contains("<!--"));
    assert!(html.contains("&lt;script&gt;") && html.contains("&#13;") && html.contains("😀"));
    assert_well_nested(&html);
    let sections = sections(&html);
    assert_eq!(sections[0].text, text, "every character survives, CR and NUL included");
    let mut marks = expected_marks(&record);
    marks.retain(|m| m.1 < m.2 && m.2 <= chars.len());
    assert_eq!(sections[0].marks(), marks, "valid mentions marked once each, invalid ones left out");
    assert_eq!(sections[0].quotes(), [(bob, bob + 7, "<script>".to_string())]);
    let cont = sections[0].tags.iter().filter(|t| !t.closing && t.classes().contains(&"cont")).count();
    assert!(cont >= 2, "the court is cut at the line break and where it crosses the product");
    assert_eq!(page(&[(article, record)]), html, "the same input gives the same bytes");

    // The extractor's own record of hostile text renders as faithfully.
    let extractor = Extractor::builtin().expect("built-in rules load");
    let texts = [
        String::new(),
        "\n\n\r\n".into(),
        "<b>Nokia</b> sued Amazon & Co. in Delaware federal court on Tuesday, saying: \"We <3 patents 😀\".\r\n\r\nAmazon's \u{201c}reply\u{201d} came in June 2024.".into(),
        "\u{202e}Nokia\u{202c} sued \u{0301}\u{0301}Amazon\r\n\0".repeat(20),
    ];
    let items: Vec<(Article, Record)> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let a = Article { id: format!("h{i}&<>"), text: t.clone(), date: Some("2024-07-31".into()) };
            let r = extractor.extract(&a);
            (a, r)
        })
        .collect();
    check(&items, &page(&items));
}

#[test]
fn render_an_empty_page_is_a_whole_page() {
    let html = page(&[]);
    assert_well_nested(&html);
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("No articles."));
}
