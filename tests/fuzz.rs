//! The fuzz properties of `fuzz/checks.rs` on stable Rust: mutated seed inputs and random
//! bytes for a bounded time per target. cargo-fuzz (nightly, coverage-guided) runs the same
//! checks from `fuzz/`; `scripts/fuzz` runs both for longer.
//!
//! `MQTK_FUZZ_SECS` sets the time per target (default 0.3 s, so `cargo test` stays fast) and
//! `MQTK_FUZZ_SEED` replays a run; a panic prints the seed and the failing input.

#[path = "../fuzz/checks.rs"]
mod checks;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

/// Bytes that matter to the parsers, for insertions.
const DICTIONARY: &[&[u8]] = &[
    b"/",
    b"+",
    b"#",
    b"$",
    b"$share/",
    b"$SYS/",
    b"\0",
    b"%",
    b"%%",
    b"%j",
    b"%J",
    b"%I",
    b"%p",
    b"%x",
    b"%X",
    b"%U",
    b"%t",
    b"%10.3p",
    b"%-5t",
    b"@",
    b"\\",
    b"\\n",
    b"\\0",
    b"\\e",
    b":",
    b"://",
    b"[",
    b"]",
    b"[::1]",
    b"mqtt://",
    b"mqtts://",
    b"ws://",
    b"wss://",
    b":0",
    b":65536",
    b":99999999999",
    b"user-property",
    b"publish",
    b"connect",
    b"will",
    b"subscribe",
    b"message-expiry-interval",
    b"receive-maximum",
    b"topic-alias",
    b"4294967296",
    b"-1",
    b"\xff",
    b"\xc3\xa9",
    b"\xe2\x82",
    b"\x7f",
    b"\x80",
    b"\xff\xff\xff\x7f",
    b"\x30",
    b"\x32",
    b"\x40",
    b"\x50",
    b"\x62",
    b"\x70",
    b"\x90",
    b"\xb0",
    b"\xd0",
    b"\xe0",
    b"\xf0",
    b"\x00\x01",
    b"\xff\xff",
];

fn mutate(rng: &mut StdRng, seeds: &[Vec<u8>]) -> Vec<u8> {
    let mut data = seeds[rng.random_range(0..seeds.len())].clone();
    for _ in 0..rng.random_range(1..=8) {
        match rng.random_range(0..7) {
            0 if !data.is_empty() => {
                let i = rng.random_range(0..data.len());
                data[i] ^= 1 << rng.random_range(0..8);
            }
            1 if !data.is_empty() => {
                let i = rng.random_range(0..data.len());
                data[i] = rng.random();
            }
            2 => {
                let word = DICTIONARY[rng.random_range(0..DICTIONARY.len())];
                let at = rng.random_range(0..=data.len());
                data.splice(at..at, word.iter().copied());
            }
            3 if !data.is_empty() => {
                let a = rng.random_range(0..data.len());
                let b = rng.random_range(a..=data.len().min(a + 16));
                data.drain(a..b);
            }
            4 if !data.is_empty() => {
                let a = rng.random_range(0..data.len());
                let b = rng.random_range(a..=data.len());
                let chunk = data[a..b].to_vec();
                let at = rng.random_range(0..=data.len());
                data.splice(at..at, chunk);
            }
            5 => {
                let other = &seeds[rng.random_range(0..seeds.len())];
                let cut = rng.random_range(0..=other.len());
                data.extend_from_slice(&other[cut..]);
            }
            _ => {
                let n = rng.random_range(0..32);
                data.extend((0..n).map(|_| rng.random::<u8>()));
            }
        }
    }
    data.truncate(4096);
    data
}

fn budget() -> Duration {
    std::env::var("MQTK_FUZZ_SECS")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .map_or(Duration::from_millis(300), Duration::from_secs_f64)
}

/// Runs `check` on the seeds, then on mutations until the time budget is spent.
fn fuzz(name: &str, seeds: &[&[u8]], check: fn(&[u8])) {
    let seed = std::env::var("MQTK_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(rand::random::<u64>);
    let mut rng = StdRng::seed_from_u64(seed);
    let seeds: Vec<Vec<u8>> = seeds.iter().map(|s| s.to_vec()).collect();
    let deadline = Instant::now() + budget();
    let mut runs: u64 = 0;
    let mut input_of = |i: u64| {
        if (i as usize) < seeds.len() {
            seeds[i as usize].clone()
        } else {
            mutate(&mut rng, &seeds)
        }
    };
    let failure = loop {
        if runs >= seeds.len() as u64 && Instant::now() >= deadline {
            break None;
        }
        let data = input_of(runs);
        runs += 1;
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| check(&data))) {
            let what = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            break Some((data, what));
        }
    };
    eprintln!("fuzz {name}: {runs} executions (MQTK_FUZZ_SEED={seed})");
    if let Some((data, what)) = failure {
        panic!(
            "fuzz {name}: panic after {runs} executions (MQTK_FUZZ_SEED={seed}): {what}\n\
             input {:?}\nbytes {:02x?}",
            String::from_utf8_lossy(&data),
            data
        );
    }
}

#[test]
fn fuzz_topic() {
    fuzz(
        "topic",
        &[
            b"a/b/c\na/b/c",
            b"a/+/c\na/x/c",
            b"#\n$SYS/x",
            b"$share/g/a/#\na/b",
            b"/\n/",
            b"+/+\n/x",
        ],
        checks::topic,
    );
}

#[test]
fn fuzz_format() {
    fuzz(
        "format",
        &[
            b"%t %p",
            b"%I %U %j %J",
            b"%10.3p|%-8t|%05q",
            b"\\e[1m%x\\e[0m\\n",
            b"%X %l %m %r %A %C %D %E %F %P %R %S %y",
            b"%%%",
            b"%{Value} %-5{/a/0} %.2{a.b}",
        ],
        checks::format,
    );
}

