//! A reading view of records: one self-contained HTML page per run.
//!
//! A record says where each mention is by character offsets, which a person
//! cannot check by eye in JSON. This module puts the mentions back into
//! their articles, highlighted by type as spaCy's displaCy does (parties,
//! courts, dates and products as `<mark>` elements, quotes underlined with
//! their speaker), and adds per article tables of what the record says
//! about each entity and the cases. The page needs no network, no external
//! asset and no JavaScript (its Content-Security-Policy forbids all three),
//! prints legibly (borders instead of backgrounds) and reads on a phone.
//!
//! Text is never lost or reordered: the text of each article's
//! `<div class="text">`, tags stripped and entities unescaped, is the
//! article text byte for byte. Spans that overlap without nesting are cut
//! into fragments at the crossing points (every fragment but a span's last
//! carries the class `cont`), so each mention has exactly one `<mark>`
//! without `cont`, and each quote one `<span class="quote">` without it.
//! The output depends only on the input: the same items give the same bytes.

use std::cmp::Reverse;

use crate::input::Article;
use crate::record::{MentionOut, Record};

/// The kind of a highlighted span; the order is the nesting order of
/// spans with the same start and end (a quote outside the marks).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Quote,
    PartyOrg,
    PartyPerson,
    Court,
    Date,
    Product,
}

impl Kind {
    /// The marks, in legend order.
    const MARKS: [Kind; 5] = [Kind::PartyOrg, Kind::PartyPerson, Kind::Court, Kind::Date, Kind::Product];

    /// The CSS class and `data-type` of the span.
    fn class(self) -> &'static str {
        match self {
            Kind::Quote => "quote",
            Kind::PartyOrg => "party-org",
            Kind::PartyPerson => "party-person",
            Kind::Court => "court",
            Kind::Date => "date",
            Kind::Product => "product",
        }
    }

    /// The legend's words for the kind.
    fn legend(self) -> &'static str {
        match self {
            Kind::Quote => "quote (speaker in the tooltip)",
            Kind::PartyOrg => "party: organization",
            Kind::PartyPerson => "party: person",
            Kind::Court => "court (id in the tooltip)",
            Kind::Date => "date (value in the tooltip)",
            Kind::Product => "product (owner in the tooltip)",
        }
    }
}

/// One highlighted span of an article, in bytes of its text.
struct Span {
    kind: Kind,
    start: usize,
    end: usize,
    /// The escaped attributes after `class`, from ` data-type` on.
    attrs: String,
}

