//! Hermetic test harness: a real `mosquitto` on free loopback ports with a generated config,
//! TLS certificates made at test time, and clean-environment commands for `mqtk` and the
//! mosquitto clients.
//!
//! Typical use:
//! ```ignore
//! mod common;
//! use common::{Broker, mqtk};
//!
//! let broker = Broker::start();
//! let sub = common::spawn_subscriber(&broker, common::mosquitto_sub(&broker)
//!     .args(["-i", "s1", "-t", "a/#", "-C", "1"]), "s1", "a/#");
//! mqtk().arg("pub").args(broker.args()).args(["-t", "a/b", "-m", "hi"])
//!     .assert().success();
//! let out = sub.wait(std::time::Duration::from_secs(5));
//! assert_eq!(out.stdout, b"hi\n");
//! ```
//!
//! Everything here panics on failure: this is test code, and a panic with a good message is the
//! clearest test failure.

// Each test binary uses a different part of this module.
#![allow(dead_code)]

pub mod bench;

use std::fs;
use std::io::Read;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// Loopback address every listener binds to.
pub const HOST: &str = "127.0.0.1";

/// How long a broker may take to open its listeners, and a stopped one to exit.
const START_TIMEOUT: Duration = Duration::from_secs(5);

/// How long [`spawn_subscriber`] waits for the broker to log the subscription.
pub const SUBSCRIBE_TIMEOUT: Duration = Duration::from_secs(5);

/// The package names to install when a mosquitto program is missing.
pub const INSTALL_HINT: &str = "apt-get install mosquitto mosquitto-clients";

// ---------------------------------------------------------------------------------------------
// Programs
// ---------------------------------------------------------------------------------------------

/// The panic message for a missing mosquitto program (kept separate so it can be tested).
pub fn missing_program_message(name: &str) -> String {
    format!(
        "`{name}` not found in PATH or /usr/sbin: the integration tests need a real mosquitto \
         broker and its clients; install them with `{INSTALL_HINT}` (Debian/Ubuntu, as root)"
    )
}

/// Looks for `name` in `PATH`, then in the sbin directories (mosquitto lives in /usr/sbin, which
/// is often not in a normal user's PATH).
pub fn find_program_in(name: &str, path: Option<&std::ffi::OsStr>) -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = path
        .map(|p| std::env::split_paths(p).collect())
        .unwrap_or_default();
    dirs.extend(["/usr/sbin", "/usr/local/sbin", "/sbin"].map(PathBuf::from));
    dirs.into_iter().map(|d| d.join(name)).find(|candidate| {
        fs::metadata(candidate).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    })
}

/// The path of a mosquitto program; panics with the install command if it is missing (tests
/// never skip silently).
pub fn find_program(name: &str) -> PathBuf {
    match find_program_in(name, std::env::var_os("PATH").as_deref()) {
        Some(path) => path,
        None => panic!("{}", missing_program_message(name)),
    }
}

/// Applies the clean environment shared by every command the tests run: only `PATH`, `HOME` and
/// `TMPDIR` survive, so a developer's `MQTK_PASSWORD`, `NO_COLOR`, `SSL_CERT_FILE` and the like
/// cannot change results.
fn clean_env(cmd: &mut Command, home: Option<&Path>) {
    cmd.env_clear();
    for key in ["PATH", "TMPDIR"] {
        if let Some(value) = std::env::var_os(key) {
            cmd.env(key, value);
        }
    }
    match home {
        Some(home) => {
            cmd.env("HOME", home);
        }
        None => {
            if let Some(value) = std::env::var_os("HOME") {
                cmd.env("HOME", value);
            }
        }
    }
}

/// The real `mqtk` binary as a `std::process::Command`, with a clean environment (see
/// [`mqtk`]). Use this one with [`Background::spawn`].
pub fn mqtk_std() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mqtk"));
    clean_env(&mut cmd, None);
    cmd
}

/// The real `mqtk` binary as an `assert_cmd::Command` with a clean environment: only `PATH`,
/// `HOME` and `TMPDIR` are passed on (add others with `.env(..)`). Stdin is empty unless you call
/// `.write_stdin(..)`. Consider `.timeout(..)` so a hang fails the test instead of blocking it.
pub fn mqtk() -> assert_cmd::Command {
    assert_cmd::Command::from_std(mqtk_std())
}

/// A mosquitto client program (`mosquitto_pub`, `mosquitto_sub`, `mosquitto_rr`) with a clean
/// environment and `HOME` pointing at the broker's temp dir, so no `~/.config/mosquitto_pub`
/// options file is read. Only `-h` is set.
pub fn mosquitto_client(program: &str, broker: &Broker) -> Command {
    let mut cmd = Command::new(find_program(program));
    clean_env(&mut cmd, Some(broker.dir()));
    cmd.args(["-h", broker.host()]);
    cmd
}