#[test]
fn fuzz_payload_template() {
    fuzz(
        "payload_template",
        &[
            b"{{seq}} {{int 0 100}} {{float 1 2 3}}",
            b"{\"v\":{{int -5 5}},\"t\":\"{{now %H:%M:%S}}\"}}",
            b"{{uuid}}{{unix}}{{unix_ms}}{{now}}{{line}}{{env X}}{{\"{{\"}}",
            b"{{ {{}} }} {{",
        ],
        checks::payload_template,
    );
}

#[test]
fn fuzz_url() {
    fuzz(
        "url",
        &[
            b"mqtt://u:p@host:1883/a/#",
            b"mqtts://[::1]:8883/t",
            b"ws://h/mqtt",
            b"wss://user@h:443",
            b"tcp://h",
        ],
        checks::url,
    );
}

#[test]
fn fuzz_properties() {
    fuzz(
        "properties",
        &[
            b"publish\0user-property\0k\0v",
            b"connect\0receive-maximum\x005",
            b"publish\0message-expiry-interval\x0060\0publish\0content-type\0text/plain",
            b"will\0will-delay-interval\x0010",
            b"subscribe\0subscription-identifier\x007",
            b"connect\0maximum-packet-size\x001000\0disconnect\0session-expiry-interval\x000",
        ],
        checks::properties,
    );
}

#[test]
fn fuzz_packet() {
    fuzz(
        "packet",
        &[
            b"\x20\x02\x00\x00",
            b"\x30\x07\x00\x03a/bhi",
            b"\x32\x09\x00\x03a/b\x00\x07hi",
            b"\x40\x02\x00\x01\x50\x02\x00\x02\x62\x02\x00\x02\x70\x02\x00\x03",
            b"\x90\x03\x00\x01\x01\xb0\x02\x00\x02\xd0\x00",
            b"\x40\x03\x00\x01\x95",
            b"\x30\x0a\x00\x03a/b\x03\x01\x00\x00hi",
            b"\xe0\x02\x8e\x00",
        ],
        checks::packet,
    );
}

#[test]
fn fuzz_connack() {
    fuzz(
        "connack",
        &[
            b"\x20\x02\x00\x00",
            b"\x20\x02\x01\x05",
            b"\x20\x03\x00\x00\x00",
            b"\x20\x10\x00\x9d\x0d\x1c\x00\x0aother:1883",
            b"\x20\x08\x00\x00\x05\x21\x00\x0a\x24\x01",
            b"HTTP/1.1 400 Bad Request",
            b"\x16\x03\x01",
        ],
        checks::connack,
    );
}

#[test]
fn fuzz_engine() {
    fuzz(
        "engine",
        &[
            b"",
            b"\x40\x02\x00\x02\x50\x02\x00\x03",
            b"\x90\x03\x00\x01\x02\x40\x02\x00\x02\x50\x02\x00\x03\x70\x02\x00\x03",
            b"\x34\x08\x00\x03f/a\x00\x07x\x62\x02\x00\x07\x3c\x08\x00\x03f/a\x00\x07x",
            b"\x32\x08\x00\x03f/a\x00\x05y\xd0\x00",
            b"\xe0\x02\x8e\x00",
            b"\x40\x03\x00\x02\x97",
            b"\x20\x02\x00\x00",
        ],
        checks::engine,
    );
}

#[test]
fn fuzz_report() {
    // Seeds: a small but complete result document with real histograms, a histogram on its own,
    // assertions.
    let mut lat = mqtk::bench::stats::Latency::default();
    for us in [40, 120, 130, 300, 2_500, 90_000] {
        lat.record_us(us);
    }
    let hist = lat.summary().unwrap().histogram.unwrap();
    let doc = format!(
        r#"{{"mode":"pubsub","settings":{{"broker":"b","protocol":"5","qos":1,"publishers":1,
"subscribers":1,"connections":0,"messages":10,"duration_s":null,"size":64,"rate":0.0,
"sub_rate":0.0,"topic":"t","filter":"t","max_inflight":20,"warmup_s":0.0,"retain":false,
"clean_session":true,"connect_rate":0.0,"hold_s":0.0,"source_addrs":[]}},"start":"s","end":"e",
"elapsed_s":2.0,"measured_s":2.0,"interrupted":false,
"publish":{{"sent":6,"acked":6,"rate":3.0,"mb_per_s":0.0}},
"receive":{{"received":6,"expected":6,"lost":0,"duplicates":0,"out_of_order":0,"foreign":0,"rate":3.0,"mb_per_s":0.0}},
"latency":{{"count":6,"min_us":40,"p50_us":130,"p90_us":2500,"p99_us":90000,"p999_us":90000,"max_us":90000,"mean_us":15000.0,"histogram":"{hist}"}},
"ack_latency":null,"connect":{{"attempted":2,"connected":2,"failed":0,"rate":1.0,"time":null,"failures":{{}},"rss_bytes":null}},
"errors":{{}},"reconnects":0,"series":[{{"t":1.0,"sent":3,"acked":3,"received":3,"errors":1}},{{"t":2.0,"sent":3,"acked":3,"received":3}}],
"clients":[],"assertions":[],"notes":[]}}"#
    );
    let parsed: mqtk::bench::result::BenchResult = serde_json::from_str(&doc).unwrap();
    assert!(parsed.latency.unwrap().histogram.is_some());
    fuzz(
        "report",
        &[
            doc.as_bytes(),
            hist.as_bytes(),
            b"p99 <= 1.1 * baseline",
            b"rate >= baseline*0.9",
            b"lost == 0",
        ],
        checks::report,
    );
}
