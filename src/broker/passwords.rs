//! The embedded broker's password file: mosquitto_passwd files, plus plain `user:password` lines
//! so a CI script can write one with `echo`.
//!
//! Accepted secrets, told apart by their prefix:
//! - `$7$ITERATIONS$SALT$HASH`: PBKDF2-HMAC-SHA512, what mosquitto_passwd 2.x writes;
//! - `$6$SALT$HASH`: SHA-512 of password and salt, what mosquitto_passwd 1.x wrote;
//! - `$argon2...`: a PHC Argon2 string (the format of the mqtt5 crate's own password files);
//! - anything else: the password itself, in plain text.

use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::path::Path;
use std::pin::Pin;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use mqtt5::broker::auth::{AuthProvider, AuthResult};
use mqtt5::packet::connect::ConnectPacket;
use mqtt5::protocol::v5::reason_codes::ReasonCode;

use crate::error;

/// One user's stored secret.
#[derive(Clone)]
enum Secret {
    Pbkdf2Sha512 {
        iterations: NonZeroU32,
        salt: Vec<u8>,
        hash: Vec<u8>,
    },
    Sha512 {
        salt: Vec<u8>,
        hash: Vec<u8>,
    },
    Argon2(String),
    Plain(String),
}

// Hand-written so that a stray `{:?}` can never print a password or a hash.
impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self {
            Secret::Pbkdf2Sha512 { .. } => "pbkdf2-sha512",
            Secret::Sha512 { .. } => "sha512",
            Secret::Argon2(_) => "argon2",
            Secret::Plain(_) => "plain",
        };
        write!(f, "Secret({kind}, redacted)")
    }
}

impl Secret {
    fn parse(text: &str) -> Result<Secret, String> {
        if let Some(rest) = text.strip_prefix("$7$") {
            let mut parts = rest.split('$');
            let (Some(iterations), Some(salt), Some(hash), None) =
                (parts.next(), parts.next(), parts.next(), parts.next())
            else {
                return Err("malformed $7$ hash (expected $7$ITERATIONS$SALT$HASH)".into());
            };
            let iterations = iterations
                .parse::<NonZeroU32>()
                .map_err(|_| format!("bad iteration count '{iterations}' in $7$ hash"))?;
            Ok(Secret::Pbkdf2Sha512 {
                iterations,
                salt: decode_base64(salt)?,
                hash: decode_base64(hash)?,
            })
        } else if let Some(rest) = text.strip_prefix("$6$") {
            let Some((salt, hash)) = rest.split_once('$') else {
                return Err("malformed $6$ hash (expected $6$SALT$HASH)".into());
            };
            Ok(Secret::Sha512 {
                salt: decode_base64(salt)?,
                hash: decode_base64(hash)?,
            })
        } else if text.starts_with("$argon2") {
            Ok(Secret::Argon2(text.to_string()))
        } else {
            Ok(Secret::Plain(text.to_string()))
        }
    }

    fn verify(&self, password: &[u8]) -> bool {
        use ring::digest::{Context, SHA512, digest};
        match self {
            Secret::Pbkdf2Sha512 {
                iterations,
                salt,
                hash,
            } => ring::pbkdf2::verify(
                ring::pbkdf2::PBKDF2_HMAC_SHA512,
                *iterations,
                salt,
                password,
                hash,
            )
            .is_ok(),
            Secret::Sha512 { salt, hash } => {
                let mut ctx = Context::new(&SHA512);
                ctx.update(password);
                ctx.update(salt);
                constant_time_eq(ctx.finish().as_ref(), hash)
            }
            Secret::Argon2(phc) => std::str::from_utf8(password)
                .is_ok_and(|p| mqtt5::broker::auth::PasswordAuthProvider::verify_password(p, phc)),
            // Comparing digests keeps the time independent of where the first difference is and
            // of the stored password's length.
            Secret::Plain(stored) => constant_time_eq(
                digest(&SHA512, stored.as_bytes()).as_ref(),
                digest(&SHA512, password).as_ref(),
            ),
        }
    }
}

/// mosquitto_passwd writes padded base64; accept unpadded too.
fn decode_base64(text: &str) -> Result<Vec<u8>, String> {
    STANDARD
        .decode(text)
        .or_else(|_| STANDARD_NO_PAD.decode(text))
        .map_err(|_| format!("'{text}' is not valid base64"))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Users and secrets read from a password file, checked on every CONNECT.
#[derive(Debug, Clone)]
pub struct PasswordFile {
    users: HashMap<String, Secret>,
    allow_anonymous: bool,
}

impl PasswordFile {
    /// Reads and checks the whole file; a bad line is a usage error naming the file and line.
    pub fn load(path: &Path) -> anyhow::Result<PasswordFile> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            error::usage(format!("cannot read password file {}: {e}", path.display()))
        })?;
        PasswordFile::parse(&text)
            .map_err(|e| error::usage(format!("password file {}: {e}", path.display())))
    }

    /// Also let in clients that send no user name.
    pub fn with_anonymous(mut self, allow: bool) -> PasswordFile {
        self.allow_anonymous = allow;
        self
    }

    fn parse(text: &str) -> Result<PasswordFile, String> {
        let mut users = HashMap::new();
        for (index, line) in text.lines().enumerate() {
            let line_no = index + 1;
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            let Some((user, secret)) = line.split_once(':') else {
                return Err(format!("line {line_no}: expected USER:PASSWORD"));
            };
            if user.is_empty() {
                return Err(format!("line {line_no}: empty user name"));
            }
            let secret = Secret::parse(secret).map_err(|e| format!("line {line_no}: {e}"))?;
            if users.insert(user.to_string(), secret).is_some() {
                return Err(format!("line {line_no}: user '{user}' appears twice"));
            }
        }
        if users.is_empty() {
            return Err("no users in the file".into());
        }
        Ok(PasswordFile {
            users,
            allow_anonymous: false,
        })
    }

    /// For unit tests elsewhere in the crate.
    #[cfg(test)]
    pub(crate) fn parse_for_test(text: &str) -> PasswordFile {
        PasswordFile::parse(text).expect("valid test password file")
    }

    /// Number of users in the file.
    pub fn len(&self) -> usize {
        self.users.len()
    }

    pub fn is_empty(&self) -> bool {
        self.users.is_empty()
    }

    fn check(&self, username: Option<&str>, password: Option<&[u8]>) -> bool {
        match (username, password) {
            (None, _) => self.allow_anonymous,
            (Some(user), Some(password)) => self
                .users
                .get(user)
                .is_some_and(|secret| secret.verify(password)),
            (Some(_), None) => false,
        }
    }
}

