//! Bad invocations of every subcommand (`pub`, `sub`, `bench`, `broker`), table-driven: every
//! row must exit with the code DESIGN.md gives, print exactly one `mqtk: error: ` line on
//! stderr that names the problem (warnings, and bench's plan line, may precede it), nothing on
//! stdout, and never a panic or backtrace.
//!
//! The network rows use a real mosquitto (TLS and password listeners) and tiny TCP servers
//! started here that misbehave on purpose (close at once, answer HTTP, send garbage, stay
//! silent, send a broken packet after a good CONNACK).
//!
//! Not covered, on purpose: a NUL byte in a topic cannot reach mqtk through argv (the kernel
//! ends each argument at the first NUL) and no other source takes topics (`-l` lines are
//! payloads); `conn::topic`'s unit tests and the stable fuzz test check NUL rejection instead.
//! A mode-000 file is only unreadable when the tests do not run as root (CI runs as root);
//! `/proc/self/mem`, which fails to read even for root, stands in for it there.

mod common;

use std::ffi::OsString;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::ffi::OsStringExt;
use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};

use common::{Background, Broker, mqtk_std};

/// Longest any row may run (the slowest are the connect-timeout rows, which use 1 s).
const ROW_TIMEOUT: Duration = Duration::from_secs(10);

/// How a misbehaving test server treats each connection.
#[derive(Clone, Copy)]
enum Server {
    /// Accepts and closes at once.
    CloseAtOnce,
    /// Reads whatever comes and answers an HTTP 400, then closes (a web server on the port).
    Http,
    /// Answers any input with bytes that are not MQTT.
    Garbage,
    /// Accepts and never says anything (until the row's connect timeout).
    Silent,
    /// A valid CONNACK, then a malformed packet (reserved packet type 0 with a bad length).
    ConnAckThenGarbage,
    /// A CONNACK that is too short to be one.
    ShortConnAck,
}

/// Starts a server thread for `behaviour` on a free loopback port. It serves until the test
/// process exits; each connection is handled on its own short-lived thread.
fn serve(behaviour: Server) -> u16 {
    let listener = TcpListener::bind((common::HOST, 0)).expect("bind test server");
    let port = listener.local_addr().expect("local addr").port();
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            thread::spawn(move || handle(behaviour, stream));
        }
    });
    port
}

fn handle(behaviour: Server, mut stream: TcpStream) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut buf = [0u8; 4096];
    match behaviour {
        Server::CloseAtOnce => {}
        Server::Http => {
            let _ = stream.read(&mut buf);
            let _ = stream.write_all(
                b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
        }
        Server::Garbage => {
            let _ = stream.read(&mut buf);
            let _ = stream.write_all(b"\xff\xfe\x00garbage\x01\x02\x03 from a confused server");
        }
        Server::Silent => {
            // Hold the connection open; the client's connect timeout ends it.
            let _ = stream.read(&mut buf);
            thread::sleep(Duration::from_secs(5));
        }
        Server::ConnAckThenGarbage => {
            let _ = stream.read(&mut buf);
            let _ = stream.write_all(&[0x20, 0x02, 0x00, 0x00]);
            // Wait for the PUBLISH, then answer with a reserved packet type.
            let _ = stream.read(&mut buf);
            let _ = stream.write_all(&[0x00, 0xff, 0xff, 0xff, 0xff, 0x7f]);
            let _ = stream.read(&mut buf);
        }
        Server::ShortConnAck => {
            let _ = stream.read(&mut buf);
            let _ = stream.write_all(&[0x20, 0x01, 0x00]);
            let _ = stream.read(&mut buf);
        }
    }
}

/// A port nothing listens on (bound, then released).
fn closed_port() -> u16 {
    let l = TcpListener::bind((common::HOST, 0)).expect("bind");
    l.local_addr().expect("local addr").port()
}

/// One bad invocation.
struct Row {
    name: &'static str,
    args: Vec<OsString>,
    code: i32,
    /// A substring the error line must contain (compared case-insensitively); `a|b` accepts
    /// either, for failures whose wording depends on timing.
    needle: &'static str,
}

fn row(name: &'static str, args: &[&dyn AsOs], code: i32, needle: &'static str) -> Row {
    Row {
        name,
        args: args.iter().map(|a| a.as_os()).collect(),
        code,
        needle,
    }
}

