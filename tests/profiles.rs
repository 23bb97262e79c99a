//! Connection profiles against a real mosquitto: the precedence table (flags > environment >
//! profile > defaults) end to end, selection by `--profile` and `MQTK_PROFILE`, bad config files
//! as one line with file and line, the warning for a password others can read, and
//! `mqtk profile list|show` with passwords redacted.

mod common;

use std::path::PathBuf;
use std::process::{Command, Output};

use common::{Broker, WAIT, assert_ok, mqtk_std, run, spawn_subscriber, text};

/// A temp dir holding `config.toml` (mode 600 unless changed) and a password file.
struct Files {
    dir: tempfile::TempDir,
}

impl Files {
    fn new(config: &str) -> Files {
        let dir = tempfile::tempdir().unwrap();
        let files = Files { dir };
        files.write("config.toml", config, 0o600);
        files
    }

    fn write(&self, name: &str, content: &str, mode: u32) {
        use std::os::unix::fs::PermissionsExt;
        let path = self.dir.path().join(name);
        std::fs::write(&path, content).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    }

    fn config(&self) -> PathBuf {
        self.dir.path().join("config.toml")
    }
}

/// `mqtk ARGS --config FILE` with a clean environment.
fn mqtk(files: &Files, args: &[&str]) -> Command {
    let mut cmd = mqtk_std();
    cmd.args(args).arg("--config").arg(files.config());
    cmd
}

fn config_for(broker: &Broker) -> String {
    format!(
        r#"
[profiles.plain]
host = "127.0.0.1"
port = {plain}
protocol = 5
qos = 1
client_id_prefix = "prof-"

[profiles.auth]
url = "mqtt://127.0.0.1:{auth}"
protocol = "311"
username = "alice"
password_file = "wrong-pw"
"#,
        plain = broker.port(),
        auth = broker.auth_port()
    )
}

fn stderr(out: &Output) -> String {
    text(&out.stderr)
}

#[test]
fn precedence_flags_environment_profile_defaults() {
    let broker = Broker::builder().auth(&[("alice", "right")]).start();
    let files = Files::new(&config_for(&broker));
    files.write("wrong-pw", "wrong\n", 0o600);

    // The profile's QoS 1 and MQTT 5 reach the broker: a QoS 2 subscriber prints QoS 1.
    let sub = spawn_subscriber(
        &broker,
        mqtk(
            &files,
            &[
                "sub", "-i", "prof-sub", "-t", "prof/q", "-q", "2", "-C", "1", "-F", "%q %p",
            ],
        )
        .env("MQTK_PROFILE", "plain"),
        "prof-sub",
        "prof/q",
    );
    assert_ok(
        &run(&mut mqtk(
            &files,
            &["pub", "--profile", "plain", "-t", "prof/q", "-m", "x"],
        )),
        "pub with the profile",
    );
    let got = sub.wait(WAIT);
    assert_ok(&got, "sub with MQTK_PROFILE");
    assert_eq!(text(&got.stdout), "1 x\n");
    // The profile's client id prefix shows in the broker log.
    let log = broker.log_tail(200);
    assert!(
        log.split("prof-")
            .skip(1)
            .any(|rest| rest.starts_with(|c: char| c.is_ascii_digit())),
        "no client id prof-PID in the broker log: {log}"
    );

    // Rows: (what, args, environment, expected exit code).
    type Row<'a> = (&'a str, Vec<&'a str>, Vec<(&'a str, &'a str)>, i32);
    let rows: Vec<Row<'_>> = vec![
        (
            "profile beats the default port",
            vec!["--profile", "plain"],
            vec![],
            0,
        ),
        (
            "-p beats the profile",
            vec!["--profile", "plain", "-p", "1"],
            vec![],
            3,
        ),
        (
            "-q beats the profile",
            vec!["--profile", "plain", "-q", "0"],
            vec![],
            0,
        ),
        (
            "MQTK_PROFILE selects",
            vec![],
            vec![("MQTK_PROFILE", "plain")],
            0,
        ),
        (
            "--profile beats MQTK_PROFILE",
            vec!["--profile", "nope"],
            vec![("MQTK_PROFILE", "plain")],
            2,
        ),
        (
            "profile password file (wrong)",
            vec!["--profile", "auth"],
            vec![],
            5,
        ),
        (
            "MQTK_PASSWORD beats the profile",
            vec!["--profile", "auth"],
            vec![("MQTK_PASSWORD", "right")],
            0,
        ),
        (
            "-P beats MQTK_PASSWORD",
            vec!["--profile", "auth", "-P", "wrong"],
            vec![("MQTK_PASSWORD", "right")],
            5,
        ),
        (
            "-u beats the profile",
            vec!["--profile", "auth", "-u", "bob", "-P", "right"],
            vec![],
            5,
        ),
        (
            "a URL with credentials beats the profile",
            vec!["--profile", "auth", "-L"],
            vec![],
            0,
        ),
    ];
    let url_with_user = format!("mqtt://alice:right@127.0.0.1:{}/prof/t", broker.auth_port());
    for (what, args, env, code) in rows {
        let mut cmd = mqtk(&files, &["pub", "-m", "x"]);
        if !args.contains(&"-L") {
            cmd.args(["-t", "prof/t"]);
        }
        cmd.args(&args);
        if args.last() == Some(&"-L") {
            cmd.arg(&url_with_user);
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = run(&mut cmd);
        assert_eq!(out.status.code(), Some(code), "{what}: {}", stderr(&out));
    }
}

