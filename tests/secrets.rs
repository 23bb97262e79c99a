//! Secrets stay secret and TLS stays safe: passwords given with `-P`, `--pw-file`,
//! `MQTK_PASSWORD` or in a `-L` URL never appear in any output (debug trace, errors, `--json`,
//! help), TLS verifies the broker by default, `--insecure` warns, a host name mismatch names
//! both names, and bad client certificates or keys are one-line usage errors.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use common::{Broker, mqtk_std, run, spawn_subscriber, text};

const WAIT: Duration = Duration::from_secs(10);
const USER: &str = "alice";
const PASSWORD: &str = "Corr3ct-H0rse-Battery";
const WRONG: &str = "Wr0ng-Staple-Guess";

/// Fails if any output of the run contains `secret` (also percent-encoded or reversed, in case
/// something mangles it on the way).
fn assert_no_secret(out: &Output, secret: &str, what: &str) {
    let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
    let reversed: String = secret.chars().rev().collect();
    for form in [secret.to_string(), reversed] {
        assert!(
            !all.contains(&form),
            "{what}: the password shows in the output:\n{all}"
        );
    }
}

/// How the password reaches mqtk.
#[derive(Clone, Copy, Debug)]
enum Source {
    Flag,
    File,
    Env,
    Url,
}

fn with_password(
    broker: &Broker,
    source: Source,
    password: &str,
    sub: bool,
) -> std::process::Command {
    let mut cmd = mqtk_std();
    let port = broker.auth_port().to_string();
    if sub {
        cmd.args(["sub", "-C", "1", "-W", "5", "--json", "-d", "-V", "5"]);
    } else {
        cmd.args(["pub", "-m", "hello", "-q", "1", "-d"]);
    }
    match source {
        Source::Url => {
            cmd.arg("-L").arg(format!(
                "mqtt://{USER}:{password}@127.0.0.1:{port}/secret/t"
            ));
        }
        _ => {
            cmd.args(["-h", "127.0.0.1", "-p", &port, "-t", "secret/t", "-u", USER]);
        }
    }
    match source {
        Source::Flag => {
            cmd.args(["-P", password]);
        }
        Source::File => {
            let file = broker.dir().join(format!("pw-{password}"));
            std::fs::write(&file, format!("{password}\n")).expect("write password file");
            cmd.arg("--pw-file").arg(file);
        }
        Source::Env => {
            cmd.env("MQTK_PASSWORD", password);
        }
        Source::Url => {}
    }
    cmd
}

#[test]
fn passwords_never_appear_in_any_output() {
    let broker = Broker::builder().auth(&[(USER, PASSWORD)]).start();
    for source in [Source::Flag, Source::File, Source::Env, Source::Url] {
        // A refused run: the error must not quote the password.
        for sub in [false, true] {
            let out = run(&mut with_password(&broker, source, WRONG, sub));
            let what = format!("{source:?} wrong password, sub={sub}");
            assert!(!out.status.success(), "{what}: {}", text(&out.stderr));
            assert!(
                text(&out.stderr).contains("not authorised"),
                "{what}: {}",
                text(&out.stderr)
            );
            assert_no_secret(&out, WRONG, &what);
        }
        // A successful run with the debug trace and --json output.
        let mut sub_cmd = with_password(&broker, source, PASSWORD, true);
        let id = format!("secret-sub-{source:?}");
        sub_cmd.args(["-i", &id]);
        let sub = spawn_subscriber(&broker, &mut sub_cmd, &id, "secret/t");
        let out = run(&mut with_password(&broker, source, PASSWORD, false));
        let what = format!("{source:?} right password, pub");
        assert!(out.status.success(), "{what}: {}", text(&out.stderr));
        assert!(text(&out.stderr).contains("mqtk: debug: sending CONNECT"));
        assert_no_secret(&out, PASSWORD, &what);
        let out = sub.wait(WAIT);
        let what = format!("{source:?} right password, sub --json -d");
        assert!(out.status.success(), "{what}: {}", text(&out.stderr));
        assert!(text(&out.stdout).contains("\"hello\""), "{what}");
        assert_no_secret(&out, PASSWORD, &what);
    }
}