impl AuthProvider for PasswordFile {
    fn authenticate<'a>(
        &'a self,
        connect: &'a ConnectPacket,
        _client_addr: SocketAddr,
    ) -> Pin<Box<dyn Future<Output = mqtt5::Result<AuthResult>> + Send + 'a>> {
        Box::pin(async move {
            let username = connect.username.as_deref();
            if !self.check(username, connect.password.as_deref()) {
                // MQTT 3.1.1 clients see this as CONNACK 4 (bad user name or password), as with
                // mosquitto.
                return Ok(AuthResult::fail(ReasonCode::BadUsernameOrPassword));
            }
            Ok(match username {
                Some(user) => AuthResult::success_with_user(user.to_string()),
                None => AuthResult::success(),
            })
        })
    }

    fn authorize_publish<'a>(
        &'a self,
        _client_id: &str,
        _user_id: Option<&'a str>,
        _topic: &'a str,
    ) -> Pin<Box<dyn Future<Output = bool> + Send + 'a>> {
        Box::pin(async { true })
    }

    fn authorize_subscribe<'a>(
        &'a self,
        _client_id: &str,
        _user_id: Option<&'a str>,
        _topic_filter: &'a str,
    ) -> Pin<Box<dyn Future<Output = bool> + Send + 'a>> {
        Box::pin(async { true })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Written by `mosquitto_passwd -b FILE alice secret` (mosquitto 2.0.11).
    const MOSQUITTO_7: &str = "alice:$7$101$X8n5BBtIsNzwMFw2$dk4TIDpC5PjiDGQSHRH6k9lF8OD6CGG47q8x8S/CCYTHu0IZikNua8FJqhlEr1cho1dn5LfkBx2gmOdlobs3HQ==";

    #[test]
    fn mosquitto_passwd_hash_verifies() {
        let file = PasswordFile::parse(MOSQUITTO_7).unwrap();
        assert!(file.check(Some("alice"), Some(b"secret")));
        assert!(!file.check(Some("alice"), Some(b"Secret")));
        assert!(!file.check(Some("bob"), Some(b"secret")));
        assert!(!file.check(Some("alice"), None));
    }

    #[test]
    fn sha512_hash_verifies() {
        use ring::digest::{Context, SHA512};
        let salt = b"0123456789ab";
        let mut ctx = Context::new(&SHA512);
        ctx.update(b"pw");
        ctx.update(salt);
        let line = format!(
            "carol:$6${}${}",
            STANDARD.encode(salt),
            STANDARD.encode(ctx.finish().as_ref())
        );
        let file = PasswordFile::parse(&line).unwrap();
        assert!(file.check(Some("carol"), Some(b"pw")));
        assert!(!file.check(Some("carol"), Some(b"pw2")));
    }

    #[test]
    fn plain_lines_comments_and_colons_in_passwords() {
        let file = PasswordFile::parse("# users\n\nbob:s3cret:with:colons\r\neve:\n").unwrap();
        assert_eq!(file.len(), 2);
        assert!(file.check(Some("bob"), Some(b"s3cret:with:colons")));
        assert!(file.check(Some("eve"), Some(b"")));
        assert!(!file.check(Some("bob"), Some(b"s3cret")));
    }

    #[test]
    fn anonymous_only_when_allowed() {
        let mut file = PasswordFile::parse("bob:x").unwrap();
        assert!(!file.check(None, None));
        file.allow_anonymous = true;
        assert!(file.check(None, None));
        assert!(!file.check(Some("bob"), Some(b"y")));
    }

    #[test]
    fn bad_lines_are_reported_with_their_number() {
        let err = PasswordFile::parse("bob:x\nnocolon\n").unwrap_err();
        assert_eq!(err, "line 2: expected USER:PASSWORD");
        let err = PasswordFile::parse("a:$7$zero$AAAA$AAAA").unwrap_err();
        assert!(err.starts_with("line 1: bad iteration count"), "{err}");
        let err = PasswordFile::parse("a:$7$101$!!$AAAA").unwrap_err();
        assert!(err.contains("not valid base64"), "{err}");
        let err = PasswordFile::parse("a:1\na:2").unwrap_err();
        assert!(err.contains("appears twice"), "{err}");
        assert!(PasswordFile::parse("# only a comment\n").is_err());
    }

    #[test]
    fn debug_output_hides_secrets() {
        let file = PasswordFile::parse("bob:hunter2").unwrap();
        assert!(!format!("{file:?}").contains("hunter2"));
    }
}
