//! `-L` broker URLs: `mqtt[s]://[user[:pass]@]host[:port]/topic` (as mosquitto) and
//! `ws[s]://[user[:pass]@]host[:port][/path]` (the path is the WebSocket path; topics come from
//! `-t`). Parsed by hand because a topic may contain `#`, which URL parsers take as a fragment.

/// The parts of a broker URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrokerUrl {
    pub scheme: Scheme,
    pub username: Option<String>,
    pub password: Option<String>,
    pub host: String,
    pub port: Option<u16>,
    /// For mqtt/mqtts: the topic (may be empty). For ws/wss: the WebSocket path.
    pub path: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    Mqtt,
    Mqtts,
    Ws,
    Wss,
}

impl Scheme {
    pub fn is_tls(self) -> bool {
        matches!(self, Scheme::Mqtts | Scheme::Wss)
    }
    pub fn is_websocket(self) -> bool {
        matches!(self, Scheme::Ws | Scheme::Wss)
    }
    pub fn default_port(self) -> u16 {
        match self {
            Scheme::Mqtt => 1883,
            Scheme::Mqtts => 8883,
            Scheme::Ws => 80,
            Scheme::Wss => 443,
        }
    }
}

/// Parses a `--proxy` URL: `socks5h://[user[:pass]@]host[:port]` (mosquitto's form; `socks5://`
/// is taken as the same, since mqtk always lets the proxy resolve the broker's name).
pub fn parse_proxy(url: &str) -> Result<super::options::Proxy, String> {
    let bad = || {
        format!(
            "'{}' is not a SOCKS5 proxy URL (expected socks5h://[user[:pass]@]host[:port])",
            redacted(url)
        )
    };
    let (scheme, rest) = url.split_once("://").ok_or_else(bad)?;
    if !matches!(scheme.to_ascii_lowercase().as_str(), "socks5h" | "socks5") {
        return Err(format!(
            "--proxy: unsupported proxy scheme '{scheme}' (only SOCKS5: socks5h://)"
        ));
    }
    let authority = rest.strip_suffix('/').unwrap_or(rest);
    if authority.contains('/') {
        return Err(bad());
    }
    let (userinfo, hostport) = match authority.rfind('@') {
        Some(i) => (Some(&authority[..i]), &authority[i + 1..]),
        None => (None, authority),
    };
    let (username, password) = match userinfo {
        None => (None, None),
        Some(u) => match u.split_once(':') {
            Some((user, pass)) => (Some(user.to_string()), Some(pass.to_string())),
            None => (Some(u.to_string()), None),
        },
    };
    let (host, port) = split_host_port(hostport)?;
    if host.is_empty() {
        return Err(bad());
    }
    Ok(super::options::Proxy {
        host,
        port: port.unwrap_or(1080),
        username,
        password: password.map(super::options::Secret),
    })
}

/// Parses a broker URL; errors are one-line messages for the user.
pub fn parse(url: &str) -> Result<BrokerUrl, String> {
    let (scheme, rest) = url.split_once("://").ok_or_else(|| {
        format!(
            "'{}' is not a broker URL (expected mqtt://, mqtts://, ws:// or wss://)",
            redacted(url)
        )
    })?;
    let scheme = match scheme.to_ascii_lowercase().as_str() {
        "mqtt" | "tcp" => Scheme::Mqtt,
        "mqtts" | "ssl" | "tls" => Scheme::Mqtts,
        "ws" => Scheme::Ws,
        "wss" => Scheme::Wss,
        other => {
            return Err(format!(
                "unknown URL scheme '{other}' (use mqtt, mqtts, ws or wss)"
            ));
        }
    };
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, ""),
    };
    let (userinfo, hostport) = match authority.rfind('@') {
        Some(i) => (Some(&authority[..i]), &authority[i + 1..]),
        None => (None, authority),
    };
    let (username, password) = match userinfo {
        None => (None, None),
        Some(u) => match u.split_once(':') {
            Some((user, pass)) => (Some(user.to_string()), Some(pass.to_string())),
            None => (Some(u.to_string()), None),
        },
    };
    let (host, port) = split_host_port(hostport)?;
    if host.is_empty() {
        return Err(format!("'{}' has no host", redacted(url)));
    }
    let path = if scheme.is_websocket() {
        format!("/{path}")
    } else {
        path.to_string()
    };
    Ok(BrokerUrl {
        scheme,
        username,
        password,
        host,
        port,
        path,
    })
}