/// A row from owned arguments.
fn rows_of(name: &'static str, args: &[String], code: i32, needle: &'static str) -> Row {
    Row {
        name,
        args: args.iter().map(OsString::from).collect(),
        code,
        needle,
    }
}

/// Anything usable as one argument: `&str`, `String`, paths.
trait AsOs {
    fn as_os(&self) -> OsString;
}
impl AsOs for &str {
    fn as_os(&self) -> OsString {
        OsString::from(*self)
    }
}
impl AsOs for String {
    fn as_os(&self) -> OsString {
        OsString::from(self)
    }
}
impl AsOs for &Path {
    fn as_os(&self) -> OsString {
        self.as_os_str().to_owned()
    }
}
impl AsOs for OsString {
    fn as_os(&self) -> OsString {
        self.clone()
    }
}

/// Checks one row; returns a description of what is wrong, if anything.
fn check(row: &Row) -> Option<String> {
    let started = Instant::now();
    let mut cmd = mqtk_std();
    cmd.args(&row.args);
    let out = Background::spawn(&mut cmd).wait(ROW_TIMEOUT);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let mut problems = Vec::new();
    if out.status.code() != Some(row.code) {
        problems.push(format!(
            "exit {:?}, expected {}",
            out.status.code(),
            row.code
        ));
    }
    for bad in ["panicked", "RUST_BACKTRACE", "stack backtrace"] {
        if stderr.contains(bad) || stdout.contains(bad) {
            problems.push(format!("output contains `{bad}`"));
        }
    }
    let other: Vec<&str> = stderr
        .lines()
        // Warnings, and the plan `mqtk bench` announces before it connects, may come first.
        .filter(|l| !l.starts_with("mqtk: warning: ") && !l.starts_with("mqtk bench "))
        .collect();
    match other.as_slice() {
        [line] if line.starts_with("mqtk: error: ") => {
            let line = line.to_lowercase();
            if !row
                .needle
                .split('|')
                .any(|n| line.contains(&n.to_lowercase()))
            {
                problems.push(format!("error line lacks `{}`", row.needle));
            }
        }
        _ => problems.push("stderr is not exactly one `mqtk: error: ` line".to_string()),
    }
    if !stdout.is_empty() {
        problems.push("stdout is not empty".to_string());
    }
    if problems.is_empty() {
        None
    } else {
        Some(format!(
            "[{}] {}\n    args: {:?}\n    stderr: {}    ({:?})",
            row.name,
            problems.join("; "),
            row.args,
            stderr,
            started.elapsed()
        ))
    }
}

