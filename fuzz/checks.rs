//! The properties the fuzz targets check, shared by the cargo-fuzz targets (`fuzz_targets/`)
//! and the stable-Rust bounded run (`tests/fuzz.rs` in the main crate). Each function takes
//! arbitrary bytes and panics only when mqtk breaks a rule: parsers of user input and of broker
//! packets must return errors, never panic, and must agree with themselves.

// Each cargo-fuzz target uses one of these functions.
#![allow(dead_code)]

use bytes::{Bytes, BytesMut};
use mqtk::cli::OutputArgs;
use mqtk::conn::ProtocolVersion;
use mqtk::conn::{packet, properties, session, topic, url};
use mqtk::format::Formatter;
use mqtk::message::{Message, PublishProperties};
use mqtk::payload::{Context, Expander, Template};

/// Topic and filter validation and matching: `data` is `filter\ntopic`.
pub fn topic(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (filter, name) = text.split_once('\n').unwrap_or((text, text));
    let filter_ok = topic::validate_filter(filter).is_ok();
    let name_ok = topic::validate_topic(name).is_ok();
    // Every valid topic name is also a valid filter (it has no wildcards), except one that
    // reads as a shared subscription (`$share/GROUP/...`), which has rules of its own.
    if name_ok && !name.starts_with("$share/") {
        assert!(topic::validate_filter(name).is_ok(), "{name:?}");
    }
    if filter_ok && name_ok {
        let m = topic::matches(filter, name);
        // `#` matches everything that does not start with `$`.
        if filter == "#" {
            assert_eq!(m, !name.starts_with('$'), "{filter:?} {name:?}");
        }
    }
    // A valid topic name matches itself as a filter (unless it looks like a shared
    // subscription, which names a group before the filter).
    if name_ok && !name.starts_with("$share/") {
        assert!(topic::matches(name, name), "{name:?} does not match itself");
    }
}

/// The `-F` format parser, and rendering a message with every field set.
pub fn format(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let args = OutputArgs {
        format: Some(text.to_string()),
        ..Default::default()
    };
    let Ok(formatter) = Formatter::new(&args, false) else {
        return;
    };
    let mut out = Vec::new();
    let _ = formatter.write(&sample_message(data), &mut out);
}

/// `pub --template`: parsing never panics, an error names a character inside the template, and
/// a template without placeholders expands to itself.
pub fn payload_template(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let env = |name: &str| (name == "X").then(|| "x".to_string());
    let ctx = Context {
        client_id: "c",
        topic: "t",
        env: &env,
    };
    match Template::parse(text, &ctx) {
        Ok(t) => {
            let mut e = Expander::new(Some(1));
            let first = e.expand(&t, Some(b"line"));
            if !text.contains("{{") {
                assert_eq!(first, text.as_bytes(), "{text:?}");
            }
            e.expand(&t, None);
        }
        Err(err) => {
            assert!(
                err.column >= 1 && err.column <= text.chars().count(),
                "{text:?}: {err}"
            );
            assert!(!err.to_string().contains('\n'), "{text:?}");
        }
    }
}

fn sample_message(data: &[u8]) -> Message {
    Message {
        topic: "a/b/c".into(),
        payload: Bytes::copy_from_slice(data),
        qos: 2,
        retain: true,
        dup: false,
        pkid: 7,
        properties: Some(Box::new(PublishProperties {
            payload_format_indicator: Some(1),
            message_expiry_interval: Some(60),
            topic_alias: Some(3),
            response_topic: Some("reply/\"x\"".into()),
            correlation_data: Some(Bytes::from_static(b"\x00\xffcorr")),
            user_properties: vec![("k\n".into(), "v\u{0}".into())],
            subscription_identifiers: vec![1, 268_435_455],
            content_type: Some("text/plain".into()),
        })),
        received: chrono::Local::now(),
    }
}

/// `-L` URL parsing.
pub fn url(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(u) = url::parse(text) {
        assert!(!u.host.is_empty(), "{text:?} parsed with an empty host");
        assert_ne!(u.port, Some(0), "{text:?} parsed with port 0");
    }
    // An error never quotes the password of a URL that has one: put a marker where the
    // password goes (after the first `:` of the part before the last `@`) and look for it.
    // No proper prefix of the marker is also its suffix, so it cannot form across the splice.
    const MARKER: &str = "<pass-WORD-9>";
    let start = text.find("://").map_or(0, |i| i + 3);
    let rest = &text[start..];
    if let Some(at) = rest.rfind('@')
        && let Some(colon) = rest[..at].find(':')
    {
        let probe = format!(
            "{}{MARKER}{}",
            &text[..start + colon + 1],
            &text[start + at..]
        );
        // The input may hold the marker itself (libFuzzer learns it): then it proves nothing.
        if probe.matches(MARKER).count() == 1
            && let Err(e) = url::parse(&probe)
        {
            assert!(
                !e.contains(MARKER),
                "{probe:?}: error {e:?} quotes the password"
            );
        }
    }
}

/// `-D` properties: `data` holds the flag values separated by NUL bytes.
pub fn properties(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let values: Vec<String> = text.split('\0').map(str::to_string).collect();
    let _ = properties::parse(&values);
}