/// The URL with any password replaced by `***`, for error messages. Everything between the
/// first `:` of the user part and the last `@` goes, so an odd URL is over-redacted rather
/// than leaked.
fn redacted(url: &str) -> String {
    let start = url.find("://").map_or(0, |i| i + 3);
    let rest = &url[start..];
    match (rest.find(':'), rest.rfind('@')) {
        (Some(colon), Some(at)) if colon < at => {
            format!("{}{}:***{}", &url[..start], &rest[..colon], &rest[at..])
        }
        _ => url.to_string(),
    }
}

fn split_host_port(s: &str) -> Result<(String, Option<u16>), String> {
    let (host, port) = if let Some(rest) = s.strip_prefix('[') {
        let end = rest
            .find(']')
            .ok_or_else(|| format!("'{s}': unclosed '[' in IPv6 address"))?;
        let after = &rest[end + 1..];
        let port = match after.strip_prefix(':') {
            Some(p) => Some(p),
            None if after.is_empty() => None,
            None => return Err(format!("'{s}': unexpected text after IPv6 address")),
        };
        (rest[..end].to_string(), port)
    } else {
        match s.rsplit_once(':') {
            Some((h, p)) => (h.to_string(), Some(p)),
            None => (s.to_string(), None),
        }
    };
    let port = match port {
        None => None,
        Some(p) => Some(parse_port(p)?),
    };
    Ok((host, port))
}

/// A TCP port, 1 to 65535.
pub fn parse_port(s: &str) -> Result<u16, String> {
    match s.parse::<u32>() {
        Ok(p @ 1..=65535) => Ok(p as u16),
        Ok(p) => Err(format!("port {p} is out of range (1-65535)")),
        Err(_) => Err(format!("'{s}' is not a port number")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mosquitto_form_with_credentials_and_topic() {
        let u = parse("mqtt://alice:s3cr@t@broker.example:1884/a/+/#").unwrap();
        assert_eq!(u.scheme, Scheme::Mqtt);
        assert_eq!(u.username.as_deref(), Some("alice"));
        assert_eq!(u.password.as_deref(), Some("s3cr@t"));
        assert_eq!(u.host, "broker.example");
        assert_eq!(u.port, Some(1884));
        assert_eq!(u.path, "a/+/#");
    }

    #[test]
    fn websocket_path_and_ipv6() {
        let u = parse("wss://[::1]:8081/mqtt").unwrap();
        assert_eq!(
            (u.host.as_str(), u.port, u.path.as_str()),
            ("::1", Some(8081), "/mqtt")
        );
        assert!(u.scheme.is_tls() && u.scheme.is_websocket());
        assert_eq!(parse("ws://h").unwrap().path, "/");
    }

    #[test]
    fn errors_do_not_quote_passwords() {
        for bad in ["alice:hunter2@host/t", "mqtt://alice:hunter2@/t"] {
            let err = parse(bad).unwrap_err();
            assert!(!err.contains("hunter2"), "{err}");
            assert!(err.contains("alice:***@"), "{err}");
        }
    }

    #[test]
    fn proxy_urls() {
        let p = parse_proxy("socks5h://127.0.0.1").unwrap();
        assert_eq!(
            (p.host.as_str(), p.port, p.username),
            ("127.0.0.1", 1080, None)
        );
        let p = parse_proxy("socks5://u:pw@[::1]:9050/").unwrap();
        assert_eq!((p.host.as_str(), p.port), ("::1", 9050));
        assert_eq!(p.username.as_deref(), Some("u"));
        assert_eq!(p.password, Some(super::super::options::Secret("pw".into())));
        for bad in [
            "http://h:3128",
            "socks5h://",
            "socks5h://h:0",
            "socks5h://h/x",
            "h:1080",
        ] {
            let err = parse_proxy(bad).unwrap_err();
            assert!(!err.contains("pw"), "{err}");
        }
        assert!(
            !parse_proxy("socks5h://u:secret@h:x")
                .unwrap_err()
                .contains("secret")
        );
    }

    #[test]
    fn bad_urls() {
        assert!(
            parse("http://h/t")
                .unwrap_err()
                .contains("unknown URL scheme")
        );
        assert!(parse("broker:1883").is_err());
        assert!(parse("mqtt://h:0/t").is_err());
        assert!(parse("mqtt://h:70000/t").is_err());
        assert!(parse("mqtt:///t").is_err());
        assert!(parse("mqtt://[::1/t").is_err());
    }
}