/// `mosquitto_pub -h 127.0.0.1 -p PORT` for the broker's plain listener. Append `-p OTHER` to use
/// another listener (the last `-p` wins), e.g. `-p tls_port --cafile ca`.
pub fn mosquitto_pub(broker: &Broker) -> Command {
    let mut cmd = mosquitto_client("mosquitto_pub", broker);
    cmd.args(["-p", &broker.port().to_string()]);
    cmd
}

/// `mosquitto_sub -h 127.0.0.1 -p PORT` for the broker's plain listener (see [`mosquitto_pub`]).
/// Give it `-i ID` when you pass it to [`spawn_subscriber`].
pub fn mosquitto_sub(broker: &Broker) -> Command {
    let mut cmd = mosquitto_client("mosquitto_sub", broker);
    cmd.args(["-p", &broker.port().to_string()]);
    cmd
}

/// Spawns a subscriber in the background (`mosquitto_sub` or `mqtk sub`, built with `-i
/// client_id -t filter ...`) and returns once the broker has logged that client's subscription
/// to `filter`, so anything published afterwards reaches it. Panics if the process exits first
/// or [`SUBSCRIBE_TIMEOUT`] passes.
///
/// This watches the broker log (`log_type subscribe`) rather than the subscriber's output, so
/// it works for any client and keeps the subscriber's stdout clean. mosquitto is single-threaded
/// and adds the subscription in the same step as it logs it.
pub fn spawn_subscriber(
    broker: &Broker,
    cmd: &mut Command,
    client_id: &str,
    filter: &str,
) -> Background {
    let since = broker.log_len();
    let mut sub = Background::spawn(cmd);
    let deadline = Instant::now() + SUBSCRIBE_TIMEOUT;
    loop {
        if broker.subscribed_since(since, client_id, filter) {
            return sub;
        }
        if let Some(status) = sub.try_status() {
            // It may have subscribed and finished between the two checks (e.g. with -E).
            if broker.subscribed_since(since, client_id, filter) {
                return sub;
            }
            panic!(
                "subscriber `{client_id}` exited ({status}) before subscribing to `{filter}`\n\
                 stdout: {}\nstderr: {}\nbroker log tail:\n{}",
                String::from_utf8_lossy(&sub.stdout_so_far()),
                String::from_utf8_lossy(&sub.stderr_so_far()),
                broker.log_tail(20)
            );
        }
        if Instant::now() >= deadline {
            panic!(
                "subscriber `{client_id}` not subscribed to `{filter}` after {:?}\n\
                 stderr: {}\nbroker log tail:\n{}",
                SUBSCRIBE_TIMEOUT,
                String::from_utf8_lossy(&sub.stderr_so_far()),
                broker.log_tail(20)
            );
        }
        thread::sleep(Duration::from_millis(10));
    }
}

// ---------------------------------------------------------------------------------------------
// Background processes
// ---------------------------------------------------------------------------------------------

/// A child process with its stdout and stderr collected by reader threads (so it never blocks on
/// a full pipe). Killed and reaped on drop.
pub struct Background {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: Arc<Mutex<Vec<u8>>>,
    stderr: Arc<Mutex<Vec<u8>>>,
    readers: Vec<JoinHandle<()>>,
    status: Option<ExitStatus>,
}

impl Background {
    /// Spawns `cmd` with stdin from /dev/null and stdout/stderr captured.
    pub fn spawn(cmd: &mut Command) -> Background {
        Self::spawn_inner(cmd, Stdio::null())
    }

    /// Spawns `cmd` with a stdin pipe: write with [`Background::stdin`], close it with
    /// [`Background::close_stdin`].
    pub fn spawn_with_stdin(cmd: &mut Command) -> Background {
        Self::spawn_inner(cmd, Stdio::piped())
    }