/// Packet decoding of whatever a server might send, in both protocols and with a small and
/// the largest maximum packet size. Decoding stops at the first error, as a session does.
pub fn packet(data: &[u8]) {
    for protocol in [ProtocolVersion::V311, ProtocolVersion::V5] {
        for max in [64, packet::PROTOCOL_MAX_PACKET] {
            let mut buf = BytesMut::from(data);
            // Each successful decode consumes at least one byte, so this ends.
            for _ in 0..=data.len() {
                let before = buf.len();
                match packet::decode(protocol, &mut buf, max) {
                    Ok(Some(_)) => assert!(buf.len() < before, "decode consumed nothing"),
                    Ok(None) | Err(_) => break,
                }
            }
        }
    }
}

/// The CONNACK reader on whatever a server answers a CONNECT with: a refusal or garbage is an
/// error, a whole CONNACK is read and consumed, a partial one waits for more.
pub fn connack(data: &[u8]) {
    for protocol in [ProtocolVersion::V311, ProtocolVersion::V5] {
        let mut buf = BytesMut::from(data);
        if let Ok(Some(info)) = session::read_connack(protocol, "fuzz", &mut buf) {
            assert!(buf.len() < data.len(), "a CONNACK was read from nothing");
            assert!(info.max_qos <= 2 || protocol.is_v5(), "{info:?}");
        }
    }
}

/// The client engine against a scripted broker over an in-memory stream: a CONNACK, then `data`
/// as everything the broker sends, while the client publishes at QoS 1 and 2 and subscribes.
/// The engine must end with an error or at the end of the input, never panic, and never hold
/// more in flight than its window.
pub fn engine(data: &[u8]) {
    use std::time::Duration;

    use mqtk::conn::options::Target;
    use mqtk::conn::{Client, ConnectOptions, Event, OutPublish, Setup, SubscribeFilter};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    const WINDOW: u16 = 4;
    let Ok(rt) = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
    else {
        return;
    };
    rt.block_on(async {
        for protocol in [ProtocolVersion::V311, ProtocolVersion::V5] {
            let (client_end, mut broker_end) = tokio::io::duplex(16 * 1024);
            let script = data.to_vec();
            let broker = tokio::spawn(async move {
                let mut connect = [0u8; 1024];
                if broker_end.read(&mut connect).await.unwrap_or(0) == 0 {
                    return;
                }
                let connack: &[u8] = if protocol.is_v5() {
                    b"\x20\x03\x00\x00\x00"
                } else {
                    b"\x20\x02\x00\x00"
                };
                let _ = broker_end.write_all(connack).await;
                let _ = broker_end.write_all(&script).await;
                // Dropped here: the client reads what is buffered, then the end of the stream.
            });
            let mut opts = ConnectOptions::new(Target::Tcp {
                host: "fuzz".into(),
                port: 1883,
            });
            opts.protocol = protocol;
            opts.reconnect.attempts = 0;
            let setup = Setup {
                max_inflight: WINDOW,
                publishes: Some((2, false)),
            };
            let run = async {
                let mut client =
                    Client::<u8>::connect_over(opts, setup, Box::new(client_end)).await?;
                let filter = SubscribeFilter {
                    filter: "f/#".into(),
                    qos: 2,
                    ..Default::default()
                };
                client.subscribe(vec![filter], None)?;
                for i in 0..WINDOW as u8 {
                    let publish = OutPublish {
                        topic: "t".into(),
                        qos: 1 + i % 2,
                        payload: Bytes::from_static(b"x"),
                        ..Default::default()
                    };
                    client.publish(publish, i)?;
                }
                loop {
                    while let Some(event) = client.next_event()? {
                        if let Event::Message(m) = event {
                            client.ack(&m)?;
                        }
                    }
                    assert!(client.in_flight() <= WINDOW as usize);
                    client.io().await?;
                }
                #[allow(unreachable_code)]
                Ok::<(), anyhow::Error>(())
            };
            let _ = tokio::time::timeout(Duration::from_secs(2), run).await;
            broker.abort();
        }
    });
}

/// `mqtk bench report` on whatever file it is given: `data` as a result document (JSON) is
/// either refused or rendered (HTML report, terminal charts at any width, comparison table);
/// as a histogram (base64 of raw bytes, and as text) it is decoded or refused, never a panic or
/// a runaway allocation; as an `--assert` expression it is parsed or refused.
pub fn report(data: &[u8]) {
    use base64::Engine as _;
    use mqtk::bench::export::charts::{self, Style};
    use mqtk::bench::export::compare::{self, Run};
    use mqtk::bench::export::html;
    use mqtk::bench::{assert, hdr};

    if let Ok(result) = serde_json::from_slice::<mqtk::bench::result::BenchResult>(data) {
        let run = Run {
            name: "fuzz.json".into(),
            result,
        };
        let runs = [run.clone(), run];
        let page = html::report(&runs);
        assert!(page.trim_end().ends_with("</html>"));
        assert!(!page.contains("<script"), "a script in the report");
        for width in [0, 24, 37, 80, 200] {
            for unicode in [true, false] {
                let text = charts::render(&runs[0].result, Style { width, unicode });
                if !unicode {
                    assert!(text.is_ascii(), "non-ASCII chart: {text}");
                }
            }
        }
        compare::table(&runs);
    }
    let encoded = base64::engine::general_purpose::STANDARD.encode(data);
    for text in [encoded.as_str(), &*String::from_utf8_lossy(data)] {
        if let Some(h) = hdr::decode(text) {
            let buckets = hdr::log_buckets(&h);
            assert_eq!(buckets.iter().map(|b| b.count).sum::<u64>(), h.len());
            hdr::percentile_curve(&h, 50);
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = assert::parse_relative(text);
    }
}