#[test]
fn bad_invocations_fail_cleanly() {
    let broker = Broker::builder()
        .tls(true)
        .auth(&[("alice", "right-password")])
        .start();
    let dir = broker.dir().join("bad-input");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let garbage = dir.join("garbage.pem");
    std::fs::write(&garbage, "this is not PEM\n").expect("write");
    let bad_pem = dir.join("bad.pem");
    std::fs::write(
        &bad_pem,
        "-----BEGIN CERTIFICATE-----\n!!!! not base64 !!!!\n-----END CERTIFICATE-----\n",
    )
    .expect("write");
    let missing = dir.join("does-not-exist");
    // Sparse: 300 MiB of nothing, larger than the largest MQTT packet (256 MiB).
    let huge = dir.join("huge");
    std::fs::File::create(&huge)
        .and_then(|f| f.set_len(300 << 20))
        .expect("create a sparse file");
    let folder = dir.as_path();
    let ca = broker.ca_file();
    let other_ca = broker.other_ca_file();
    let cert = broker.client_cert();
    let key = broker.client_key();

    let plain = broker.port().to_string();
    let tls = broker.tls_port().to_string();
    let auth = broker.auth_port().to_string();
    let nothing = closed_port().to_string();
    let close = serve(Server::CloseAtOnce).to_string();
    let http = serve(Server::Http).to_string();
    let garbage_srv = serve(Server::Garbage).to_string();
    let silent = serve(Server::Silent).to_string();
    let connack_garbage = serve(Server::ConnAckThenGarbage).to_string();
    let short_connack = serve(Server::ShortConnAck).to_string();
    let h = "127.0.0.1";
    let bad_utf8 = OsString::from_vec(b"a/\xff\xfe/b".to_vec());

    // `pub`, `sub`, `bench` and `broker` rows. Every bench row points at a closed loopback port,
    // so a check that is missing shows up as a connection error, never as traffic.
    let bench = |extra: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = vec![
            "bench".into(),
            "-h".into(),
            h.into(),
            "-p".into(),
            nothing.clone(),
        ];
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };
    let busy = TcpListener::bind((common::HOST, 0)).expect("bind");
    let busy_port = busy.local_addr().expect("addr").port().to_string();
    #[rustfmt::skip]
    let mut rows = vec![
        // --- URLs, hosts and ports (usage: exit 2) ---
        row("url without scheme", &[&"pub", &"-L", &"broker:1883/t", &"-m", &"x"], 2, "not a broker URL"),
        row("unknown scheme", &[&"pub", &"-L", &"http://127.0.0.1/t", &"-m", &"x"], 2, "unknown URL scheme 'http'"),
        row("url port 0", &[&"sub", &"-L", &"mqtt://127.0.0.1:0/t"], 2, "port 0 is out of range"),
        row("url port 70000", &[&"sub", &"-L", &"mqtt://127.0.0.1:70000/t"], 2, "port 70000 is out of range"),
        row("url without host", &[&"sub", &"-L", &"mqtt:///t"], 2, "has no host"),
        row("url unclosed ipv6", &[&"pub", &"-L", &"mqtt://[::1/t", &"-m", &"x"], 2, "unclosed '['"),
        row("-p 0", &[&"pub", &"-p", &"0", &"-t", &"t", &"-m", &"x"], 2, "port 0 is out of range"),
        row("-p 70000", &[&"pub", &"-p", &"70000", &"-t", &"t", &"-m", &"x"], 2, "port 70000 is out of range"),
        row("-p not a number", &[&"sub", &"-p", &"mqtt", &"-t", &"t"], 2, "not a port number"),
        row("bind address not an ip", &[&"pub", &"-A", &"nowhere", &"-t", &"t", &"-m", &"x"], 2, "invalid IP address"),
        // --- topics and filters ---
        row("+ in publish topic", &[&"pub", &"-t", &"a/+/c", &"-m", &"x"], 2, "wildcard"),
        row("# in publish topic", &[&"pub", &"-t", &"a/#", &"-m", &"x"], 2, "wildcard"),
        row("wildcard in url topic", &[&"pub", &"-L", &"mqtt://127.0.0.1/a/#", &"-m", &"x"], 2, "wildcard"),
        row("empty publish topic", &[&"pub", &"-t", &"", &"-m", &"x"], 2, "topic must not be empty"),
        row("no topic at all", &[&"pub", &"-m", &"x"], 2, "no topic given"),
        row("# not last", &[&"sub", &"-t", &"a/#/b"], 2, "# must be a whole level"),
        row("+ inside a level", &[&"sub", &"-t", &"a+/b"], 2, "+ must be a whole level"),
        row("empty filter", &[&"sub", &"-t", &""], 2, "topic filter must not be empty"),
        row("bad shared subscription", &[&"sub", &"-t", &"$share/g"], 2, "$share/GROUP/FILTER"),
        row("no-local on a shared subscription", &[&"sub", &"-V", &"5", &"-t", &"$share/g/t", &"--no-local"], 2, "shared subscription"),
        row("bad -T filter", &[&"sub", &"-t", &"a/#", &"-T", &"a/#/x"], 2, "# must be a whole level"),
        row("bad -U filter", &[&"sub", &"-U", &"x#"], 2, "# must be a whole level"),
        row("wildcard will topic", &[&"pub", &"-t", &"t", &"-m", &"x", &"--will-topic", &"w/+"], 2, "--will-topic"),
        row("invalid utf-8 topic", &[&"pub", &"-t", &bad_utf8, &"-m", &"x"], 2, "UTF-8"),
        row("invalid utf-8 filter", &[&"sub", &"-t", &bad_utf8], 2, "UTF-8"),
        // --- files ---
        row("-f missing", &[&"pub", &"-t", &"t", &"-f", &missing.as_path()], 2, "No such file"),
        row("-f directory", &[&"pub", &"-t", &"t", &"-f", &folder], 2, "is a directory"),
        row("-f larger than a packet, no broker", &[&"pub", &"-h", &h, &"-p", &nothing, &"-t", &"t", &"-f", &huge.as_path()], 2, "does not fit in an MQTT packet"),
        row("--pw-file missing", &[&"pub", &"-t", &"t", &"-m", &"x", &"-u", &"u", &"--pw-file", &missing.as_path()], 2, "cannot read password file"),
        row("--pw-file directory", &[&"pub", &"-t", &"t", &"-m", &"x", &"-u", &"u", &"--pw-file", &folder], 2, "is a directory"),
        row("--cafile missing", &[&"pub", &"-h", &h, &"-p", &tls, &"-t", &"t", &"-m", &"x", &"--cafile", &missing.as_path()], 2, "No such file"),
        row("--cafile missing, no broker", &[&"pub", &"-h", &h, &"-p", &nothing, &"-t", &"t", &"-m", &"x", &"--cafile", &missing.as_path()], 2, "No such file"),
        row("--cafile directory", &[&"sub", &"-h", &h, &"-p", &tls, &"-t", &"t", &"--cafile", &folder], 2, "is a directory"),
        row("--cafile not PEM", &[&"sub", &"-h", &h, &"-p", &tls, &"-t", &"t", &"--cafile", &garbage.as_path()], 2, "no PEM certificate"),
        row("--cafile broken PEM", &[&"sub", &"-h", &h, &"-p", &tls, &"-t", &"t", &"--cafile", &bad_pem.as_path()], 2, "--cafile"),
        row("--cert not PEM", &[&"pub", &"-h", &h, &"-p", &tls, &"-t", &"t", &"-m", &"x", &"--cafile", &ca, &"--cert", &garbage.as_path(), &"--key", &key], 2, "--cert"),
        row("--key not PEM", &[&"pub", &"-h", &h, &"-p", &tls, &"-t", &"t", &"-m", &"x", &"--cafile", &ca, &"--cert", &cert, &"--key", &garbage.as_path()], 2, "no PEM private key"),
        row("--key missing", &[&"pub", &"-h", &h, &"-p", &tls, &"-t", &"t", &"-m", &"x", &"--cafile", &ca, &"--cert", &cert, &"--key", &missing.as_path()], 2, "--key"),
        row("--cert and --key swapped", &[&"pub", &"-h", &h, &"-p", &tls, &"-t", &"t", &"-m", &"x", &"--cafile", &ca, &"--cert", &key, &"--key", &cert], 2, "--cert"),
        row("--capath not a directory", &[&"sub", &"-h", &h, &"-p", &tls, &"-t", &"t", &"--capath", &missing.as_path()], 2, "--capath"),
        // --- values ---
        row("-q 3", &[&"pub", &"-t", &"t", &"-m", &"x", &"-q", &"3"], 2, "QoS must be 0, 1 or 2"),
        row("-q -1", &[&"sub", &"-t", &"t", &"-q", &"-1"], 2, "-1"),
        row("-C -5", &[&"sub", &"-t", &"t", &"-C", &"-5"], 2, "-5"),
        row("-C 0", &[&"sub", &"-t", &"t", &"-C", &"0"], 2, "0 is not in"),
        row("--repeat 0 with -l", &[&"pub", &"-t", &"t", &"-l", &"--repeat", &"0"], 2, "--repeat"),
        row("bad template", &[&"pub", &"-h", &h, &"-p", &nothing, &"-t", &"t", &"--template", &"-m", &"{{int 5}}"], 2, "bad template in -m at character 1"),
        row("--seed without --template", &[&"pub", &"-t", &"t", &"-m", &"x", &"--seed", &"1"], 2, "--template"),
        row("--check-json not JSON", &[&"pub", &"-h", &h, &"-p", &nothing, &"-t", &"t", &"-m", &"{", &"--check-json"], 2, "not JSON"),
        row("-W not a duration", &[&"sub", &"-t", &"t", &"-W", &"soon"], 2, "not a duration"),
        row("duration with unknown unit", &[&"pub", &"-t", &"t", &"-m", &"x", &"--connect-timeout", &"5parsecs"], 2, "unknown unit"),
        row("-k too large", &[&"pub", &"-t", &"t", &"-m", &"x", &"-k", &"70000"], 2, "70000"),
        row("-V 7", &[&"sub", &"-t", &"t", &"-V", &"7"], 2, "unknown protocol version"),
        row("-M 0", &[&"pub", &"-t", &"t", &"-m", &"x", &"-M", &"0"], 2, "0 is not in"),
        row("-F %Z", &[&"sub", &"-t", &"t", &"-F", &"%Z"], 2, "%Z"),
        row("-F with --json", &[&"sub", &"-t", &"t", &"-F", &"%p", &"--json"], 2, "cannot be used with"),
        row("-D unknown property", &[&"pub", &"-V", &"5", &"-t", &"t", &"-m", &"x", &"-D", &"publish", &"no-such-property", &"1"], 2, "no-such-property"),
        row("-D unknown command", &[&"pub", &"-V", &"5", &"-t", &"t", &"-m", &"x", &"-D", &"teleport", &"user-property", &"k", &"v"], 2, "teleport"),
        row("-D bad number", &[&"pub", &"-V", &"5", &"-t", &"t", &"-m", &"x", &"-D", &"publish", &"message-expiry-interval", &"soon"], 2, "soon"),
        row("-D with a bad property", &[&"pub", &"-V", &"5", &"-t", &"t", &"-m", &"x", &"-D", &"connect", &"no-such-property", &"5"], 2, "no-such-property"),
        row("-W 0", &[&"sub", &"-t", &"t", &"-W", &"0"], 2, "give more than 0 seconds"),
        row("-V 50", &[&"sub", &"-t", &"t", &"-V", &"50"], 2, "unknown protocol version '50'"),
        row("--random-filter 0", &[&"sub", &"-t", &"t", &"--random-filter", &"0"], 2, "from 0.1 to 100"),
        row("--psk", &[&"pub", &"-t", &"t", &"-m", &"x", &"--psk", &"00ff"], 2, "--psk is not supported by this build"),
        row("--tls-engine", &[&"pub", &"-t", &"t", &"-m", &"x", &"--tls-engine", &"pkcs11"], 2, "--tls-engine is not supported by this build"),
        row("--keyform engine", &[&"pub", &"-t", &"t", &"-m", &"x", &"--keyform", &"engine"], 2, "--keyform is not supported by this build"),
        row("--tls-version tlsv1.1", &[&"pub", &"-t", &"t", &"-m", &"x", &"--cafile", &"ca.pem", &"--tls-version", &"tlsv1.1"], 2, "TLS 1.1 and older are not supported"),
        row("--ciphers unknown", &[&"pub", &"-L", &"mqtts://127.0.0.1/t", &"-m", &"x", &"--ciphers", &"RC4-MD5"], 2, "unknown or unsupported TLS 1.2 cipher suite 'RC4-MD5'"),
        row("--proxy not SOCKS5", &[&"pub", &"-t", &"t", &"-m", &"x", &"--proxy", &"http://127.0.0.1:3128"], 2, "only SOCKS5"),
        row("ws URL without -t", &[&"sub", &"-L", &"ws://127.0.0.1:1/mqtt"], 2, "a ws:// or wss:// URL's path is the WebSocket path"),
        // --- combinations ---
        row("no payload option", &[&"pub", &"-t", &"t"], 2, "required"),
        row("two payload options", &[&"pub", &"-t", &"t", &"-m", &"x", &"-n"], 2, "cannot be used with"),
        row("-c without -i", &[&"sub", &"-t", &"t", &"-c"], 2, "needs a fixed client id"),
        row("password without user", &[&"pub", &"-t", &"t", &"-m", &"x", &"-P", &"pw"], 2, "needs a user name"),
        row("--insecure without TLS", &[&"pub", &"-t", &"t", &"-m", &"x", &"--insecure"], 2, "--insecure"),
        row("--no-local with 3.1.1", &[&"sub", &"-t", &"t", &"--no-local"], 2, "need MQTT 5"),
        row("MQTT 3.1 long client id", &[&"pub", &"-V", &"31", &"-i", &"abcdefghijklmnopqrstuvwxyz", &"-t", &"t", &"-m", &"x"], 2, "1 to 23 characters"),
        row("-l with --repeat", &[&"pub", &"-t", &"t", &"-l", &"--repeat", &"2"], 2, "--repeat"),
        row("unknown flag", &[&"sub", &"-t", &"t", &"--frobnicate"], 2, "--frobnicate"),
        row("unknown subcommand", &[&"publish-everything"], 2, "publish-everything"),
        // --- the network: unreachable (exit 3) ---
        row("nothing listening", &[&"pub", &"-h", &h, &"-p", &nothing, &"-t", &"t", &"-m", &"x"], 3, "Connection refused"),
        row("closes right after accept", &[&"pub", &"-h", &h, &"-p", &close, &"-t", &"t", &"-m", &"x"], 3, "without answering CONNECT|failed before CONNACK"),
        row("HTTP server", &[&"sub", &"-h", &h, &"-p", &http, &"-t", &"t"], 3, "not an MQTT broker (it answered CONNECT with an HTTP response)"),
        row("garbage server", &[&"pub", &"-h", &h, &"-p", &garbage_srv, &"-t", &"t", &"-m", &"x"], 3, "not an MQTT broker"),
        row("silent server", &[&"sub", &"-h", &h, &"-p", &silent, &"-t", &"t", &"--connect-timeout", &"1s"], 3, "timed out"),
        row("short CONNACK", &[&"pub", &"-h", &h, &"-p", &short_connack, &"-t", &"t", &"-m", &"x"], 3, "malformed CONNACK"),
        row("garbage after CONNACK", &[&"pub", &"-h", &h, &"-p", &connack_garbage, &"-t", &"t", &"-m", &"x", &"-q", &"1", &"--reconnect-attempts", &"0"], 3, "malformed packet"),
        row("TLS to a plain listener", &[&"pub", &"-h", &h, &"-p", &plain, &"-t", &"t", &"-m", &"x", &"--cafile", &ca], 3, "TLS handshake"),
        row("CA that does not match", &[&"pub", &"-h", &h, &"-p", &tls, &"-t", &"t", &"-m", &"x", &"--cafile", &other_ca], 3, "unknown CA"),
        row("unknown host", &[&"pub", &"-h", &"no-such-host.invalid", &"-t", &"t", &"-m", &"x", &"--connect-timeout", &"2s"], 3, "no-such-host.invalid"),
        // --- refused by the broker: the CONNACK code ---
        row("wrong password 3.1.1", &[&"pub", &"-h", &h, &"-p", &auth, &"-u", &"alice", &"-P", &"wrong", &"-t", &"t", &"-m", &"x"], 5, "not authorised"),
        row("wrong password 5", &[&"sub", &"-h", &h, &"-p", &auth, &"-u", &"alice", &"-P", &"wrong", &"-t", &"t", &"-V", &"5"], 135, "not authorised (135)"),
        row("anonymous on auth listener", &[&"sub", &"-h", &h, &"-p", &auth, &"-t", &"t"], 5, "not authorised"),
        row("unknown user 5", &[&"pub", &"-h", &h, &"-p", &auth, &"-u", &"mallory", &"-P", &"x", &"-t", &"t", &"-m", &"x", &"-V", &"5"], 135, "not authorised (135)"),
        // --- bench ---
        rows_of("bench --publishers 0", &bench(&["--publishers", "0"]), 2, "--publishers must be at least 1"),
        rows_of("bench --subscribers -1", &bench(&["--subscribers", "-1"]), 2, "-1"),
        rows_of("bench -n 0", &bench(&["-n", "0"]), 2, "--messages must be at least 1"),
        rows_of("bench bad duration", &bench(&["--duration", "soon"]), 2, "not a duration"),
        rows_of("bench bad size", &bench(&["-s", "big"]), 2, "--size"),
        rows_of("bench size over MQTT limit", &bench(&["-s", "99999999999"]), 2, "larger than an MQTT packet"),
        rows_of("bench -q 3", &bench(&["-q", "3"]), 2, "QoS must be 0, 1 or 2"),
        rows_of("bench wildcard topic", &bench(&["-t", "a/#"]), 2, "without wildcards"),
        rows_of("bench malformed filter", &bench(&["--filter", "a/#/b"]), 2, "# must be a whole level"),
        rows_of("bench malformed sub filter", &bench(&["sub", "-t", "a+/b"]), 2, "+ must be a whole level"),
        rows_of("bench --assert syntax", &bench(&["--assert", "nonsense"]), 2, "expected METRIC OP VALUE"),
        rows_of("bench --assert value", &bench(&["--assert", "p99 < abc"]), 2, "'abc' is not a number"),
        rows_of("bench unknown mode", &bench(&["fly"]), 2, "'fly'"),
        rows_of("bench --json --csv", &bench(&["--json", "--csv"]), 2, "cannot be used with"),
        rows_of("bench conn --connections 0", &bench(&["conn", "--connections", "0"]), 2, "--connections must be at least 1"),
        rows_of("bench bad source address", &bench(&["--source-addr", "bogus"]), 2, "invalid IP address"),
        rows_of("bench -p 70000", &["bench".into(), "-p".into(), "70000".into()], 2, "port 70000 is out of range"),
        rows_of("bench unreachable", &bench(&["-n", "10"]), 3, "Connection refused"),
        rows_of("bench wrong password", &["bench".into(), "-h".into(), h.into(), "-p".into(), auth.clone(), "-u".into(), "alice".into(), "-P".into(), "wrong".into(), "-n".into(), "10".into()], 5, "not authorised"),
        // --- broker (exits before it listens, except the busy-port row) ---
        row("broker -p 70000", &[&"broker", &"-p", &"70000"], 2, "70000"),
        row("broker TLS port without cert", &[&"broker", &"--listen", &h, &"-p", &nothing, &"--tls-port", &nothing], 2, "--tls-cert"),
        row("broker missing cert", &[&"broker", &"--listen", &h, &"-p", &nothing, &"--tls-port", &nothing, &"--tls-cert", &missing.as_path(), &"--tls-key", &key], 2, "No such file"),
        row("broker cert not PEM", &[&"broker", &"--listen", &h, &"-p", &nothing, &"--tls-port", &nothing, &"--tls-cert", &garbage.as_path(), &"--tls-key", &key], 2, "no PEM certificate"),
        row("broker missing password file", &[&"broker", &"--listen", &h, &"-p", &nothing, &"--passwords", &missing.as_path()], 2, "cannot read password file"),
        row("broker password file is a directory", &[&"broker", &"--listen", &h, &"-p", &nothing, &"--passwords", &folder], 2, "Is a directory"),
        row("broker bad listen address", &[&"broker", &"--listen", &"nowhere", &"-p", &nothing], 2, "invalid IP address"),
        row("broker bad sys interval", &[&"broker", &"--listen", &h, &"-p", &nothing, &"--sys-interval", &"often"], 2, "not a duration"),
        row("broker port in use", &[&"broker", &"--listen", &h, &"-p", &busy_port], 1, "Address already in use"),
    ];
    // Files that exist but cannot be read. /proc/self/mem fails to read (EIO at offset 0) even
    // for root; a mode-000 file only when the tests do not run as root.
    let unreadable = Path::new("/proc/self/mem");
    rows.push(row(
        "-f unreadable",
        &[&"pub", &"-t", &"t", &"-f", &unreadable],
        2,
        "-f /proc/self/mem",
    ));
    rows.push(row(
        "--pw-file unreadable",
        &[
            &"pub",
            &"-t",
            &"t",
            &"-m",
            &"x",
            &"-u",
            &"u",
            &"--pw-file",
            &unreadable,
        ],
        2,
        "cannot read password file",
    ));
    rows.push(row(
        "--cafile unreadable",
        &[
            &"pub",
            &"-h",
            &h,
            &"-p",
            &tls,
            &"-t",
            &"t",
            &"-m",
            &"x",
            &"--cafile",
            &unreadable,
        ],
        2,
        "--cafile /proc/self/mem",
    ));
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        use std::os::unix::fs::PermissionsExt;
        let locked = dir.join("locked.key");
        std::fs::write(&locked, "secret").expect("write");
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).expect("chmod");
        rows.push(row(
            "--key mode 000",
            &[
                &"pub",
                &"-h",
                &h,
                &"-p",
                &tls,
                &"-t",
                &"t",
                &"-m",
                &"x",
                &"--cafile",
                &ca,
                &"--cert",
                &cert,
                &"--key",
                &locked.as_path(),
            ],
            2,
            "Permission denied",
        ));
    }
    assert!(rows.len() >= 40, "the table shrank to {} rows", rows.len());

    let failures: Vec<String> = rows.iter().filter_map(check).collect();
    assert!(
        failures.is_empty(),
        "{} of {} bad invocations misbehaved:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
}