/// Everything the page shows, in CSS: marks coloured as displaCy colours
/// them (ORG, PERSON, LAW-like, DATE, PRODUCT), outlined instead in print.
const STYLE: &str = r#"
:root{color-scheme:light}
*{box-sizing:border-box}
body{margin:0 auto;max-width:60rem;padding:1rem 1.25rem 3rem;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1b1b1b;background:#fff;overflow-wrap:break-word}
h1{font-size:1.6rem;margin:.5rem 0}
h2{font-size:1.25rem;margin:0 0 .25rem;overflow-wrap:anywhere}
h3{font-size:1rem;margin:1.25rem 0 .4rem}
a{color:#0b57d0}
.summary,.meta{color:#555;margin:.25rem 0}
.legend{display:flex;flex-wrap:wrap;gap:.5rem .75rem;align-items:center;margin:.75rem 0;padding:.6rem .75rem;border:1px solid #ddd;border-radius:.5rem;line-height:2}
.legend .key{white-space:nowrap}
.toc ol{columns:18rem;column-gap:2rem;padding-left:1.75rem;margin:.25rem 0}
.toc li{break-inside:avoid;overflow-wrap:anywhere}
.toc .n{color:#666;font-size:.85em}
.article{border-top:2px solid #333;margin-top:2rem;padding-top:1rem}
.text{border:1px solid #e3e3e3;border-radius:.5rem;padding:.25rem 1rem;overflow-wrap:anywhere}
.text p{line-height:2.3;margin:.6rem 0}
mark,.swatch{color:inherit;padding:.2em .3em;margin:0 .05em;border-radius:.35em;-webkit-box-decoration-break:clone;box-decoration-break:clone}
mark::after,.swatch::after{font-size:.62em;font-weight:700;letter-spacing:.03em;line-height:1;vertical-align:middle;margin-left:.4em;opacity:.75}
mark.cont::after{content:none}
mark mark{border:1px solid rgba(0,0,0,.45)}
.party-org{background:#7aecec}.party-org::after{content:"ORG"}
.party-person{background:#aa9cfc}.party-person::after{content:"PERSON"}
.court{background:#feca74}.court::after{content:"COURT"}
.date{background:#bfe1d9}.date::after{content:"DATE"}
.product{background:#bfeeb7}.product::after{content:"PRODUCT"}
.quote{background:#fff3c4;border-bottom:2px solid #b8860b;padding:.15em 0;-webkit-box-decoration-break:clone;box-decoration-break:clone}
.legend .quote{padding:.15em .35em}
.quotes{padding-left:1.75rem}
.quotes li{margin:.5rem 0}
.quotes blockquote{margin:0;padding:.1rem .75rem;border-left:4px solid #b8860b;background:#fffaf0;font-style:italic}
.quotes .who{margin:.15rem 0 0 .75rem;color:#444}
.wrap{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;width:100%;font-size:.92rem;margin:.25rem 0}
th,td{border:1px solid #d5d5d5;padding:.3rem .5rem;text-align:left;vertical-align:top;overflow-wrap:break-word}
th{background:#f3f3f3}
.v{white-space:nowrap}
.none{color:#777;font-style:italic;margin:.25rem 0}
.top{font-size:.85rem}
@media (max-width:40rem){
 body{padding:.5rem .6rem 2rem;font-size:15px}
 .text{padding:.1rem .5rem}
 .text p{line-height:2.1}
 table{font-size:.82rem}
 th,td{padding:.25rem .3rem}
}
@media print{
 body{max-width:none;padding:0;font-size:11pt}
 a{color:inherit;text-decoration:none}
 .top{display:none}
 .article{break-before:page;border-top:none}
 .text{border:none;padding:0}
 .text p{line-height:1.9}
 tr,li{break-inside:avoid}
 mark,.swatch,.quote,th,.quotes blockquote{background:none!important}
 mark,.swatch{padding:0 .15em;border:1.5px solid}
 .party-org{border-color:#138a8a}
 .party-person{border-color:#5b3fd6;border-style:dashed}
 .court{border-color:#b36b00;border-style:double;border-width:3px}
 .date{border-color:#2f7d62;border-style:dotted;border-width:2px}
 .product{border-color:#2e8b28;border-radius:0}
 .quote{border:none;text-decoration:underline 1.5px #8a6400;text-underline-offset:.2em}
}
"#;

/// One self-contained HTML page (no network, no external assets, no
/// JavaScript needed) showing each article with its mentions highlighted by
/// type as spaCy's displaCy does, a legend, each quote with its speaker, and
/// per article tables of parties with roles, courts with ids, dates with
/// values, products with owners, and the cases.
///
/// Each article is a `<section class="article" data-id="ID">` holding its
/// text in a `<div class="text">`, one `<p>` per line (the line breaks stay
/// between the paragraphs). Each mention is a `<mark>` with a class by type
/// (`party-org`, `party-person`, `court`, `date`, `product`), `data-type`,
/// `data-start` and `data-end` (the record's character offsets) and a
/// `title` with its normalized value; each quote is a
/// `<span class="quote" data-speaker="..." data-start data-end>`.
/// Mentions whose offsets fall outside the text, or cover only line breaks,
/// are listed in the tables but not marked.
pub fn page(items: &[(Article, Record)]) -> String {
    let mut out = String::with_capacity(16_384 + items.iter().map(|(a, _)| a.text.len() * 2).sum::<usize>());
    let title = match items {
        [(article, _)] => format!("gazette: {}", article.id),
        _ => format!("gazette: {} articles", items.len()),
    };
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n");
    out.push_str("<meta name=\"generator\" content=\"gazette render\">\n");
    out.push_str(&format!("<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n", escape(&title)));
    out.push_str("<header id=\"top\">\n<h1>gazette</h1>\n");
    out.push_str(&format!("<p class=\"summary\">{}</p>\n", summary(items)));
    out.push_str(&legend());
    out.push_str(&toc(items));
    out.push_str("</header>\n<main>\n");
    if items.is_empty() {
        out.push_str("<p class=\"none\">No articles.</p>\n");
    }
    for (n, (article, record)) in items.iter().enumerate() {
        section(&mut out, n + 1, article, record);
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

/// The counts over all items, for the header.
fn summary(items: &[(Article, Record)]) -> String {
    let count = |f: fn(&Record) -> usize| items.iter().map(|(_, r)| f(r)).sum::<usize>();
    format!(
        "{} · {} · {} · {} · {} · {} · {}",
        plural(items.len(), "article"),
        plural(count(|r| r.parties.len()), "party"),
        plural(count(|r| r.courts.len()), "court"),
        plural(count(|r| r.dates.len()), "date"),
        plural(count(|r| r.products.len()), "product"),
        plural(count(|r| r.quotes.len()), "quote"),
        plural(count(|r| r.cases.len()), "case"),
    )
}

/// `1 party`, `2 parties`.
fn plural(n: usize, word: &str) -> String {
    match (n, word.strip_suffix('y')) {
        (1, _) => format!("1 {word}"),
        (_, Some(stem)) => format!("{n} {stem}ies"),
        (_, None) => format!("{n} {word}s"),
    }
}

/// The colour key: one swatch per mark type and one for quotes.
fn legend() -> String {
    let mut out = String::from("<div class=\"legend\" role=\"note\"><strong>Legend</strong>\n");
    for kind in Kind::MARKS.into_iter().chain([Kind::Quote]) {
        let swatch = if kind == Kind::Quote { "" } else { "swatch " };
        out.push_str(&format!(
            "<span class=\"key\"><span class=\"{swatch}{}\">{}</span></span>\n",
            kind.class(),
            kind.legend()
        ));
    }
    out.push_str("</div>\n");
    out
}

/// The table of contents: each article's id, linked, with its counts.
fn toc(items: &[(Article, Record)]) -> String {
    let mut out = String::from("<nav class=\"toc\" aria-label=\"Articles\">\n<h2>Articles</h2>\n<ol>\n");
    for (n, (article, record)) in items.iter().enumerate() {
        out.push_str(&format!(
            "<li><a href=\"#a{}\">{}</a> <span class=\"n\">{} mentions, {}, {}</span></li>\n",
            n + 1,
            escape(&article.id),
            mention_count(record),
            plural(record.quotes.len(), "quote"),
            plural(record.cases.len(), "case")
        ));
    }
    out.push_str("</ol>\n</nav>\n");
    out
}

/// How many entity mentions a record has (parties, courts, dates, products).
fn mention_count(record: &Record) -> usize {
    record.parties.iter().map(|p| p.mentions.len()).sum::<usize>()
        + record.courts.iter().map(|c| c.mentions.len()).sum::<usize>()
        + record.dates.len()
        + record.products.iter().map(|p| p.mentions.len()).sum::<usize>()
}

/// One article: heading, highlighted text, quotes, then the tables.
fn section(out: &mut String, n: usize, article: &Article, record: &Record) {
    let id = escape(&article.id);
    out.push_str(&format!("<section class=\"article\" id=\"a{n}\" data-id=\"{id}\">\n<h2>{id}</h2>\n"));
    let mut meta = vec![format!("date {}", escape(article.date.as_deref().unwrap_or("none")))];
    if record.reference_date != article.date {
        meta.push(format!("reference date {}", escape(record.reference_date.as_deref().unwrap_or("none"))));
    }
    if record.id != article.id {
        meta.push(format!("record id {}", escape(&record.id)));
    }
    meta.push(format!("{} mentions", mention_count(record)));
    meta.push(plural(article.text.chars().count(), "character"));
    out.push_str(&format!("<p class=\"meta\">{}</p>\n", meta.join(" · ")));
    out.push_str(&format!("<div class=\"text\" data-id=\"{id}\">"));
    out.push_str(&highlighted(&article.text, &spans(&article.text, record)));
    out.push_str("</div>\n");
    quotes(out, record);
    tables(out, record);
    out.push_str("<p class=\"top\"><a href=\"#top\">↑ contents</a></p>\n</section>\n");
}

/// The quotes as a list, each with its speaker.
fn quotes(out: &mut String, record: &Record) {
    out.push_str(&format!("<h3>Quotes ({})</h3>\n", record.quotes.len()));
    if record.quotes.is_empty() {
        out.push_str("<p class=\"none\">None found.</p>\n");
        return;
    }
    out.push_str("<ol class=\"quotes\">\n");
    for q in &record.quotes {
        let speaker = match (&q.speaker, &q.speaker_mention) {
            (Some(s), Some(m)) => format!("{} <small>(named as “{}”)</small>", escape(s), escape(&m.text)),
            (Some(s), None) => escape(s),
            (None, _) => "<em>speaker unknown</em>".to_string(),
        };
        out.push_str(&format!(
            "<li><blockquote>{}</blockquote><p class=\"who\">— {speaker} <small>(characters {}–{})</small></p></li>\n",
            escape(&q.text),
            q.start,
            q.end
        ));
    }
    out.push_str("</ol>\n");
}

/// The tables of parties, courts, dates, products and cases.
fn tables(out: &mut String, record: &Record) {
    let mentions = |m: &[MentionOut]| m.len().to_string();
    let opt = |v: Option<&str>| v.map_or_else(|| "<em>none</em>".to_string(), escape);
    // Ids, values and offsets do not break at their hyphens.
    let code = |v: Option<&str>| v.map_or_else(|| "<em>none</em>".to_string(), |v| format!("<span class=\"v\">{}</span>", escape(v)));
    let list = |v: &[String]| if v.is_empty() { "<em>none</em>".to_string() } else { escape(&v.join(", ")) };
    table(
        out,
        "Parties",
        &["name", "kind", "roles", "mentions"],
        record
            .parties
            .iter()
            .map(|p| {
                let roles = if p.roles.is_empty() { "<em>none</em>".to_string() } else { escape(&p.roles.join(", ")) };
                vec![escape(&p.name), escape(p.kind), roles, mentions(&p.mentions)]
            })
            .collect(),
    );
    table(
        out,
        "Courts",
        &["name", "id", "country", "mentions"],
        record
            .courts
            .iter()
            .map(|c| vec![escape(&c.name), code(c.id.as_deref()), opt(c.country.as_deref()), mentions(&c.mentions)])
            .collect(),
    );
    table(
        out,
        "Dates",
        &["text", "value", "grain", "mod", "characters"],
        record
            .dates
            .iter()
            .map(|d| vec![escape(&d.text), code(d.value.as_deref()), opt(d.grain), opt(d.modifier), code(Some(&format!("{}–{}", d.start, d.end)))])
            .collect(),
    );
    table(
        out,
        "Products",
        &["name", "owner", "mentions"],
        record.products.iter().map(|p| vec![escape(&p.name), opt(p.owner.as_deref()), mentions(&p.mentions)]).collect(),
    );
    table(
        out,
        "Cases",
        &["plaintiffs", "defendants", "court", "filed", "subject"],
        record
            .cases
            .iter()
            .map(|c| vec![list(&c.plaintiffs), list(&c.defendants), code(c.court.as_deref()), code(c.filed.as_deref()), opt(c.subject.as_deref())])
            .collect(),
    );
}

/// A titled table of already escaped cells, in a wrapper that scrolls
/// sideways on a narrow screen if the cells cannot wrap.
fn table(out: &mut String, title: &str, head: &[&str], rows: Vec<Vec<String>>) {
    out.push_str(&format!("<h3>{title} ({})</h3>\n", rows.len()));
    if rows.is_empty() {
        out.push_str("<p class=\"none\">None found.</p>\n");
        return;
    }
    out.push_str("<div class=\"wrap\"><table>\n<thead><tr>");
    for h in head {
        out.push_str(&format!("<th scope=\"col\">{h}</th>"));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        out.push_str("<tr>");
        for cell in row {
            out.push_str(&format!("<td>{cell}</td>"));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table></div>\n");
}

/// The record's mentions and quotes as byte spans of `text`, in record
/// order; those with offsets outside the text or empty are left out.
fn spans(text: &str, record: &Record) -> Vec<Span> {
    // (kind, char start, char end, title, extra attributes)
    let mut wanted: Vec<(Kind, usize, usize, String, String)> = Vec::new();
    for p in &record.parties {
        let kind = if p.kind == "person" { Kind::PartyPerson } else { Kind::PartyOrg };
        let roles = if p.roles.is_empty() { "no role".to_string() } else { p.roles.join(", ") };
        let title = format!("{} · {} · {roles}", p.name, p.kind);
        wanted.extend(p.mentions.iter().map(|m| (kind, m.start, m.end, title.clone(), String::new())));
    }
    for c in &record.courts {
        let title = format!("{} · id {} · {}", c.name, c.id.as_deref().unwrap_or("none"), c.country.as_deref().unwrap_or("no country"));
        wanted.extend(c.mentions.iter().map(|m| (Kind::Court, m.start, m.end, title.clone(), String::new())));
    }
    for d in &record.dates {
        let mut title = format!("value {}", d.value.as_deref().unwrap_or("unknown"));
        if let Some(grain) = d.grain {
            title.push_str(&format!(" · grain {grain}"));
        }
        if let Some(modifier) = d.modifier {
            title.push_str(&format!(" · mod {modifier}"));
        }
        wanted.push((Kind::Date, d.start, d.end, title, String::new()));
    }
    for p in &record.products {
        let title = format!("{} · owner {}", p.name, p.owner.as_deref().unwrap_or("unknown"));
        wanted.extend(p.mentions.iter().map(|m| (Kind::Product, m.start, m.end, title.clone(), String::new())));
    }
    for q in &record.quotes {
        let speaker = q.speaker.as_deref().unwrap_or("");
        let title = format!("speaker: {}", if speaker.is_empty() { "unknown" } else { speaker });
        wanted.push((Kind::Quote, q.start, q.end, title, format!(" data-speaker=\"{}\"", escape(speaker))));
    }
    let bytes = byte_offsets(text, wanted.iter().flat_map(|w| [w.1, w.2]).collect());
    wanted
        .into_iter()
        .filter_map(|(kind, s, e, title, extra)| {
            let start = *bytes.get(s)?;
            let end = *bytes.get(e)?;
            (start < end).then(|| Span {
                kind,
                start,
                end,
                attrs: format!(" data-type=\"{}\" data-start=\"{s}\" data-end=\"{e}\"{extra} title=\"{}\"", kind.class(), escape(&title)),
            })
        })
        .collect()
}

/// A sparse map from character offsets to byte offsets of `text`, for the
/// offsets asked for (those past the end have no entry), in one pass.
struct ByteOffsets {
    /// (character offset, byte offset), sorted by character offset.
    pairs: Vec<(usize, usize)>,
}

impl ByteOffsets {
    /// The byte offset of character offset `char`, if it is in the text.
    fn get(&self, char: usize) -> Option<&usize> {
        let i = self.pairs.binary_search_by_key(&char, |p| p.0).ok()?;
        self.pairs.get(i).map(|p| &p.1)
    }
}

/// Maps the character offsets `chars` of `text` to byte offsets.
fn byte_offsets(text: &str, mut chars: Vec<usize>) -> ByteOffsets {
    chars.sort_unstable();
    chars.dedup();
    let mut wanted = chars.into_iter().peekable();
    let mut pairs = Vec::new();
    let bounds = text.char_indices().map(|(b, _)| b).chain([text.len()]);
    for (c, b) in bounds.enumerate() {
        if wanted.next_if_eq(&c).is_some() {
            pairs.push((c, b));
        }
        if wanted.peek().is_none() {
            break;
        }
    }
    ByteOffsets { pairs }
}

/// The byte ranges of the paragraphs of `text`: its maximal runs of
/// characters other than line breaks.
fn paragraphs(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c == '\n' || c == '\r', start) {
            (true, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, text.len()));
    }
    out
}

/// A piece of a span inside one paragraph: the span's index and its bytes.
#[derive(Clone, Copy)]
struct Frag {
    span: usize,
    start: usize,
    end: usize,
}

/// What the highlighted text is made of before it becomes HTML.
enum Tok {
    /// An opening tag; `cont` when the span goes on after this fragment.
    Open { span: usize, cont: bool },
    /// The closing tag of a span.
    Close(usize),
    /// Text, by bytes.
    Text(usize, usize),
}

/// `text` as paragraphs with `spans` as properly nested elements: a span
/// that crosses the end of an enclosing one, or a line break, is closed
/// there and reopened after it, so no text is lost or repeated.
fn highlighted(text: &str, spans: &[Span]) -> String {
    let paras = paragraphs(text);
    let mut buckets: Vec<Vec<Frag>> = vec![Vec::new(); paras.len()];
    // The end of each span's last fragment: there it closes without `cont`.
    let mut last_end = vec![0; spans.len()];
    for (i, s) in spans.iter().enumerate() {
        let first = paras.partition_point(|&(_, pe)| pe <= s.start);
        for (bucket, &(ps, pe)) in buckets.iter_mut().zip(&paras).skip(first) {
            if ps >= s.end {
                break;
            }
            let frag = Frag { span: i, start: s.start.max(ps), end: s.end.min(pe) };
            if frag.start < frag.end {
                bucket.push(frag);
                if let Some(last) = last_end.get_mut(i) {
                    *last = frag.end;
                }
            }
        }
    }
    let mut out = String::with_capacity(text.len() * 2);
    let mut at = 0;
    for (&(ps, pe), mut frags) in paras.iter().zip(buckets) {
        out.push_str(&escape(text.get(at..ps).unwrap_or("")));
        out.push_str("<p>");
        let order = |f: &Frag| (f.start, Reverse(f.end), spans.get(f.span).map(|s| s.kind), f.span);
        frags.sort_by_key(order);
        for tok in paragraph_tokens(ps, pe, &frags, &last_end, order) {
            match tok {
                Tok::Open { span, cont } => {
                    if let Some(s) = spans.get(span) {
                        let (tag, class) = if s.kind == Kind::Quote { ("span", "quote") } else { ("mark", s.kind.class()) };
                        let cont = if cont { " cont" } else { "" };
                        out.push_str(&format!("<{tag} class=\"{class}{cont}\"{}>", s.attrs));
                    }
                }
                Tok::Close(span) => {
                    out.push_str(if spans.get(span).is_some_and(|s| s.kind == Kind::Quote) { "</span>" } else { "</mark>" });
                }
                Tok::Text(a, b) => out.push_str(&escape(text.get(a..b).unwrap_or(""))),
            }
        }
        out.push_str("</p>");
        at = pe;
    }
    out.push_str(&escape(text.get(at..).unwrap_or("")));
    out
}

/// The tokens of one paragraph `ps..pe` with its fragments (sorted by
/// `order`, the nesting order: outer first).
fn paragraph_tokens<K: Ord>(ps: usize, pe: usize, frags: &[Frag], last_end: &[usize], order: impl Fn(&Frag) -> K) -> Vec<Tok> {
    let mut points: Vec<usize> = frags.iter().flat_map(|f| [f.start, f.end]).chain([ps, pe]).collect();
    points.sort_unstable();
    points.dedup();
    let mut toks = Vec::new();
    // Open fragments, outermost first, with the index of their opening token.
    let mut stack: Vec<(Frag, usize)> = Vec::new();
    let mut next = frags.iter().peekable();
    let close = |toks: &mut Vec<Tok>, stack: &mut Vec<(Frag, usize)>, from: usize, at: usize| {
        let mut reopen = Vec::new();
        for (frag, open) in stack.drain(from..).rev() {
            toks.push(Tok::Close(frag.span));
            if last_end.get(frag.span).is_some_and(|&last| at < last)
                && let Some(Tok::Open { cont, .. }) = toks.get_mut(open)
            {
                *cont = true;
            }
            if frag.end > at {
                reopen.push(Frag { start: at, ..frag });
            }
        }
        reopen
    };
    for pair in points.windows(2) {
        let &[at, to] = pair else { continue };
        let mut opening = match stack.iter().position(|(f, _)| f.end <= at) {
            Some(from) => close(&mut toks, &mut stack, from, at),
            None => Vec::new(),
        };
        while let Some(f) = next.next_if(|f| f.start <= at) {
            opening.push(*f);
        }
        opening.sort_by_key(&order);
        for frag in opening {
            stack.push((frag, toks.len()));
            toks.push(Tok::Open { span: frag.span, cont: false });
        }
        toks.push(Tok::Text(at, to));
    }
    close(&mut toks, &mut stack, 0, pe);
    toks
}

/// `s` with `& < > " '` as entities, and the two characters an HTML parser
/// would not keep as they are: a carriage return (it becomes a line feed)
/// and NUL (it is dropped).
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\r' => out.push_str("&#13;"),
            '\0' => out.push_str("&#0;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_crossing_spans_are_cut_and_nested() {
        let spans = vec![
            Span { kind: Kind::Court, start: 0, end: 4, attrs: String::new() },
            Span { kind: Kind::Date, start: 3, end: 9, attrs: String::new() },
            Span { kind: Kind::Quote, start: 2, end: 12, attrs: String::new() },
        ];
        let html = highlighted("abcdef\ngh<jk", &spans);
        assert_eq!(
            html,
            "<p><mark class=\"court\">ab<span class=\"quote cont\">c<mark class=\"date cont\">d</mark></span></mark>\
             <span class=\"quote cont\"><mark class=\"date cont\">ef</mark></span></p>\n\
             <p><span class=\"quote\"><mark class=\"date\">gh</mark>&lt;jk</span></p>"
        );
    }

    #[test]
    fn render_offsets_map_characters_to_bytes() {
        let map = byte_offsets("é😀x", vec![3, 0, 1, 2, 9]);
        assert_eq!(map.pairs, [(0, 0), (1, 2), (2, 6), (3, 7)]);
        assert_eq!(paragraphs("\na\r\n\nbc\n"), [(1, 2), (5, 7)]);
        assert_eq!(plural(2, "party"), "2 parties");
    }
}
