//! spaCy EntityRuler lines (`{"label": "ORG", "pattern": "Apple", "id":
//! "apple"}`, the pattern a phrase or a list of token specs) load unchanged
//! through `--rules`: each becomes a gazette rule of the matching label, so
//! a spaCy user's patterns work here. Labels gazette has no use for, and
//! token attributes it does not know (POS, LEMMA...), are reported as errors
//! with file and line like any other rule error.

use serde_json::{Map, Value};

/// True for a line in EntityRuler form: `label` and `pattern`, optionally
/// `id`, and no other key.
pub fn is_entity_ruler(value: &Value) -> bool {
    let Some(obj) = value.as_object() else { return false };
    let label_upper = obj.get("label").and_then(Value::as_str).is_some_and(|l| l.chars().any(char::is_uppercase));
    label_upper && obj.contains_key("pattern") && obj.keys().all(|k| matches!(k.as_str(), "label" | "pattern" | "id"))
}

/// The gazette label of a spaCy entity label.
fn label(spacy: &str) -> Result<&'static str, String> {
    Ok(match spacy {
        "ORG" | "NORP" | "COMPANY" | "ORGANIZATION" => "org",
        "PERSON" | "PER" => "person",
        "PRODUCT" => "product",
        "GPE" | "LOC" | "FAC" | "PLACE" => "place",
        "COURT" => "court",
        "DATE" => return Err("spaCy label DATE has no value here; write a gazette date rule with `resolve`".into()),
        other => return Err(format!("spaCy label `{other}` has no gazette type; use ORG, PERSON, PRODUCT, GPE, LOC, FAC or COURT")),
    })
}

/// The gazette rule for an EntityRuler line: its `id` (any string) becomes
/// the entity's name, and the rule id `spacy.<label>.<line>`.
pub fn convert(value: Value, line: usize) -> Result<Value, String> {
    let Value::Object(obj) = value else { return Err("not an object".into()) };
    let spacy_label = obj.get("label").and_then(Value::as_str).unwrap_or_default().to_string();
    let gazette_label = label(&spacy_label)?;
    let mut out = Map::new();
    out.insert("id".into(), Value::String(format!("spacy.{}.{line}", spacy_label.to_lowercase())));
    out.insert("label".into(), Value::String(gazette_label.into()));
    if let Some(name) = obj.get("id").and_then(Value::as_str) {
        out.insert("name".into(), Value::String(name.into()));
    }
    if let Some(pattern) = obj.get("pattern") {
        out.insert("pattern".into(), pattern.clone());
    }
    Ok(Value::Object(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entity_ruler_lines_become_gazette_rules() {
        let v: Value = serde_json::from_str(r#"{"label": "ORG", "pattern": "Acme", "id": "Acme Corp"}"#).unwrap();
        assert!(is_entity_ruler(&v));
        let r = convert(v, 3).unwrap();
        assert_eq!(r["id"], "spacy.org.3");
        assert_eq!(r["label"], "org");
        assert_eq!(r["name"], "Acme Corp");
        let ours: Value = serde_json::from_str(r#"{"id": "org.a", "label": "org", "pattern": "A"}"#).unwrap();
        assert!(!is_entity_ruler(&ours));
        assert!(convert(serde_json::from_str(r#"{"label": "EVENT", "pattern": "X"}"#).unwrap(), 1).is_err());
    }
}