#[test]
fn bad_config_files_are_one_line_with_file_and_line() {
    let files = Files::new("[profiles.a]\nhost = \"127.0.0.1\"\nhots = \"x\"\n");
    let path = files.config().display().to_string();
    let cases: Vec<(Vec<&str>, String)> = vec![
        (
            vec!["--profile", "a", "--config", &path],
            format!("mqtk: error: {path}:3: unknown field `hots`"),
        ),
        (
            vec!["--profile", "a", "--config", "/nonexistent/mqtk.toml"],
            "mqtk: error: /nonexistent/mqtk.toml: cannot read config file".into(),
        ),
        (
            vec!["--profile", "a", "--config", "/"],
            "mqtk: error: /: is a directory".into(),
        ),
    ];
    for (args, expected) in cases {
        let out = run(mqtk_std()
            .args(["pub", "-h", "127.0.0.1", "-p", "1", "-t", "t", "-m", "x"])
            .args(&args));
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.starts_with(&expected), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    files.write(
        "config.toml",
        "[profiles.a]\nport = 1\n\n[profiles.b]\nqos = 7\n",
        0o600,
    );
    let out = run(&mut mqtk(&files, &["profile", "list"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with(&format!("mqtk: error: {path}:5: qos must be 0, 1 or 2")),
        "{}",
        stderr(&out)
    );
    files.write("config.toml", "[profiles.a]\nport = 1\n", 0o600);
    let out = run(&mut mqtk(
        &files,
        &["pub", "--profile", "b", "-t", "t", "-m", "x"],
    ));
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        format!("mqtk: error: no profile 'b' in {path} (profiles: a)\n")
    );
}

#[test]
fn password_in_a_file_others_can_read_is_warned_about() {
    let broker = Broker::builder().auth(&[("alice", "right")]).start();
    let config = format!(
        "[profiles.inline]\nhost = \"127.0.0.1\"\nport = {}\nusername = \"alice\"\npassword = \"right\"\n",
        broker.auth_port()
    );
    let files = Files::new(&config);
    for (mode, warned) in [(0o644, true), (0o600, false)] {
        files.write("config.toml", &config, mode);
        let out = run(&mut mqtk(
            &files,
            &["pub", "--profile", "inline", "-t", "t", "-m", "x"],
        ));
        assert_ok(&out, "pub with an inline password");
        let err = stderr(&out);
        assert_eq!(
            err.contains("other users can read it"),
            warned,
            "{mode:o}: {err}"
        );
        assert!(!err.contains("right"), "{err}");
        let quiet = run(&mut mqtk(
            &files,
            &[
                "pub",
                "--profile",
                "inline",
                "--quiet",
                "-t",
                "t",
                "-m",
                "x",
            ],
        ));
        assert!(!stderr(&quiet).contains("other users"), "--quiet");
    }
}

#[test]
fn profile_list_and_show_redact_passwords() {
    let files = Files::new(
        r#"
[profiles.cloud]
url = "mqtts://svc:hunter2@broker.example:8883"
cafile = "ca.pem"

[profiles.local]
host = "127.0.0.1"
port = 1883
username = "alice"
password = "hunter2"
qos = 1
"#,
    );
    let out = run(&mut mqtk(&files, &["profile", "list"]));
    assert_ok(&out, "profile list");
    assert_eq!(
        text(&out.stdout),
        "cloud  mqtts://svc:<redacted>@broker.example:8883\nlocal  127.0.0.1:1883\n"
    );
    let out = run(&mut mqtk(&files, &["profile", "show", "local"]));
    assert_ok(&out, "profile show");
    assert_eq!(
        text(&out.stdout),
        "[profiles.local]\nhost = \"127.0.0.1\"\nport = 1883\nusername = \"alice\"\npassword = \"<redacted>\"\nqos = 1\n"
    );
    let out = run(mqtk(&files, &["profile", "show"]).env("MQTK_PROFILE", "cloud"));
    assert_ok(&out, "profile show with MQTK_PROFILE");
    assert!(!text(&out.stdout).contains("hunter2"));
    assert!(text(&out.stdout).contains("cafile = \"ca.pem\""));
    let out = run(&mut mqtk(&files, &["profile", "show"]));
    assert_eq!(out.status.code(), Some(2), "no name, no selection");
    assert!(stderr(&out).contains("which profile?"));
}
