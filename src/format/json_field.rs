//! `-F %{FIELD}`: one field of a JSON payload, named by a dotted path (`Value`, `a.b.0`) or a JSON
//! pointer (`/Value`, `/a/b/0`, RFC 6901 escapes `~0` `~1`).
//!
//! A string prints as its text (unquoted, unescaped, as `jq -r` does); numbers, booleans and
//! `null` print as JSON; objects and arrays print as compact JSON. A missing field or a payload
//! that is not JSON prints nothing, unless `--require-fields` makes it an error.

use serde_json::Value;

/// A parsed field reference, kept as a JSON pointer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldPath {
    /// As written between the braces, for messages.
    pub written: String,
    pointer: String,
}

impl FieldPath {
    /// Parses the text between `%{` and `}`.
    pub fn parse(text: &str) -> Result<FieldPath, String> {
        if text.is_empty() {
            return Err("empty field name in '%{}' (e.g. %{Value} or %{/Value})".into());
        }
        let pointer = if text.starts_with('/') {
            // Validate the escapes now: RFC 6901 allows only ~0 and ~1.
            let mut chars = text.chars();
            while let Some(c) = chars.next() {
                if c == '~' && !matches!(chars.next(), Some('0' | '1')) {
                    return Err(format!(
                        "bad JSON pointer '{text}': '~' must be followed by 0 or 1"
                    ));
                }
            }
            text.to_string()
        } else {
            let mut pointer = String::new();
            for segment in text.split('.') {
                if segment.is_empty() {
                    return Err(format!(
                        "bad field path '{text}': empty segment (use a JSON pointer such as \
                         %{{/a.b}} for keys with dots)"
                    ));
                }
                pointer.push('/');
                pointer.push_str(&segment.replace('~', "~0").replace('/', "~1"));
            }
            pointer
        };
        Ok(FieldPath {
            written: text.to_string(),
            pointer,
        })
    }

    /// The field in `doc`, if present.
    pub fn lookup<'a>(&self, doc: &'a Value) -> Option<&'a Value> {
        doc.pointer(&self.pointer)
    }
}

/// Appends a field's value as printed by `%{...}`.
pub fn write_value(out: &mut Vec<u8>, value: &Value) {
    match value {
        Value::String(s) => out.extend_from_slice(s.as_bytes()),
        // Serialising a `Value` into a Vec cannot fail.
        other => {
            let _ = serde_json::to_writer(&mut *out, other);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(path: &str, doc: &str) -> Option<String> {
        let doc: Value = serde_json::from_str(doc).unwrap();
        let p = FieldPath::parse(path).unwrap();
        p.lookup(&doc).map(|v| {
            let mut out = Vec::new();
            write_value(&mut out, v);
            String::from_utf8(out).unwrap()
        })
    }

    #[test]
    fn dotted_paths_and_pointers_agree() {
        let doc = r#"{"Sensor":1,"Value":33.5,"Time":"12:19:30","a":{"b":[10,{"c":null}]},"x.y":true,"s/t":"slash","t~":"tilde"}"#;
        assert_eq!(get("Sensor", doc).as_deref(), Some("1"));
        assert_eq!(get("/Sensor", doc).as_deref(), Some("1"));
        assert_eq!(get("Value", doc).as_deref(), Some("33.5"));
        assert_eq!(get("Time", doc).as_deref(), Some("12:19:30"));
        assert_eq!(get("a.b.0", doc).as_deref(), Some("10"));
        assert_eq!(get("/a/b/1/c", doc).as_deref(), Some("null"));
        assert_eq!(get("a.b", doc).as_deref(), Some(r#"[10,{"c":null}]"#));
        assert_eq!(get("/x.y", doc).as_deref(), Some("true"));
        assert_eq!(get("s/t", doc).as_deref(), Some("slash"));
        assert_eq!(get("/s~1t", doc).as_deref(), Some("slash"));
        assert_eq!(get("t~", doc).as_deref(), Some("tilde"));
        assert_eq!(get("/t~0", doc).as_deref(), Some("tilde"));
        assert_eq!(get("missing", doc), None);
        assert_eq!(get("a.b.7", doc), None);
        assert_eq!(get("Value.deeper", doc), None);
    }

    #[test]
    fn strings_print_unescaped() {
        assert_eq!(
            get("s", r#"{"s":"a \"q\"\n\u00e9"}"#).as_deref(),
            Some("a \"q\"\né")
        );
    }

    #[test]
    fn bad_paths() {
        assert!(FieldPath::parse("").is_err());
        assert!(FieldPath::parse("a..b").is_err());
        assert!(FieldPath::parse(".a").is_err());
        assert!(FieldPath::parse("/a~2").is_err());
        assert!(FieldPath::parse("/a~").is_err());
    }
}
