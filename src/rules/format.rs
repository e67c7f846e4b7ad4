//! One line of a rule file, as written. Parsing is two-phase: first any JSON
//! value (syntax errors carry a column), then the strict typed form, whose
//! errors name the unknown or missing field.


use serde::Deserialize;

/// What a rule's matches are; see `rules/README.md`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Label {
    /// A known organization.
    Org,
    /// A legal suffix that ends a company name.
    OrgSuffix,
    /// A word that makes a capitalized name an organization.
    OrgHead,
    /// A known person (from spaCy EntityRuler `PERSON` patterns).
    Person,
    /// A title or role before a person's name.
    PersonTitle,
    /// A first name.
    GivenName,
    /// A capitalized word that never forms a name.
    NotName,
    /// A place.
    Place,
    /// A court or tribunal.
    Court,
    /// A date expression.
    Date,
    /// A named product.
    Product,
    /// A noun that names a kind of product after its name ("app", "drug").
    ProductNoun,
    /// A phrase reporting a legal action.
    CaseTrigger,
    /// A verb or phrase attributing a quote.
    Speech,
    /// A document that speaks for its author.
    Document,
    /// An abbreviation that keeps its period.
    Abbreviation,
}

/// Phrase case sensitivity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Case {
    /// Exact case (the default).
    #[default]
    Sensitive,
    /// ASCII case ignored.
    Insensitive,
}

/// A rule example: a text with the expected span in `[[...]]`, and for dates
/// optionally the value expected against a reference date.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Example {
    /// Just the marked text.
    Text(String),
    /// The marked text with the expected date resolution (boxed: most
    /// examples are plain text, and thousands are loaded at start-up).
    Checked(Box<CheckedExample>),
}

/// An example with an expected date value.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckedExample {
    /// The marked text.
    pub text: String,
    /// Reference date `YYYY-MM-DD`.
    #[serde(rename = "ref")]
    pub reference: Option<String>,
    /// Expected value (`null` for none).
    pub value: Option<String>,
    /// Expected grain.
    pub grain: Option<String>,
    /// Expected mod.
    #[serde(rename = "mod")]
    pub modifier: Option<String>,
    /// Resolve numeric dates day first (`--date-order dmy`).
    #[serde(default)]
    pub day_first: bool,
}

impl Example {
    /// The example's marked text.
    pub fn text(&self) -> &str {
        match self {
            Example::Text(t) => t,
            Example::Checked(c) => &c.text,
        }
    }
}

/// A `pattern`: a phrase, or a token pattern as in spaCy's Matcher.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum PatternValue {
    /// A phrase, matched on word boundaries.
    Phrase(String),
    /// Token specs (`rules/README.md`, token patterns).
    Tokens(Vec<super::pattern::TokenSpec>),
}

/// One rule line, strictly typed.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRule {
    /// `<type>.<group>.<name>`.
    pub id: String,
    /// What a match is.
    pub label: Label,
    /// Canonical name of the thing named.
    pub name: Option<String>,
    /// One phrase, or a token pattern (a list of token specs).
    pub pattern: Option<PatternValue>,
    /// Many phrases.
    pub patterns: Option<Vec<String>>,
    /// A regular expression.
    pub regex: Option<String>,
    /// Phrase case sensitivity.
    #[serde(default)]
    pub case: Case,
    /// Capture group that is the mention.
    pub span: Option<String>,
    /// Name of the production that resolves a match.
    pub resolve: Option<String>,
    /// Data for the resolver, in the order written.
    #[serde(default, deserialize_with = "attrs")]
    pub attrs: Vec<(String, String)>,
    /// Tie-breaker on overlaps.
    #[serde(default)]
    pub priority: i32,
    /// Texts the rule must match.
    #[serde(default)]
    pub examples: Vec<Example>,
    /// Texts the rule must not match.
    #[serde(default)]
    pub counterexamples: Vec<String>,
}

/// `attrs` as a list of pairs: most rules have one or two, and a map node
/// per rule was a sixth of the memory of the loaded rules. A key given twice
/// is an error.
fn attrs<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Vec<(String, String)>, D::Error> {
    struct Pairs;
    impl<'de> serde::de::Visitor<'de> for Pairs {
        type Value = Vec<(String, String)>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an object of strings")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out: Vec<(String, String)> = Vec::new();
            while let Some((key, value)) = map.next_entry::<String, String>()? {
                if out.iter().any(|(k, _)| *k == key) {
                    return Err(serde::de::Error::custom(format!("attrs: `{key}` given twice")));
                }
                out.push((key, value));
            }
            Ok(out)
        }
    }
    deserializer.deserialize_map(Pairs)
}