#[test]
fn help_does_not_show_the_password_from_the_environment() {
    for sub in ["pub", "sub"] {
        let out = run(mqtk_std()
            .args([sub, "--help"])
            .env("MQTK_PASSWORD", PASSWORD));
        assert!(out.status.success());
        assert!(text(&out.stdout).contains("MQTK_PASSWORD"));
        assert_no_secret(&out, PASSWORD, &format!("{sub} --help"));
    }
}

#[test]
fn password_over_plain_text_is_warned_about_unless_local() {
    // Loopback (and Unix sockets): the password never leaves the machine, so no warning.
    let broker = Broker::builder().auth(&[(USER, PASSWORD)]).start();
    let out = run(&mut with_password(&broker, Source::Flag, PASSWORD, false));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        !text(&out.stderr).contains("warning"),
        "{}",
        text(&out.stderr)
    );
    // Any other host is warned about before connecting (this name never resolves: no traffic).
    // Through a proxy port that refuses at once: no name lookup, no traffic.
    // (Through a proxy, even localhost is another machine's view.)
    for host in ["broker.invalid", "localhost"] {
        let out = run(mqtk_std().args([
            "pub",
            "-h",
            host,
            "--connect-timeout",
            "1s",
            "-u",
            USER,
            "-P",
            PASSWORD,
            "-t",
            "t",
            "-m",
            "x",
            "--proxy",
            "socks5h://127.0.0.1:1",
        ]));
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{stderr}");
        assert!(
            stderr.starts_with("mqtk: warning: the password is sent unencrypted"),
            "{host}: {stderr}"
        );
        assert_no_secret(&out, PASSWORD, host);
    }
}

fn tls_pub(broker: &Broker, extra: &[&str]) -> Output {
    let url = format!("mqtts://127.0.0.1:{}/tls/t", broker.tls_port());
    run(mqtk_std().args(["pub", "-L", &url, "-m", "x"]).args(extra))
}

#[test]
fn tls_verifies_the_broker_by_default() {
    let broker = Broker::builder().tls(true).start();
    // No --cafile: the system's roots, which do not know the test CA.
    let out = tls_pub(&broker, &[]);
    let stderr = text(&out.stderr);
    assert!(!out.status.success(), "connected to an unverified broker");
    match out.status.code() {
        Some(3) => assert!(stderr.contains("unknown CA"), "{stderr}"),
        // A machine without system CA certificates cannot verify anything: also refused.
        Some(2) => assert!(stderr.contains("no CA certificates"), "{stderr}"),
        other => panic!("exit {other:?}: {stderr}"),
    }
    assert_eq!(stderr.lines().count(), 1, "{stderr}");

    let ca = broker.ca_file().to_string_lossy().into_owned();
    let out = tls_pub(&broker, &["--cafile", &ca]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stderr), "");
}

#[test]
fn insecure_skips_only_the_host_name_check() {
    let broker = Broker::builder().tls(true).start();
    // An untrusted CA fails with --insecure, as with mosquitto's --insecure.
    let other = broker.other_ca_file().to_string_lossy().into_owned();
    let out = tls_pub(&broker, &["--cafile", &other, "--insecure"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("unknown CA"), "{stderr}");
    // The loud flag turns every check off, and says so.
    let out = tls_pub(&broker, &["--danger-accept-invalid-certs"]);
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.starts_with(
            "mqtk: warning: --danger-accept-invalid-certs: the broker's certificate is NOT \
             verified at all"
        ) && stderr.lines().count() == 1,
        "{stderr}"
    );
}

/// A CA and a server certificate for `broker.example` only, written into `dir`.
fn foreign_name_certificate(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "mismatch CA");
    let ca_key = KeyPair::generate().expect("key");
    let ca_cert = ca_params.self_signed(&ca_key).expect("CA");
    let issuer = rcgen::Issuer::new(ca_params, ca_key);
    let mut params = CertificateParams::new(vec!["broker.example".to_string()]).expect("params");
    params
        .distinguished_name
        .push(DnType::CommonName, "broker.example");
    let key = KeyPair::generate().expect("key");
    let cert = params.signed_by(&key, &issuer).expect("sign");
    let paths = (
        dir.join("mismatch-ca.pem"),
        dir.join("mismatch-server.pem"),
        dir.join("mismatch-server.key"),
    );
    std::fs::write(&paths.0, ca_cert.pem()).expect("write");
    std::fs::write(&paths.1, cert.pem()).expect("write");
    std::fs::write(&paths.2, key.serialize_pem()).expect("write");
    paths
}