    fn spawn_inner(cmd: &mut Command, stdin: Stdio) -> Background {
        let mut child = cmd
            .stdin(stdin)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot spawn {:?}: {e}", cmd.get_program()));
        let stdout = Arc::new(Mutex::new(Vec::new()));
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let mut readers = Vec::new();
        if let Some(pipe) = child.stdout.take() {
            readers.push(collect(pipe, Arc::clone(&stdout)));
        }
        if let Some(pipe) = child.stderr.take() {
            readers.push(collect(pipe, Arc::clone(&stderr)));
        }
        let stdin = child.stdin.take();
        Background {
            child,
            stdin,
            stdout,
            stderr,
            readers,
            status: None,
        }
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The stdin pipe (only with [`Background::spawn_with_stdin`]).
    pub fn stdin(&mut self) -> &mut ChildStdin {
        self.stdin
            .as_mut()
            .expect("spawned without a stdin pipe, or stdin already closed")
    }

    /// Closes stdin so the process sees end of input.
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// Everything the process has written to stdout so far.
    pub fn stdout_so_far(&self) -> Vec<u8> {
        self.stdout.lock().map(|b| b.clone()).unwrap_or_default()
    }

    /// Everything the process has written to stderr so far.
    pub fn stderr_so_far(&self) -> Vec<u8> {
        self.stderr.lock().map(|b| b.clone()).unwrap_or_default()
    }

    /// Waits until stdout holds at least `lines` newline characters; false on timeout.
    pub fn wait_for_lines(&self, lines: usize, timeout: Duration) -> bool {
        poll_until(timeout, || {
            let count = self
                .stdout
                .lock()
                .map(|b| b.iter().filter(|&&c| c == b'\n').count());
            count.unwrap_or(0) >= lines
        })
    }

    /// The exit status if the process has exited, without waiting.
    pub fn try_status(&mut self) -> Option<ExitStatus> {
        if self.status.is_none() {
            self.status = self.child.try_wait().ok().flatten();
        }
        self.status
    }

    /// Sends a signal (e.g. `libc::SIGINT`).
    pub fn signal(&self, signal: i32) {
        send_signal(self.child.id(), signal);
    }

    /// Waits up to `timeout` for the process to exit and returns its status and full output.
    /// Panics on timeout, after killing it, with what it printed so far.
    pub fn wait(mut self, timeout: Duration) -> Output {
        self.close_stdin();
        let deadline = Instant::now() + timeout;
        let status = loop {
            if let Some(status) = self.try_status() {
                break status;
            }
            if Instant::now() >= deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                self.join_readers();
                panic!(
                    "process {} still running after {timeout:?}; killed it\nstdout: {}\nstderr: {}",
                    self.child.id(),
                    String::from_utf8_lossy(&self.stdout_so_far()),
                    String::from_utf8_lossy(&self.stderr_so_far())
                );
            }
            thread::sleep(Duration::from_millis(5));
        };
        self.join_readers();
        Output {
            status,
            stdout: self.stdout_so_far(),
            stderr: self.stderr_so_far(),
        }
    }

    /// Kills the process (SIGKILL) and returns what it printed.
    pub fn kill(mut self) -> Output {
        let _ = self.child.kill();
        let status = self.child.wait().expect("wait for killed child");
        self.status = Some(status);
        self.join_readers();
        Output {
            status,
            stdout: self.stdout_so_far(),
            stderr: self.stderr_so_far(),
        }
    }

    fn join_readers(&mut self) {
        // The readers end at EOF, which comes once the process (and any child holding the pipe)
        // has exited.
        for reader in self.readers.drain(..) {
            let _ = reader.join();
        }
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        if self.status.is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Checks `done` every 10 ms until it holds (true) or `timeout` passes (false).
pub fn poll_until(timeout: Duration, mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if done() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        thread::sleep(Duration::from_millis(10));
    }
}

fn collect(mut pipe: impl Read + Send + 'static, sink: Arc<Mutex<Vec<u8>>>) -> JoinHandle<()> {
    thread::spawn(move || {
        let mut buf = [0u8; 64 * 1024];
        loop {
            match pipe.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => match sink.lock() {
                    Ok(mut sink) => sink.extend_from_slice(&buf[..n]),
                    Err(_) => break,
                },
            }
        }
    })
}

fn send_signal(pid: u32, signal: i32) {
    let pid = libc::pid_t::try_from(pid).expect("pid fits pid_t");
    // SAFETY: kill(2) has no memory-safety preconditions; the pid is our own child.
    let rc = unsafe { libc::kill(pid, signal) };
    assert_eq!(
        rc,
        0,
        "kill({pid}, {signal}): {}",
        std::io::Error::last_os_error()
    );
}

// ---------------------------------------------------------------------------------------------
// TLS material
// ---------------------------------------------------------------------------------------------

/// PEM files made at test time: a CA, a server certificate for `localhost` and 127.0.0.1 signed
/// by it, a client certificate signed by it, and an unrelated CA that signed nothing here.
struct TlsFiles {
    ca: PathBuf,
    server_cert: PathBuf,
    server_key: PathBuf,
    client_cert: PathBuf,
    client_key: PathBuf,
    other_ca: PathBuf,
}

fn make_ca(name: &str) -> (rcgen::Certificate, rcgen::Issuer<'static, rcgen::KeyPair>) {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair, KeyUsagePurpose};
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let key = KeyPair::generate().expect("CA key");
    let cert = params.self_signed(&key).expect("self-sign CA");
    (cert, rcgen::Issuer::new(params, key))
}

