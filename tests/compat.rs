//! The compatibility table: the same argument lists run through `mqtk pub`/`mqtk sub` and
//! `mosquitto_pub`/`mosquitto_sub` (2.0), each on a fresh harness broker, comparing the bytes on
//! stdout (for `pub`: what a `mosquitto_sub -v` observer received) and the exit code.
//!
//! Every row either matches exactly or states the intended difference and its reason. README's
//! "Differences from mosquitto" table is generated from these rows: `differences_table_in_readme`
//! fails when it drifts and rewrites it when run with `MQTK_UPDATE_README=1`.

mod common;

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use common::{
    Broker, WAIT, mosquitto_pub, mosquitto_sub, mqtk_std, poll_until, run, spawn_subscriber, text,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tool {
    Pub,
    Sub,
}

/// What the two programs are expected to do with a row's arguments.
#[derive(Clone, Copy, Debug)]
enum Expect {
    /// The same stdout bytes and the same exit code.
    Same,
    /// The same stdout bytes; the exit codes differ, for the reason given.
    Codes {
        mqtk: i32,
        /// Any of these (mosquitto's code for one failure can vary from run to run).
        mosquitto: &'static [i32],
        why: &'static str,
    },
    /// A deliberate difference: each side's stdout and exit code, and the reason.
    Differs {
        mqtk: (&'static str, i32),
        mosquitto: (&'static str, i32),
        why: &'static str,
    },
}

/// One row of the table.
struct Row {
    /// The issue item (or feature) the row covers.
    item: &'static str,
    tool: Tool,
    /// Arguments after the broker's `-h 127.0.0.1 -p PORT`; `{port}`, `{tls_port}`, `{ca}`,
    /// `{other_ca}` and `{proxy}` are filled in.
    args: &'static [&'static str],
    /// For `sub`: the filter to wait for before publishing (None: the run ends before
    /// subscribing, or subscribes to nothing).
    wait_for: Option<&'static str>,
    /// Published with `mosquitto_pub -q 1` (an empty payload with `-n`) once subscribed.
    messages: &'static [(&'static str, &'static str)],
    /// Set in the environment of both programs (mosquitto's clients ignore mqtk's variables).
    env: &'static [(&'static str, &'static str)],
    /// The broker gets a TLS listener.
    tls: bool,
    /// A SOCKS5 proxy runs on loopback for the row.
    proxy: bool,
    /// `%j`'s `tst` (time of receipt) is blanked before comparing.
    blank_time: bool,
    /// For `sub`: sent once every message is printed (the usual way to stop a subscriber).
    signal: Option<i32>,
    expect: Expect,
}

const fn row(item: &'static str, tool: Tool, args: &'static [&'static str]) -> Row {
    Row {
        item,
        tool,
        args,
        wait_for: None,
        messages: &[],
        env: &[],
        tls: false,
        proxy: false,
        blank_time: false,
        signal: None,
        expect: Expect::Same,
    }
}

impl Row {
    const fn sub(
        mut self,
        filter: &'static str,
        messages: &'static [(&'static str, &'static str)],
    ) -> Row {
        self.wait_for = Some(filter);
        self.messages = messages;
        self
    }
    const fn env(mut self, env: &'static [(&'static str, &'static str)]) -> Row {
        self.env = env;
        self
    }
    const fn tls(mut self) -> Row {
        self.tls = true;
        self
    }
    const fn proxy(mut self) -> Row {
        self.proxy = true;
        self
    }
    const fn blank_time(mut self) -> Row {
        self.blank_time = true;
        self
    }
    const fn signal(mut self, signal: i32) -> Row {
        self.signal = Some(signal);
        self
    }
    const fn expect(mut self, expect: Expect) -> Row {
        self.expect = expect;
        self
    }
}

use Tool::{Pub, Sub};

const USAGE_CODE: &str = "mqtk exits 2 for every usage error found before connecting (mosquitto: 1), \
                          so scripts can tell a typo from a failure";

const ROWS: &[Row] = &[
    // 1. Options given twice: the last one wins.
    row(
        "1",
        Pub,
        &["-p", "1", "-p", "{port}", "-q", "1", "-t", "t", "-m", "x"],
    ),
    row(
        "1",
        Pub,
        &[
            "-h",
            "nowhere.invalid",
            "-h",
            "127.0.0.1",
            "-q",
            "1",
            "-t",
            "t",
            "-m",
            "x",
        ],
    ),
    row(
        "1",
        Pub,
        &["-q", "0", "-q", "1", "-t", "a", "-t", "b", "-m", "x"],
    ),
    row(
        "1",
        Pub,
        &[
            "-q", "1", "-i", "one", "-i", "two", "-r", "-r", "-t", "t", "-m", "x",
        ],
    ),
    row(
        "1",
        Pub,
        &["-q", "1", "-V", "5", "-V", "311", "-t", "t", "-m", "x"],
    ),
    row(
        "1",
        Pub,
        &[
            "-q",
            "1",
            "-t",
            "t",
            "--will-topic",
            "w",
            "--will-payload",
            "a",
            "--will-payload",
            "b",
            "-m",
            "x",
        ],
    ),
    row("1", Pub, &["-q", "1", "-t", "t", "-m", "x", "-m", "y"]).expect(Expect::Differs {
        mqtk: ("t y\n", 0),
        mosquitto: ("", 1),
        why: "a repeated -m is last-wins like every other single-value option; mosquitto refuses \
              it (\"Only one type of message\")",
    }),
    row("1", Sub, &["-t", "t", "-C", "5", "-C", "1", "-v", "-v"]).sub("t", &[("t", "one")]),
    row("1", Sub, &["-t", "t", "-C", "1", "-F", "%p", "-F", "%t=%p"]).sub("t", &[("t", "one")]),
    row(
        "1",
        Sub,
        &[
            "-t", "t", "-C", "1", "-W", "1", "-W", "20", "-q", "2", "-q", "1",
        ],
    )
    .sub("t", &[("t", "late enough")]),
    // 3. Empty payloads.
    row("3", Sub, &["-t", "e", "-C", "2"]).sub("e", &[("e", ""), ("e", "x")]),
    row("3", Sub, &["-t", "e", "-C", "2", "-v"]).sub("e", &[("e", ""), ("e", "x")]),
    row("3", Sub, &["-t", "e", "-C", "2", "-v", "-N"]).sub("e", &[("e", ""), ("e", "x")]),
    row("3", Sub, &["-t", "e", "-C", "1", "-F", "%t|%p|%l|%x|"]).sub("e", &[("e", "")]),
    row("3", Sub, &["-t", "e", "-C", "1", "-F", "%j"])
        .sub("e", &[("e", "")])
        .blank_time(),
    row("3", Sub, &["-t", "e", "-C", "1", "-F", "%J"])
        .sub("e", &[("e", "")])
        .blank_time(),
    // 4. Combinations mosquitto accepts.
    row("4", Sub, &["-t", "t", "-C", "1", "-v", "-F", "%t"]).sub("t", &[("t", "x")]),
    row("4", Sub, &["-t", "t", "-C", "1", "-F", "%J", "--pretty"])
        .sub("t", &[("t", r#"{"a":[1,2],"b":{"c":"d"},"e":{}}"#)])
        .blank_time(),
    row("4", Sub, &["-t", "t", "-C", "1", "-F", "%j", "--pretty"])
        .sub("t", &[("t", "text")])
        .blank_time(),
    row("4", Sub, &["-t", "t", "-C", "1", "--pretty"]).sub("t", &[("t", "text")]),
    // 5 and 6 (the client engine): DISCONNECT properties, and a signal ends a subscriber
    // quietly with exit 0.
    row(
        "5",
        Pub,
        &[
            "-V",
            "5",
            "-D",
            "disconnect",
            "session-expiry-interval",
            "0",
            "-D",
            "disconnect",
            "reason-string",
            "bye",
            "-q",
            "1",
            "-t",
            "t",
            "-m",
            "x",
        ],
    ),
    row("6", Sub, &["-t", "t", "-v"])
        .sub("t", &[("t", "x"), ("t", "y")])
        .signal(libc::SIGTERM),
    row("6", Sub, &["-t", "t", "-v"])
        .sub("t", &[("t", "x")])
        .signal(libc::SIGINT),
    // 7. An exported password without a user name.
    row("7", Pub, &["-q", "1", "-t", "t", "-m", "x"]).env(&[("MQTK_PASSWORD", "secret")]),
    row("7", Sub, &["-t", "t", "-C", "1"])
        .sub("t", &[("t", "x")])
        .env(&[("MQTK_PASSWORD", "secret")]),
    // 8. TLS (see tests/secrets.rs for --insecure with a certificate for another name).
    row(
        "8",
        Pub,
        &[
            "-p",
            "{tls_port}",
            "--cafile",
            "{ca}",
            "-q",
            "1",
            "-t",
            "t",
            "-m",
            "x",
        ],
    )
    .tls(),
    row(
        "8",
        Pub,
        &[
            "-p",
            "{tls_port}",
            "--cafile",
            "{other_ca}",
            "--insecure",
            "-q",
            "1",
            "-t",
            "t",
            "-m",
            "x",
        ],
    )
    .tls()
    .expect(Expect::Codes {
        mqtk: 3,
        mosquitto: &[1, 8],
        why: "a failed TLS handshake is exit 3 (broker unreachable), as every unreachable \
                  broker; mosquitto exits 1 or 8 from run to run. --insecure skips only the \
                  host-name check in both, so an untrusted CA fails",
    }),
    // 9. -L with -t, -h and -p: read in order, the later one wins (sub: both topics).
    row(
        "9",
        Sub,
        &[
            "-L",
            "mqtt://127.0.0.1:{port}/a/b",
            "-t",
            "c",
            "-v",
            "-C",
            "2",
        ],
    )
    .sub("c", &[("a/b", "1"), ("c", "2")]),
    row(
        "9",
        Sub,
        &[
            "-L",
            "mqtt://127.0.0.1:1/a/b",
            "-p",
            "{port}",
            "-v",
            "-C",
            "1",
        ],
    )
    .sub("a/b", &[("a/b", "1")]),
    row(
        "9",
        Sub,
        &[
            "-p",
            "1",
            "-L",
            "mqtt://127.0.0.1:{port}/a/b",
            "-v",
            "-C",
            "1",
        ],
    )
    .sub("a/b", &[("a/b", "1")]),
    row(
        "9",
        Pub,
        &[
            "-L",
            "mqtt://127.0.0.1:{port}/a/b",
            "-t",
            "c",
            "-q",
            "1",
            "-m",
            "x",
        ],
    ),
    row(
        "9",
        Pub,
        &[
            "-t",
            "c",
            "-L",
            "mqtt://127.0.0.1:{port}/a/b",
            "-q",
            "1",
            "-m",
            "x",
        ],
    ),
    // 10. MQTT 5 options under MQTT 3.1.1: ignored (mqtk also warns on stderr).
    row("10", Pub, &["-x", "60", "-q", "1", "-t", "t", "-m", "x"]),
    row(
        "10",
        Pub,
        &[
            "-D",
            "publish",
            "user-property",
            "k",
            "v",
            "-q",
            "1",
            "-t",
            "t",
            "-m",
            "x",
        ],
    ),
    row(
        "10",
        Sub,
        &[
            "-x",
            "60",
            "-D",
            "subscribe",
            "user-property",
            "k",
            "v",
            "-t",
            "t",
            "-C",
            "1",
        ],
    )
    .sub("t", &[("t", "x")]),
    // 11. Options scripts use.
    row("11", Sub, &["-t", "t", "-C", "2", "--random-filter", "100"])
        .sub("t", &[("t", "1"), ("t", "2")])
        .expect(Expect::Differs {
            mqtk: ("1\n2\n", 0),
            mosquitto: ("", 0),
            why: "mosquitto_sub 2.0.11's --random-filter prints no message at all, even at 100 (a \
                  bug); mqtk prints the given percentage of them",
        }),
    row("11", Sub, &["-t", "t", "--random-filter", "0"]).expect(Expect::Codes {
        mqtk: 2,
        mosquitto: &[1],
        why: USAGE_CODE,
    }),
    row(
        "11",
        Pub,
        &[
            "--proxy",
            "socks5h://{proxy}",
            "-q",
            "1",
            "-t",
            "t",
            "-m",
            "via proxy",
        ],
    )
    .proxy(),
    row(
        "11",
        Pub,
        &[
            "-h",
            "localhost",
            "--proxy",
            "socks5h://{proxy}",
            "-q",
            "1",
            "-t",
            "t",
            "-m",
            "by name",
        ],
    )
    .proxy(),
    row(
        "11",
        Pub,
        &[
            "-p",
            "{tls_port}",
            "--cafile",
            "{ca}",
            "--tls-version",
            "tlsv1.2",
            "--ciphers",
            "ECDHE-ECDSA-AES128-GCM-SHA256",
            "-q",
            "1",
            "-t",
            "t",
            "-m",
            "x",
        ],
    )
    .tls(),
    row(
        "11",
        Pub,
        &[
            "-p",
            "{tls_port}",
            "--cafile",
            "{ca}",
            "--tls-version",
            "tlsv1.1",
            "-q",
            "1",
            "-t",
            "t",
            "-m",
            "x",
        ],
    )
    .tls()
    .expect(Expect::Differs {
        mqtk: ("", 2),
        mosquitto: ("t x\n", 0),
        why: "rustls has no TLS 1.1 or older: refused with a one-line reason before connecting \
                  (exit 2); brokers worth connecting to speak TLS 1.2",
    }),
    row(
        "11",
        Pub,
        &[
            "-p",
            "{tls_port}",
            "--psk",
            "00ff",
            "--psk-identity",
            "me",
            "-q",
            "1",
            "-t",
            "t",
            "-m",
            "x",
        ],
    )
    .tls()
    .expect(Expect::Differs {
        mqtk: ("", 2),
        mosquitto: ("t x\n", 0),
        why: "TLS-PSK (--psk, --psk-identity), --tls-engine and --keyform are not supported by \
                  this build (rustls): refused with a one-line reason before connecting (exit 2)",
    }),
    // 13. Small things.
    row("13", Sub, &["-t", "t", "-W", "0"]).expect(Expect::Codes {
        mqtk: 2,
        mosquitto: &[1],
        why: USAGE_CODE,
    }),
    row("13", Pub, &["-V", "50", "-t", "t", "-m", "x"]).expect(Expect::Codes {
        mqtk: 2,
        mosquitto: &[1],
        why: USAGE_CODE,
    }),
    row("13", Sub, &["-U", "a"]).expect(Expect::Differs {
        mqtk: ("", 0),
        mosquitto: ("", 1),
        why: "-U without -t unsubscribes and exits 0 (clearing a persistent session's \
              subscription needs no new one); mosquitto_sub requires a -t",
    }),
    row("13", Sub, &["-L", "ws://127.0.0.1:{port}/mqtt"]).expect(Expect::Codes {
        mqtk: 2,
        mosquitto: &[1],
        why: "a ws:// URL's path is the WebSocket path, so the topic must come from -t (usage \
              error 2); mosquitto does not take ws:// URLs at all",
    }),
    row("13", Pub, &["-q", "3", "-t", "t", "-m", "x"]).expect(Expect::Codes {
        mqtk: 2,
        mosquitto: &[1],
        why: USAGE_CODE,
    }),
];

/// A SOCKS5 proxy (RFC 1928; no authentication, or RFC 1929 user name and password) on loopback
/// that connects only to loopback (`localhost` included), counting the connections it carried.
struct Socks5 {
    port: u16,
    carried: Arc<AtomicUsize>,
}

impl Socks5 {
    fn start() -> Socks5 {
        Socks5::start_with(None)
    }

    fn start_with(login: Option<(&'static str, &'static str)>) -> Socks5 {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind proxy");
        let port = listener.local_addr().expect("addr").port();
        let carried = Arc::new(AtomicUsize::new(0));
        let count = carried.clone();
        thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let count = count.clone();
                thread::spawn(move || {
                    let _ = socks5_session(client, login, &count);
                });
            }
        });
        Socks5 { port, carried }
    }

    fn carried(&self) -> usize {
        self.carried.load(Ordering::SeqCst)
    }
}

fn socks5_session(
    mut client: TcpStream,
    login: Option<(&str, &str)>,
    carried: &AtomicUsize,
) -> std::io::Result<()> {
    let fail = |what: &str| std::io::Error::other(what.to_string());
    let mut head = [0u8; 2];
    client.read_exact(&mut head)?;
    let mut methods = vec![0u8; usize::from(head[1])];
    client.read_exact(&mut methods)?;
    let method = if login.is_some() { 2 } else { 0 };
    if head[0] != 5 || !methods.contains(&method) {
        client.write_all(&[5, 0xff])?;
        return Err(fail("no acceptable method"));
    }
    client.write_all(&[5, method])?;
    if let Some((user, pass)) = login {
        let field = |client: &mut TcpStream| -> std::io::Result<Vec<u8>> {
            let mut len = [0u8; 1];
            client.read_exact(&mut len)?;
            let mut v = vec![0u8; usize::from(len[0])];
            client.read_exact(&mut v)?;
            Ok(v)
        };
        let mut version = [0u8; 1];
        client.read_exact(&mut version)?;
        let (u, p) = (field(&mut client)?, field(&mut client)?);
        let ok = u == user.as_bytes() && p == pass.as_bytes();
        client.write_all(&[1, if ok { 0 } else { 1 }])?;
        if !ok {
            return Err(fail("bad login"));
        }
    }
    let mut req = [0u8; 4];
    client.read_exact(&mut req)?;
    let host = match req[3] {
        1 => {
            let mut a = [0u8; 4];
            client.read_exact(&mut a)?;
            std::net::Ipv4Addr::from(a).to_string()
        }
        3 => {
            let mut len = [0u8; 1];
            client.read_exact(&mut len)?;
            let mut name = vec![0u8; usize::from(len[0])];
            client.read_exact(&mut name)?;
            String::from_utf8_lossy(&name).into_owned()
        }
        _ => return Err(fail("address type")),
    };
    let mut port = [0u8; 2];
    client.read_exact(&mut port)?;
    let port = u16::from_be_bytes(port);
    // Loopback only, whatever a client asks for.
    if req[1] != 1 || !(host == "localhost" || host.starts_with("127.")) {
        client.write_all(&[5, 2, 0, 1, 0, 0, 0, 0, 0, 0])?;
        return Err(fail("not allowed"));
    }
    let upstream = TcpStream::connect(("127.0.0.1", port))?;
    client.write_all(&[5, 0, 0, 1, 127, 0, 0, 1, 0, 0])?;
    // Counted once connected (before the client can finish), so a check after it exits holds.
    carried.fetch_add(1, Ordering::SeqCst);
    let (mut c2, mut u2) = (client.try_clone()?, upstream.try_clone()?);
    let up = thread::spawn(move || {
        let _ = std::io::copy(&mut c2, &mut u2);
        let _ = u2.shutdown(Shutdown::Write);
    });
    let (mut u, mut c) = (upstream, client);
    let _ = std::io::copy(&mut u, &mut c);
    let _ = c.shutdown(Shutdown::Write);
    let _ = up.join();
    Ok(())
}

/// What one program did with a row: stdout (or, for `pub`, what the observer saw) and exit code.
#[derive(Debug, PartialEq, Eq)]
struct Outcome {
    stdout: String,
    code: i32,
}

const SENTINEL_TOPIC: &str = "zz-compat/end";

fn fill(arg: &str, broker: &Broker, proxy: Option<&Socks5>) -> String {
    let mut a = arg.replace("{port}", &broker.port().to_string());
    if a.contains("{tls_port}") {
        a = a.replace("{tls_port}", &broker.tls_port().to_string());
    }
    a = a
        .replace("{ca}", &broker.ca_file().to_string_lossy())
        .replace("{other_ca}", &broker.other_ca_file().to_string_lossy());
    if let Some(p) = proxy {
        a = a.replace("{proxy}", &format!("127.0.0.1:{}", p.port));
    }
    a
}

fn blank_time(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("\"tst\":") {
        let (before, after) = rest.split_at(i + 6);
        out.push_str(before);
        let after = after.trim_start_matches(['\t', ' ']);
        // "tst":"...": skip the quoted time.
        let end = after[1..].find('"').map_or(after.len(), |e| e + 2);
        out.push_str("\"TIME\"");
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// Runs one row through one program on a fresh broker.
fn run_row(r: &Row, mosquitto: bool, n: usize) -> Outcome {
    let broker = Broker::builder().tls(r.tls).start();
    let proxy = r.proxy.then(Socks5::start);
    let carried_before = proxy.as_ref().map_or(0, Socks5::carried);
    let args: Vec<String> = r
        .args
        .iter()
        .map(|a| fill(a, &broker, proxy.as_ref()))
        .collect();
    let mut cmd: Command = match (mosquitto, r.tool) {
        (true, Pub) => mosquitto_pub(&broker),
        (true, Sub) => mosquitto_sub(&broker),
        (false, tool) => {
            let mut c = mqtk_std();
            c.arg(if tool == Pub { "pub" } else { "sub" })
                .args(broker.args());
            c
        }
    };
    cmd.args(&args);
    for (k, v) in r.env {
        cmd.env(k, v);
    }
    let who = if mosquitto { "mosquitto" } else { "mqtk" };
    let out: Output = match r.tool {
        Pub => {
            let observer_id = format!("observer-{n}-{who}");
            let mut obs = mosquitto_sub(&broker);
            obs.args(["-i", &observer_id, "-t", "#", "-v"]);
            let observer = spawn_subscriber(&broker, &mut obs, &observer_id, "#");
            let out = run(&mut cmd);
            let sentinel =
                run(mosquitto_pub(&broker).args(["-q", "1", "-t", SENTINEL_TOPIC, "-m", "end"]));
            assert!(sentinel.status.success(), "sentinel publish failed");
            let line = format!("{SENTINEL_TOPIC} end\n");
            assert!(
                poll_until(WAIT, || text(&observer.stdout_so_far()).contains(&line)),
                "observer never saw the sentinel"
            );
            let seen = text(&observer.kill().stdout).replace(&line, "");
            Output {
                status: out.status,
                stdout: seen.into_bytes(),
                stderr: out.stderr,
            }
        }
        Sub => match r.wait_for {
            None => run(&mut cmd),
            Some(filter) => {
                let id = format!("compat-{n}-{who}");
                cmd.args(["-i", &id]);
                let sub = spawn_subscriber(&broker, &mut cmd, &id, filter);
                for (topic, payload) in r.messages {
                    let mut p = mosquitto_pub(&broker);
                    p.args(["-q", "1", "-t", topic]);
                    if payload.is_empty() {
                        p.arg("-n");
                    } else {
                        p.args(["-m", payload]);
                    }
                    assert!(run(&mut p).status.success(), "publishing for row {n}");
                }
                if let Some(signal) = r.signal {
                    assert!(
                        sub.wait_for_lines(r.messages.len(), WAIT),
                        "row {n} ({who}): messages not printed"
                    );
                    sub.signal(signal);
                }
                sub.wait(WAIT)
            }
        },
    };
    if let Some(p) = &proxy {
        assert!(
            p.carried() > carried_before || out.status.code() != Some(0),
            "row {n} ({who}): nothing went through the proxy"
        );
    }
    let stdout = text(&out.stdout);
    Outcome {
        stdout: if r.blank_time {
            blank_time(&stdout)
        } else {
            stdout
        },
        code: out.status.code().unwrap_or(-1),
    }
}

fn describe(r: &Row) -> String {
    let tool = match r.tool {
        Pub => "pub",
        Sub => "sub",
    };
    format!("[{}] {tool} {}", r.item, r.args.join(" "))
}

/// One test walks the whole table, so a failure report lists every row that is off.
#[test]
fn mqtk_and_mosquitto_clients_side_by_side() {
    let mut failures = Vec::new();
    for (n, r) in ROWS.iter().enumerate() {
        let mqtk = run_row(r, false, n);
        let mosq = run_row(r, true, n);
        let ok = match r.expect {
            Expect::Same => mqtk == mosq,
            Expect::Codes {
                mqtk: m,
                mosquitto: q,
                ..
            } => mqtk.stdout == mosq.stdout && mqtk.code == m && q.contains(&mosq.code),
            Expect::Differs {
                mqtk: (m_out, m_code),
                mosquitto: (q_out, q_code),
                ..
            } => {
                (mqtk.stdout.as_str(), mqtk.code) == (m_out, m_code)
                    && (mosq.stdout.as_str(), mosq.code) == (q_out, q_code)
            }
        };
        if !ok {
            failures.push(format!(
                "{}\n    expected {:?}\n    mqtk:      {mqtk:?}\n    mosquitto: {mosq:?}",
                describe(r),
                r.expect
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} rows differ:\n{}",
        failures.len(),
        ROWS.len(),
        failures.join("\n")
    );
}

const README_START: &str = "<!-- compat-table: generated from tests/compat.rs -->\n";
const README_END: &str = "<!-- end of compat-table -->\n";

fn md(s: &str) -> String {
    s.replace('|', "\\|")
}

fn printed((stdout, code): (&str, i32)) -> String {
    if stdout.is_empty() {
        format!("exit {code}, prints nothing")
    } else {
        format!("exit {code}, prints `{}`", stdout.escape_default())
    }
}

/// The README table of intended differences, one line per row that is not `Same`.
fn differences_markdown() -> String {
    let mut t =
        String::from("| item | command | mosquitto | mqtk | why |\n|---|---|---|---|---|\n");
    for r in ROWS {
        let (mosq, mqtk, why) = match r.expect {
            Expect::Same => continue,
            Expect::Codes {
                mqtk,
                mosquitto,
                why,
            } => {
                let codes: Vec<String> = mosquitto.iter().map(i32::to_string).collect();
                (
                    format!("exit {}", codes.join(" or ")),
                    format!("exit {mqtk}"),
                    why,
                )
            }
            Expect::Differs {
                mqtk,
                mosquitto,
                why,
            } => (printed(mosquitto), printed(mqtk), why),
        };
        let tool = match r.tool {
            Pub => "pub",
            Sub => "sub",
        };
        t.push_str(&format!(
            "| {} | `{tool} {}` | {} | {} | {} |\n",
            r.item,
            md(&r.args.join(" ")),
            md(&mosq),
            md(&mqtk),
            md(why)
        ));
    }
    t
}

#[test]
fn differences_table_in_readme() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let readme = std::fs::read_to_string(path).expect("README.md");
    let start = readme
        .find(README_START)
        .expect("README has no compat-table marker")
        + README_START.len();
    let end = start
        + readme[start..]
            .find(README_END)
            .expect("README has no end marker");
    let want = differences_markdown();
    if readme[start..end] != want {
        if std::env::var_os("MQTK_UPDATE_README").is_some() {
            let updated = format!("{}{want}{}", &readme[..start], &readme[end..]);
            std::fs::write(path, updated).expect("write README.md");
        } else {
            panic!(
                "README's differences table is out of date with tests/compat.rs: run \
                 `MQTK_UPDATE_README=1 cargo test --test compat differences_table_in_readme`"
            );
        }
    }
}

/// The proxy resolves names itself (`socks5h`): mqtk hands it the broker's name, and a proxy
/// that refuses the destination is an unreachable broker (exit 3), said in one line.
#[test]
fn a_proxy_refusal_is_unreachable() {
    let proxy = Socks5::start();
    let out = run(mqtk_std().args([
        "pub",
        "-h",
        "broker.invalid",
        "--proxy",
        &format!("socks5h://127.0.0.1:{}", proxy.port),
        "-t",
        "t",
        "-m",
        "x",
    ]));
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.starts_with("mqtk: error: the SOCKS5 proxy 127.0.0.1:")
            && stderr.contains("mqtt://broker.invalid:1883")
            && stderr.lines().count() == 1,
        "{stderr}"
    );
    assert_eq!(proxy.carried(), 0);
}

/// Newcomers: `mqtk -h` is help at the top level (where `-h` cannot be a host), `--version`
/// works after a subcommand, the usage line names `-t`, topic and message come first, and
/// `mqtk help pub` is the concise help.
#[test]
fn help_for_newcomers() {
    let out = run(mqtk_std().arg("-h"));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("Usage: mqtk <COMMAND>"));
    for sub in ["pub", "sub", "bench"] {
        let out = run(mqtk_std().args([sub, "--version"]));
        assert!(
            out.status.success(),
            "{sub} --version: {}",
            text(&out.stderr)
        );
        assert!(text(&out.stdout).contains(env!("CARGO_PKG_VERSION")));
    }
    for (sub, usage) in [
        (
            "pub",
            "Usage: mqtk pub -t TOPIC (-m MESSAGE | -f FILE | -s | -l | -n) [OPTIONS]",
        ),
        ("sub", "Usage: mqtk sub -t FILTER [-t FILTER]... [OPTIONS]"),
    ] {
        let long = text(&run(mqtk_std().args([sub, "--help"])).stdout);
        assert!(long.contains(usage), "{long}");
        let first_t = long
            .lines()
            .position(|l| l.trim_start().starts_with("-t, --topic"));
        assert!(
            first_t.is_some_and(|n| n < 15),
            "{sub}: -t at line {first_t:?}"
        );
        assert!(long.contains("--danger-accept-invalid-certs") && long.contains("Exit codes:"));
        let concise = run(mqtk_std().args(["help", sub]));
        assert!(concise.status.success());
        let concise = text(&concise.stdout);
        assert!(concise.contains(usage), "{concise}");
        assert!(concise.contains(&format!("`mqtk {sub} --help` lists every option")));
        assert!(!concise.contains("--danger-accept-invalid-certs"));
        assert!(
            concise.lines().count() * 2 < long.lines().count(),
            "help {sub}: {} lines, --help {}",
            concise.lines().count(),
            long.lines().count()
        );
    }
}

/// `-x` and `-D` under MQTT 3.1.1 are ignored, as mosquitto ignores them, with one warning each
/// (none with --quiet).
#[test]
fn mqtt5_options_under_3_1_1_warn_and_go_on() {
    let broker = Broker::start();
    let args = [
        "-x",
        "60",
        "-D",
        "publish",
        "user-property",
        "k",
        "v",
        "-t",
        "t",
        "-m",
        "x",
    ];
    let out = run(mqtk_std().arg("pub").args(broker.args()).args(args));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stderr),
        "mqtk: warning: -x (session expiry) is ignored: it needs MQTT 5 (add -V 5)\n\
         mqtk: warning: -D (MQTT 5 properties) is ignored: it needs MQTT 5 (add -V 5)\n"
    );
    let out = run(mqtk_std()
        .arg("pub")
        .args(broker.args())
        .args(args)
        .arg("--quiet"));
    assert!(out.status.success());
    assert_eq!(text(&out.stderr), "");
}

/// `-U` without `-t` (clearing a persistent session's subscription) exits once the broker
/// confirms, and the subscription is gone: nothing published to it afterwards is queued.
#[test]
fn unsubscribe_alone_clears_a_persistent_subscription_and_exits() {
    let broker = Broker::start();
    let sub = |extra: &[&str]| {
        let mut c = mqtk_std();
        c.arg("sub")
            .args(broker.args())
            .args(["-c", "-i", "keeper", "-q", "1"])
            .args(extra);
        run(&mut c)
    };
    let out = sub(&["-t", "kept", "-E"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = sub(&["-U", "kept"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "");
    let published = run(mosquitto_pub(&broker).args(["-q", "1", "-t", "kept", "-m", "lost"]));
    assert!(published.status.success());
    let out = sub(&["-t", "other", "-W", "1"]);
    assert_eq!(out.status.code(), Some(27), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "",
        "the unsubscribed topic was still queued"
    );
}

/// `--proxy socks5h://user:pass@host:port` logs in to the proxy (RFC 1929); a wrong password is
/// an unreachable broker (exit 3) and is never printed.
#[test]
fn proxy_with_a_login() {
    let broker = Broker::start();
    let proxy = Socks5::start_with(Some(("alice", "pr0xy-pw")));
    let publish = |login: &str| {
        run(mqtk_std().arg("pub").args(broker.args()).args([
            "--proxy",
            &format!("socks5h://{login}@127.0.0.1:{}", proxy.port),
            "-q",
            "1",
            "-t",
            "t",
            "-m",
            "x",
            "-d",
        ]))
    };
    let out = publish("alice:pr0xy-pw");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(proxy.carried(), 1);
    let out = publish("alice:wrong-pw");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("the SOCKS5 proxy 127.0.0.1:"), "{stderr}");
    assert!(!stderr.contains("wrong-pw"), "{stderr}");
}