#[test]
fn hostname_mismatch_names_both_names() {
    let mut broker = Broker::builder().tls(true).start();
    let (ca, cert, key) = foreign_name_certificate(broker.dir());
    // The harness keeps the server certificate as server.pem / server.key in the broker's
    // directory: swap in one for another name and restart.
    std::fs::copy(&cert, broker.dir().join("server.pem")).expect("replace server cert");
    std::fs::copy(&key, broker.dir().join("server.key")).expect("replace server key");
    broker.restart();
    let ca = ca.to_string_lossy().into_owned();
    let out = tls_pub(&broker, &["--cafile", &ca]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("not valid for '127.0.0.1' (it names: broker.example)"),
        "the error should name the expected and the presented names: {stderr}"
    );
    // --insecure skips exactly this check, in mqtk as in mosquitto_pub.
    let out = tls_pub(&broker, &["--cafile", &ca, "--insecure"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mosquitto = run(common::mosquitto_pub(&broker).args([
        "-p",
        &broker.tls_port().to_string(),
        "--cafile",
        &ca,
        "--insecure",
        "-t",
        "tls/t",
        "-m",
        "x",
    ]));
    assert!(mosquitto.status.success(), "{}", text(&mosquitto.stderr));
}

#[test]
fn bad_client_certificates_and_keys_are_one_line_usage_errors() {
    let broker = Broker::builder().require_certificate(true).start();
    let dir = broker.dir();
    let ca = broker.ca_file();
    let cert = broker.client_cert();
    let key = broker.client_key();
    let other_key = dir.join("other.key");
    std::fs::write(
        &other_key,
        rcgen::KeyPair::generate().expect("key").serialize_pem(),
    )
    .expect("write");
    let truncated = dir.join("truncated.key");
    let key_pem = std::fs::read_to_string(key).expect("read key");
    std::fs::write(&truncated, &key_pem[..key_pem.len() / 2]).expect("write");
    let cert_only = dir.join("cert-as-key.pem");
    std::fs::copy(cert, &cert_only).expect("copy");

    let cases: [(&str, &Path, &Path, &str); 4] = [
        (
            "key of another certificate",
            cert,
            &other_key,
            "--cert/--key",
        ),
        ("truncated key", cert, &truncated, "--key"),
        (
            "certificate given as key",
            cert,
            &cert_only,
            "no PEM private key",
        ),
        ("key given as certificate", key, key, "no PEM certificate"),
    ];
    for (what, c, k, needle) in cases {
        let url = format!("mqtts://127.0.0.1:{}/t", broker.tls_port());
        let out = run(mqtk_std()
            .args(["pub", "-L", &url, "-m", "x", "--cafile"])
            .arg(ca)
            .arg("--cert")
            .arg(c)
            .arg("--key")
            .arg(k));
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{what}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{what}: {stderr}");
        assert!(
            stderr.starts_with("mqtk: error: ") && stderr.contains(needle),
            "{what}: {stderr}"
        );
    }

    // The right pair works, so the failures above are about the files.
    let url = format!("mqtts://127.0.0.1:{}/t", broker.tls_port());
    let out = run(mqtk_std()
        .args(["pub", "-L", &url, "-m", "x", "--cafile"])
        .arg(ca)
        .arg("--cert")
        .arg(cert)
        .arg("--key")
        .arg(key));
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn bad_urls_do_not_echo_the_password() {
    for url in [
        format!("{USER}:{PASSWORD}@127.0.0.1/t"),
        format!("mqtt://{USER}:{PASSWORD}@/t"),
        format!("mqtt://{USER}:{PASSWORD}@127.0.0.1:0/t"),
        format!("gopher://{USER}:{PASSWORD}@127.0.0.1/t"),
    ] {
        let out = run(mqtk_std().args(["pub", "-m", "x", "-L", &url]));
        assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
        assert_no_secret(&out, PASSWORD, &url);
    }
}