fn make_leaf(
    issuer: &rcgen::Issuer<'static, rcgen::KeyPair>,
    common_name: &str,
    names: &[&str],
    usage: rcgen::ExtendedKeyUsagePurpose,
) -> (String, String) {
    use rcgen::{CertificateParams, DnType, KeyPair, KeyUsagePurpose};
    let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    let mut params = CertificateParams::new(names).expect("leaf params");
    params
        .distinguished_name
        .push(DnType::CommonName, common_name);
    params.use_authority_key_identifier_extension = true;
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    params.extended_key_usages = vec![usage];
    let key = KeyPair::generate().expect("leaf key");
    let cert = params.signed_by(&key, issuer).expect("sign leaf");
    (cert.pem(), key.serialize_pem())
}

impl TlsFiles {
    fn create(dir: &Path) -> TlsFiles {
        use rcgen::ExtendedKeyUsagePurpose::{ClientAuth, ServerAuth};
        let (ca_cert, ca) = make_ca("mqtk test CA");
        let (other_cert, _) = make_ca("mqtk unrelated test CA");
        let (server_pem, server_key) =
            make_leaf(&ca, "localhost", &["localhost", "127.0.0.1"], ServerAuth);
        let (client_pem, client_key) = make_leaf(&ca, "mqtk-test-client", &[], ClientAuth);
        let files = TlsFiles {
            ca: dir.join("ca.pem"),
            server_cert: dir.join("server.pem"),
            server_key: dir.join("server.key"),
            client_cert: dir.join("client.pem"),
            client_key: dir.join("client.key"),
            other_ca: dir.join("other-ca.pem"),
        };
        write(&files.ca, ca_cert.pem());
        write(&files.server_cert, server_pem);
        write(&files.server_key, server_key);
        write(&files.client_cert, client_pem);
        write(&files.client_key, client_key);
        write(&files.other_ca, other_cert.pem());
        files
    }
}

