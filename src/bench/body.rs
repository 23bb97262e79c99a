//! `bench --payload-template`: a realistic message body after the bench header, expanded per
//! message from a payload template (see [`crate::payload::template`]). Runs without it keep the
//! untemplated path: payloads cut from one zeroed block, nothing formatted per message.

use bytes::{BufMut, Bytes, BytesMut};

use super::header::{HEADER_LEN, Header};
use crate::error::usage;
use crate::payload::{Context, Expander, Template};

/// Parses the template for one publisher (its client id and topic), or checks it before the run.
pub fn parse(text: &str, client_id: &str, topic: &str) -> anyhow::Result<Template> {
    let env = |name: &str| std::env::var(name).ok();
    let ctx = Context {
        client_id,
        topic,
        env: &env,
    };
    let template =
        Template::parse(text, &ctx).map_err(|e| usage(format!("bad --payload-template {e}")))?;
    if template.uses_line() {
        return Err(usage(
            "--payload-template cannot use {{line}}: bench reads no input",
        ));
    }
    Ok(template)
}

/// Makes one publisher's templated payloads.
pub struct Bodies {
    template: Template,
    expander: Expander,
    size: usize,
}

impl Bodies {
    pub fn new(template: Template, size: usize) -> Bodies {
        Bodies {
            template,
            expander: Expander::new(None),
            size,
        }
    }

    /// The header, then the expanded template, padded with spaces to the message size (a body
    /// longer than that makes a longer message).
    pub fn payload(&mut self, header: Header) -> Bytes {
        let body = self.expander.expand(&self.template, None);
        let mut buf = BytesMut::with_capacity((HEADER_LEN + body.len()).max(self.size));
        buf.resize(HEADER_LEN, 0);
        header.write(&mut buf[..HEADER_LEN]);
        buf.put_slice(&body);
        if buf.len() < self.size {
            buf.resize(self.size, b' ');
        }
        buf.freeze()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_then_body_padded_to_size() {
        let t = parse(r#"{"v":{{int 5 5}},"t":"{{topic}}"}"#, "c", "bench/0").unwrap();
        let mut b = Bodies::new(t, 64);
        let h = Header {
            run: 1,
            publisher: 3,
            seq: 9,
            sent_ns: 42,
            total: 0,
        };
        let p = b.payload(h);
        assert_eq!(p.len(), 64);
        assert_eq!(Header::read(&p), Some(h));
        let body = std::str::from_utf8(&p[HEADER_LEN..]).unwrap();
        assert_eq!(body.trim_end(), r#"{"v":5,"t":"bench/0"}"#);
        serde_json::from_str::<serde_json::Value>(body).unwrap();
        let mut small = Bodies::new(parse("0123456789", "c", "t").unwrap(), HEADER_LEN);
        assert_eq!(small.payload(h).len(), HEADER_LEN + 10);
    }

    #[test]
    fn bad_templates_are_usage_errors() {
        assert!(
            parse("{{nope}}", "c", "t")
                .unwrap_err()
                .to_string()
                .starts_with("bad --payload-template at character 1")
        );
        assert!(parse("{{line}}", "c", "t").is_err());
    }
}