fn write(path: &Path, contents: impl AsRef<[u8]>) {
    fs::write(path, contents).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

// ---------------------------------------------------------------------------------------------
// Broker
// ---------------------------------------------------------------------------------------------

/// Options for [`Broker::builder`]. Every broker has a plain anonymous TCP listener
/// ([`Broker::port`]); the options below add listeners or settings.
#[derive(Default, Clone)]
pub struct BrokerBuilder {
    tls: bool,
    require_certificate: bool,
    websockets: bool,
    wss: bool,
    unix: bool,
    users: Vec<(String, String)>,
    no_anonymous: bool,
    acl: Option<String>,
    persistence: bool,
    config_lines: Vec<String>,
    listener_lines: Vec<String>,
}

impl BrokerBuilder {
    /// Adds a TLS listener ([`Broker::tls_port`]) using the generated server certificate for
    /// `localhost`/127.0.0.1; clients verify it with [`Broker::ca_file`].
    pub fn tls(mut self, on: bool) -> Self {
        self.tls = on;
        self
    }

    /// Makes the TLS listener (implies `.tls(true)`) require a client certificate signed by
    /// the CA ([`Broker::client_cert`], [`Broker::client_key`]).
    pub fn require_certificate(mut self, on: bool) -> Self {
        self.require_certificate = on;
        self.tls |= on;
        self
    }

    /// Adds a websockets listener ([`Broker::ws_port`], path `/` or any path).
    pub fn websockets(mut self, on: bool) -> Self {
        self.websockets = on;
        self
    }

    /// Adds a websockets-over-TLS listener ([`Broker::wss_port`]) with the same certificate as
    /// the TLS listener.
    pub fn wss(mut self, on: bool) -> Self {
        self.wss = on;
        self
    }

    /// Adds a Unix domain socket listener ([`Broker::unix_socket`]).
    pub fn unix_socket(mut self, on: bool) -> Self {
        self.unix = on;
        self
    }

    /// Creates a password file with these users and adds a listener that refuses anonymous
    /// clients ([`Broker::auth_port`]). The users may also log in on the other listeners (where
    /// a wrong password is refused too).
    pub fn auth(mut self, users: &[(&str, &str)]) -> Self {
        self.users = users
            .iter()
            .map(|(u, p)| (u.to_string(), p.to_string()))
            .collect();
        self
    }

    /// `anonymous(false)` makes every listener refuse clients without a user name (needs
    /// `.auth(..)`). Default: anonymous clients are allowed except on the auth listener.
    pub fn anonymous(mut self, allowed: bool) -> Self {
        self.no_anonymous = !allowed;
        self
    }

    /// Writes `content` as an ACL file (mosquitto `acl_file` syntax: `user NAME`, `topic read|write
    /// FILTER`, `pattern ...`) used by every listener. Lines before any `user` line apply to
    /// anonymous clients. MQTT 3.1.1 clients are not told about denied publishes.
    pub fn acl(mut self, content: &str) -> Self {
        self.acl = Some(content.to_string());
        self
    }

    /// Turns on persistence in the broker's temp dir. The database is written on a clean stop
    /// ([`Broker::stop`], [`Broker::restart`]), not on drop (SIGKILL).
    pub fn persistence(mut self, on: bool) -> Self {
        self.persistence = on;
        self
    }

    /// Adds a global config line, e.g. `max_queued_messages 2000000` (the default 1000 drops
    /// QoS 1/2 messages for slow subscribers) or `max_inflight_messages 0`.
    /// Adds a line to every listener's section (for per-listener options such as `max_qos`).
    pub fn listener_line(mut self, line: &str) -> Self {
        self.listener_lines.push(line.to_string());
        self
    }

    pub fn config_line(mut self, line: &str) -> Self {
        self.config_lines.push(line.to_string());
        self
    }

    /// Sets `sys_interval` (seconds between `$SYS` updates; 0 turns the tree off; mosquitto's
    /// default is 10).
    pub fn sys_interval(self, seconds: u32) -> Self {
        self.config_line(&format!("sys_interval {seconds}"))
    }

    /// Writes the config and starts the broker; returns once every listener accepts TCP
    /// connections. Panics (with the broker log) if it does not start within 5 s.
    pub fn start(self) -> Broker {
        Broker::launch(self)
    }
}

/// Listener ports of one broker; fixed for its lifetime, across restarts.
#[derive(Clone, Copy, Debug)]
struct Ports {
    plain: u16,
    auth: Option<u16>,
    tls: Option<u16>,
    ws: Option<u16>,
    wss: Option<u16>,
}

impl Ports {
    fn all(&self) -> Vec<u16> {
        [Some(self.plain), self.auth, self.tls, self.ws, self.wss]
            .into_iter()
            .flatten()
            .collect()
    }
}

/// A running mosquitto with its own temp dir (config, log, certificates, password file,
/// persistence). Killed (SIGKILL) and reaped on drop; the temp dir is removed.
pub struct Broker {
    options: BrokerBuilder,
    ports: Ports,
    child: Option<Child>,
    paused: bool,
    tls_files: TlsFiles,
    config: PathBuf,
    log: PathBuf,
    // Last field: dropped after the child is killed.
    dir: tempfile::TempDir,
}

impl Broker {
    /// A broker with one plain anonymous TCP listener on a free loopback port.
    pub fn start() -> Broker {
        Broker::builder().start()
    }

    /// Options for a broker with more listeners or settings; finish with `.start()`.
    pub fn builder() -> BrokerBuilder {
        BrokerBuilder::default()
    }

    fn launch(options: BrokerBuilder) -> Broker {
        find_program("mosquitto");
        if !options.users.is_empty() {
            find_program("mosquitto_passwd");
        }
        assert!(
            !options.no_anonymous || !options.users.is_empty(),
            "Broker::builder().anonymous(false) needs .auth(&[(user, password)])"
        );
        let dir = tempfile::Builder::new()
            .prefix("mqtk-broker-")
            .tempdir()
            .expect("temp dir");
        // World-readable, so the broker can read its files even if it drops to another user.
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).expect("chmod temp dir");
        let tls_files = TlsFiles::create(dir.path());
        if !options.users.is_empty() {
            write_password_file(&dir.path().join("passwd"), &options.users);
        }
        if let Some(acl) = &options.acl {
            write(&dir.path().join("acl"), acl);
        }
        if options.persistence {
            fs::create_dir_all(dir.path().join("data")).expect("create persistence dir");
        }
        let mut broker = Broker {
            ports: Ports {
                plain: 0,
                auth: None,
                tls: None,
                ws: None,
                wss: None,
            },
            options,
            child: None,
            paused: false,
            tls_files,
            config: dir.path().join("mosquitto.conf"),
            log: dir.path().join("mosquitto.log"),
            dir,
        };
        // The free ports are found by binding and releasing them, so another process can take
        // one in between: retry with new ports when that happens.
        for attempt in 1..=5 {
            broker.ports = broker.pick_ports();
            write(&broker.config, broker.render_config());
            match broker.spawn_and_wait() {
                Ok(()) => return broker,
                // libwebsockets binds [::]:PORT whatever the address, so a port in use by a
                // client connection (even in TIME_WAIT) fails it with an empty log: retry too.
                Err(err)
                    if (err.contains("Address already in use") || err.contains("at start-up"))
                        && attempt < 5 =>
                {
                    continue;
                }
                Err(err) => panic!("{err}"),
            }
        }
        unreachable!("the loop returns or panics")
    }

    fn pick_ports(&self) -> Ports {
        let o = &self.options;
        let wanted = 1
            + usize::from(!o.users.is_empty())
            + usize::from(o.tls)
            + usize::from(o.websockets)
            + usize::from(o.wss);
        // Hold every socket until all are bound, so the ports differ from each other.
        let sockets: Vec<TcpListener> = (0..wanted)
            .map(|_| TcpListener::bind((HOST, 0)).expect("bind a free loopback port"))
            .collect();
        let mut ports = sockets
            .iter()
            .map(|s| s.local_addr().expect("local addr").port())
            .collect::<Vec<_>>()
            .into_iter();
        let mut next = |on: bool| if on { ports.next() } else { None };
        Ports {
            plain: next(true).expect("plain port"),
            auth: next(!o.users.is_empty()),
            tls: next(o.tls),
            ws: next(o.websockets),
            wss: next(o.wss),
        }
    }

    fn render_config(&self) -> String {
        let o = &self.options;
        let dir = self.dir.path();
        let mut c = String::from("# Written by the mqtk test harness (tests/common/mod.rs).\n");
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } == 0 {
            // As root, mosquitto would switch to user `mosquitto`, which cannot read root-only
            // temp files.
            c.push_str("user root\n");
        }
        c.push_str("per_listener_settings true\n");
        c.push_str("log_dest stderr\n");
        for kind in [
            "error",
            "warning",
            "notice",
            "information",
            "subscribe",
            "unsubscribe",
        ] {
            c.push_str(&format!("log_type {kind}\n"));
        }
        if o.persistence {
            c.push_str("persistence true\n");
            c.push_str(&format!(
                "persistence_location {}/\n",
                dir.join("data").display()
            ));
        } else {
            c.push_str("persistence false\n");
        }
        for line in &o.config_lines {
            c.push_str(line);
            c.push('\n');
        }
        let common = |c: &mut String, anonymous: bool| {
            c.push_str(&format!("allow_anonymous {anonymous}\n"));
            if !o.users.is_empty() {
                c.push_str(&format!("password_file {}\n", dir.join("passwd").display()));
            }
            if o.acl.is_some() {
                c.push_str(&format!("acl_file {}\n", dir.join("acl").display()));
            }
            for line in &o.listener_lines {
                c.push_str(line);
                c.push('\n');
            }
        };
        let tls = |c: &mut String| {
            let t = &self.tls_files;
            c.push_str(&format!("cafile {}\n", t.ca.display()));
            c.push_str(&format!("certfile {}\n", t.server_cert.display()));
            c.push_str(&format!("keyfile {}\n", t.server_key.display()));
        };
        let anonymous = !o.no_anonymous;
        let p = self.ports;
        c.push_str(&format!("\nlistener {} {HOST}\n", p.plain));
        common(&mut c, anonymous);
        if let Some(port) = p.auth {
            c.push_str(&format!("\nlistener {port} {HOST}\n"));
            common(&mut c, false);
        }
        if let Some(port) = p.tls {
            c.push_str(&format!("\nlistener {port} {HOST}\n"));
            common(&mut c, anonymous);
            tls(&mut c);
            c.push_str(&format!("require_certificate {}\n", o.require_certificate));
        }
        if let Some(port) = p.ws {
            c.push_str(&format!("\nlistener {port} {HOST}\nprotocol websockets\n"));
            common(&mut c, anonymous);
        }
        if let Some(port) = p.wss {
            c.push_str(&format!("\nlistener {port} {HOST}\nprotocol websockets\n"));
            common(&mut c, anonymous);
            tls(&mut c);
        }
        if o.unix {
            // Port 0 with a path: a Unix socket listener (mosquitto 2.0).
            c.push_str(&format!("\nlistener 0 {}\n", self.unix_path().display()));
            common(&mut c, anonymous);
        }
        c
    }

    /// Starts mosquitto with the current config and waits for every listener; on failure the
    /// error holds the log tail.
    fn spawn_and_wait(&mut self) -> Result<(), String> {
        let log = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .map_err(|e| format!("open {}: {e}", self.log.display()))?;
        let log2 = log
            .try_clone()
            .map_err(|e| format!("clone log handle: {e}"))?;
        let since = self.log_len();
        if self.options.unix {
            // A socket file left by a killed broker would block the new one.
            let _ = fs::remove_file(self.unix_path());
        }
        let mut cmd = Command::new(find_program("mosquitto"));
        clean_env(&mut cmd, Some(self.dir.path()));
        let child = cmd
            .arg("-c")
            .arg(&self.config)
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log2)
            .spawn()
            .map_err(|e| format!("cannot start mosquitto: {e}"))?;
        self.child = Some(child);
        self.paused = false;
        let deadline = Instant::now() + START_TIMEOUT;
        // mosquitto logs "running" once every listener is open. Waiting for it as well as for
        // TCP accepts catches a port taken by another process after we picked it.
        loop {
            let log = self.log_since(since);
            if log
                .lines()
                .any(|l| l.contains("mosquitto version") && l.ends_with(" running"))
            {
                break;
            }
            if let Some(err) = self.start_failure(deadline) {
                return Err(err);
            }
            thread::sleep(Duration::from_millis(10));
        }
        for port in self.ports.all() {
            let addr = SocketAddr::from(([127, 0, 0, 1], port));
            loop {
                if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                    break;
                }
                if let Some(err) = self.start_failure(deadline) {
                    return Err(format!("port {port}: {err}"));
                }
                thread::sleep(Duration::from_millis(10));
            }
        }
        while self.options.unix
            && std::os::unix::net::UnixStream::connect(self.unix_path()).is_err()
        {
            if let Some(err) = self.start_failure(deadline) {
                return Err(format!("unix socket: {err}"));
            }
            thread::sleep(Duration::from_millis(10));
        }
        Ok(())
    }

    /// Why start-up failed, if it has: the process exited or the deadline passed (then the
    /// process is killed).
    fn start_failure(&mut self, deadline: Instant) -> Option<String> {
        let exited = self
            .child
            .as_mut()
            .and_then(|c| c.try_wait().ok().flatten());
        let what = if let Some(status) = exited {
            self.child = None;
            format!("mosquitto exited ({status}) at start-up")
        } else if Instant::now() >= deadline {
            self.kill();
            format!("mosquitto not ready within {START_TIMEOUT:?}")
        } else {
            return None;
        };
        Some(format!(
            "{what}\nconfig ({}):\n{}\nlog tail:\n{}",
            self.config.display(),
            self.render_config(),
            self.log_tail(20)
        ))
    }

    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        self.paused = false;
    }

    /// Always "127.0.0.1": every listener binds to loopback.
    pub fn host(&self) -> &'static str {
        HOST
    }

    /// The plain TCP listener (anonymous allowed unless `.anonymous(false)`).
    pub fn port(&self) -> u16 {
        self.ports.plain
    }

    /// `-h 127.0.0.1 -p PORT` for the plain listener, to follow the subcommand:
    /// `mqtk().arg("pub").args(broker.args())`.
    pub fn args(&self) -> [String; 4] {
        [
            "-h".into(),
            HOST.into(),
            "-p".into(),
            self.ports.plain.to_string(),
        ]
    }

    /// `mqtt://127.0.0.1:PORT` for the plain listener.
    pub fn url(&self) -> String {
        format!("mqtt://{HOST}:{}", self.ports.plain)
    }

    /// The listener that refuses anonymous clients (needs `.auth(..)`).
    pub fn auth_port(&self) -> u16 {
        self.ports
            .auth
            .expect("broker built without .auth(..): no auth listener")
    }

    /// The TLS listener (needs `.tls(true)`).
    pub fn tls_port(&self) -> u16 {
        self.ports
            .tls
            .expect("broker built without .tls(true): no TLS listener")
    }

    /// The websockets listener (needs `.websockets(true)`).
    pub fn ws_port(&self) -> u16 {
        self.ports
            .ws
            .expect("broker built without .websockets(true): no websockets listener")
    }

    /// The websockets-over-TLS listener (needs `.wss(true)`).
    pub fn wss_port(&self) -> u16 {
        self.ports
            .wss
            .expect("broker built without .wss(true): no wss listener")
    }

    /// The Unix domain socket listener (needs `.unix_socket(true)`).
    pub fn unix_socket(&self) -> PathBuf {
        assert!(self.options.unix, "broker built without .unix_socket(true)");
        self.unix_path()
    }

    fn unix_path(&self) -> PathBuf {
        self.dir.path().join("mosquitto.sock")
    }

    /// The CA certificate (PEM) that signed the broker's and the client's certificates.
    pub fn ca_file(&self) -> &Path {
        &self.tls_files.ca
    }

    /// A CA certificate (PEM) that signed nothing here: verifying the broker with it fails.
    pub fn other_ca_file(&self) -> &Path {
        &self.tls_files.other_ca
    }

    /// A client certificate (PEM, CN `mqtk-test-client`) signed by [`Broker::ca_file`].
    pub fn client_cert(&self) -> &Path {
        &self.tls_files.client_cert
    }

    /// The private key (PEM, PKCS#8) of [`Broker::client_cert`].
    pub fn client_key(&self) -> &Path {
        &self.tls_files.client_key
    }

    /// The broker's temp dir (config, log, certificates); a handy place for test files too.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The broker's process id. Panics if it is stopped.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("broker is stopped").id()
    }

    /// Stops the broker cleanly (SIGTERM, then waits; SIGKILL after 5 s), so a persistent
    /// broker saves its database. Ports stay reserved for [`Broker::restart`] (nothing listens
    /// on them meanwhile: a client gets "connection refused").
    pub fn stop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        if self.paused {
            send_signal(child.id(), libc::SIGCONT);
            self.paused = false;
        }
        send_signal(child.id(), libc::SIGTERM);
        let deadline = Instant::now() + START_TIMEOUT;
        while child.try_wait().ok().flatten().is_none() {
            if Instant::now() >= deadline {
                let _ = child.kill();
                break;
            }
            thread::sleep(Duration::from_millis(10));
        }
        let _ = child.wait();
    }

    /// Stops the broker cleanly if it runs, then starts it again with the same ports and config
    /// and waits for its listeners.
    pub fn restart(&mut self) {
        self.stop();
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            match self.spawn_and_wait() {
                Ok(()) => return,
                // A port may linger a moment after the old process exits.
                Err(err) if err.contains("Address already in use") && Instant::now() < deadline => {
                    thread::sleep(Duration::from_millis(100));
                }
                Err(err) => panic!("restart failed: {err}"),
            }
        }
    }

    /// Freezes the broker (SIGSTOP): connections are still accepted by the kernel but nothing
    /// is answered, e.g. to test timeouts. Undo with [`Broker::resume`].
    pub fn pause(&mut self) {
        send_signal(self.pid(), libc::SIGSTOP);
        self.paused = true;
    }

    /// Continues a paused broker (SIGCONT).
    pub fn resume(&mut self) {
        send_signal(self.pid(), libc::SIGCONT);
        self.paused = false;
    }

    /// The broker's log so far (stderr and stdout, across restarts).
    pub fn log(&self) -> String {
        fs::read(&self.log)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    }

    /// The last `n` lines of the log, for failure messages.
    pub fn log_tail(&self, n: usize) -> String {
        let log = self.log();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(n)..].join("\n")
    }

    /// The log's current length in bytes: pass it to [`Broker::log_since`] or
    /// [`Broker::wait_subscribed`] to look only at what comes after.
    pub fn log_len(&self) -> u64 {
        fs::metadata(&self.log).map(|m| m.len()).unwrap_or(0)
    }

    /// The log from byte offset `since` (see [`Broker::log_len`]).
    pub fn log_since(&self, since: u64) -> String {
        let log = fs::read(&self.log).unwrap_or_default();
        let start = usize::try_from(since).unwrap_or(usize::MAX).min(log.len());
        String::from_utf8_lossy(&log[start..]).into_owned()
    }

    /// Whether the log after offset `since` shows a subscription by `client_id` to `filter`.
    pub fn subscribed_since(&self, since: u64, client_id: &str, filter: &str) -> bool {
        self.log_since(since)
            .lines()
            .any(|line| is_subscribe_line(line, client_id, filter))
    }

    /// Waits until the log after offset `since` (take it with [`Broker::log_len`] before
    /// starting the client) shows a subscription by `client_id` to `filter`; false on timeout.
    /// [`spawn_subscriber`] does this for you and also watches the process.
    pub fn wait_subscribed(
        &self,
        since: u64,
        client_id: &str,
        filter: &str,
        timeout: Duration,
    ) -> bool {
        poll_until(timeout, || self.subscribed_since(since, client_id, filter))
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A `log_type subscribe` line reads `TIMESTAMP: CLIENT_ID QOS FILTER`.
pub fn is_subscribe_line(line: &str, client_id: &str, filter: &str) -> bool {
    let Some((_, rest)) = line.split_once(": ") else {
        return false;
    };
    let mut parts = rest.splitn(3, ' ');
    parts.next() == Some(client_id)
        && parts.next().is_some_and(|q| q.parse::<u8>().is_ok())
        && parts.next() == Some(filter)
}

fn write_password_file(path: &Path, users: &[(String, String)]) {
    let passwd = find_program("mosquitto_passwd");
    for (i, (user, password)) in users.iter().enumerate() {
        let mut cmd = Command::new(&passwd);
        cmd.arg("-b");
        if i == 0 {
            cmd.arg("-c");
        }
        let out = cmd
            .arg(path)
            .arg(user)
            .arg(password)
            .output()
            .unwrap_or_else(|e| panic!("run mosquitto_passwd: {e}"));
        assert!(
            out.status.success(),
            "mosquitto_passwd failed for user {user}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// How long one client command in a test may run before the test fails.
pub const WAIT: Duration = Duration::from_secs(15);

/// Core cases run under both protocol versions.
pub const VERSIONS: [&str; 2] = ["311", "5"];

/// Output bytes as text for messages and comparisons.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs a command to completion, bounded by [`WAIT`].
pub fn run(cmd: &mut Command) -> Output {
    Background::spawn(cmd).wait(WAIT)
}

/// Asserts success, showing stdout and stderr otherwise.
#[track_caller]
pub fn assert_ok(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "{what} failed ({}):\nstdout: {}\nstderr: {}",
        out.status,
        text(&out.stdout),
        text(&out.stderr)
    );
}
