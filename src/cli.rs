//! The command-line definition (clap derive only). Help, man pages and shell completions are all
//! generated from these types, so they are the one source of truth for flags.
//!
//! Flags follow mosquitto_pub/mosquitto_sub where those have one, which is why clap's own `-h`
//! (help) and `-V` (version) shorts are given up: help is `--help`, version `--version`.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub mod bench;
#[cfg(feature = "broker")]
pub mod broker;
pub mod connect;
pub mod rr;
pub mod sys;
pub mod values;

pub use bench::BenchArgs;

pub use values::{ProtocolVersion, QosLevel};

#[derive(Parser, Debug)]
#[command(
    name = "mqtk",
    version,
    about = "A command-line MQTT toolkit: publish, subscribe and benchmark brokers",
    long_about = "A command-line MQTT toolkit. `mqtk pub` and `mqtk sub` take the flags of \
                  mosquitto_pub and mosquitto_sub; nothing published at QoS 1 or 2 is lost without \
                  an error and a non-zero exit code.",
    disable_help_flag = true,
    disable_version_flag = true,
    propagate_version = true,
    after_long_help = EXIT_CODES_HELP
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// Print help
    #[arg(long, action = clap::ArgAction::Help, global = true)]
    pub help: Option<bool>,

    /// Print help (only here: after a subcommand, -h is the broker host, as in mosquitto)
    #[arg(short = 'h', action = clap::ArgAction::Help, hide = true)]
    pub short_help: Option<bool>,

    /// Print version
    #[arg(long, action = clap::ArgAction::Version, global = true)]
    pub version: Option<bool>,

    /// Connection profile from the config file: its settings apply where flags and environment
    /// variables give none
    // No help heading: with deferred subcommands the global flags are added before a
    // subcommand's own, so a heading here would come first in every subcommand's help.
    #[arg(long, global = true, env = "MQTK_PROFILE", value_name = "NAME")]
    pub profile: Option<String>,

    /// Config file with the profiles [default: $XDG_CONFIG_HOME/mqtk/config.toml, else
    /// ~/.config/mqtk/config.toml]
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0    success
  1    other runtime error
  2    bad usage or bad input, detected before connecting (also options this build does not
       support: --psk, --tls-engine, --keyform, --tls-version tlsv1.1)
  3    broker unreachable (DNS, TCP, TLS, SOCKS5 proxy, connect timeout, not an MQTT server)
  1-5  connection refused, MQTT 3.1.1 CONNACK code (1 protocol version, 2 identifier rejected,
       3 server unavailable, 4 bad user name or password, 5 not authorised)
  128-162  connection refused, MQTT 5 CONNACK reason code (e.g. 135 not authorised)
  6    delivery failed: a QoS 1/2 message not acknowledged or refused, or a subscription refused
  7    a bench --assert or sys --check threshold failed, or a sys probe --fail-on finding
  8    sys: nothing arrived under $SYS within --wait
  27   -W timeout expired
  130  interrupted by SIGINT (143: SIGTERM) with work left undone; sub and broker exit 0";

const PUB_USAGE: &str = "mqtk pub -t TOPIC (-m MESSAGE | -f FILE | -s | -l | -n) [OPTIONS]";
const SUB_USAGE: &str = "mqtk sub -t FILTER [-t FILTER]... [OPTIONS]";
const PUB_SHORT_HELP: &str =
    "Common options only: `mqtk pub --help` lists every option, with the exit codes.";
const SUB_SHORT_HELP: &str =
    "Common options only: `mqtk sub --help` lists every option, with the exit codes.";

// Deferred: only the subcommand being run has its flags built. Building all of them (bench
// alone has ~90) was a quarter of a one-shot `pub`'s time. Doc comments on the `Args` structs
// would then override each subcommand's about text, so those structs have plain comments.
#[derive(Subcommand, Debug)]
#[command(defer = true)]
pub enum Command {
    /// Publish messages (flags as mosquitto_pub)
    #[command(name = "pub", disable_help_flag = true, args_override_self = true, override_usage = PUB_USAGE, after_help = PUB_SHORT_HELP, after_long_help = EXIT_CODES_HELP)]
    Pub(PubArgs),
    /// Subscribe to topics and print messages (flags as mosquitto_sub)
    #[command(name = "sub", disable_help_flag = true, args_override_self = true, override_usage = SUB_USAGE, after_help = SUB_SHORT_HELP, after_long_help = EXIT_CODES_HELP)]
    Sub(SubArgs),
    /// Benchmark a broker: throughput, loss, duplicates, latency percentiles; CI thresholds
    #[command(
        disable_help_flag = true,
        args_override_self = true,
        after_long_help = EXIT_CODES_HELP,
        args_conflicts_with_subcommands = true,
        disable_help_subcommand = true
    )]
    Bench(Box<BenchArgs>),
    /// Send a request and print the response (MQTT 5 request/response, as mosquitto_rr)
    #[command(disable_help_flag = true, args_override_self = true, long_about = rr::RR_LONG_ABOUT, after_long_help = EXIT_CODES_HELP)]
    Rr(rr::RrArgs),
    /// Run an MQTT broker in this process (for demos, tests and CI jobs)
    #[cfg(feature = "broker")]
    #[command(disable_help_flag = true, args_override_self = true, long_about = broker::BROKER_LONG_ABOUT, after_long_help = EXIT_CODES_HELP)]
    Broker(broker::BrokerArgs),
    /// List and show connection profiles (passwords redacted)
    #[command(disable_help_flag = true, long_about = PROFILE_LONG_ABOUT, after_long_help = EXIT_CODES_HELP)]
    Profile(ProfileArgs),
    /// A broker's $SYS tree: snapshot, live view (--watch), health checks, Prometheus exporter
    #[command(disable_help_flag = true, long_about = sys::SYS_LONG_ABOUT, after_long_help = EXIT_CODES_HELP)]
    Sys(sys::SysArgs),
    /// Write shell completions and man pages (used to refresh `completions/` and `man/`)
    #[command(hide = true, disable_help_flag = true)]
    Generate(GenerateArgs),
}

// Where and how to connect; shared by every subcommand.
#[derive(Args, Debug, Clone, Default)]
#[command(next_help_heading = "Connection")]
pub struct ConnectArgs {
    /// Broker host name or address (with -L: the later of the two wins)
    #[arg(short = 'h', long, default_value = "localhost")]
    pub host: String,

    /// Broker port [default: 1883; 8883 with TLS; 80/443 for ws/wss URLs]
    #[arg(short = 'p', long, value_parser = values::parse_port)]
    pub port: Option<u16>,

    /// Broker URL: mqtt[s]://[user[:pass]@]host[:port]/topic or ws[s]://host[:port]/path
    #[arg(short = 'L', long = "url", value_name = "URL")]
    pub url: Option<String>,

    /// Connect through a Unix domain socket instead of TCP
    #[arg(long, value_name = "PATH", conflicts_with_all = ["url", "port"])]
    pub unix: Option<PathBuf>,

    /// Local address to connect from
    #[arg(
        short = 'A',
        long = "bind-address",
        value_name = "ADDR",
        hide_short_help = true
    )]
    pub bind_address: Option<std::net::IpAddr>,

    /// Client identifier [default: mqtk- and random characters]
    #[arg(short = 'i', long = "id", value_name = "ID")]
    pub id: Option<String>,

    /// Client identifier prefix; the process id is appended
    #[arg(
        short = 'I',
        long = "id-prefix",
        value_name = "PREFIX",
        conflicts_with = "id",
        hide_short_help = true
    )]
    pub id_prefix: Option<String>,

    /// User name
    #[arg(short = 'u', long)]
    pub username: Option<String>,

    /// Password (prefer --pw-file or the MQTK_PASSWORD environment variable, used only with a
    /// user name: arguments show in `ps`)
    #[arg(short = 'P', long = "pw")]
    pub password: Option<String>,

    /// Read the password from the first line of FILE
    #[arg(
        long = "pw-file",
        value_name = "FILE",
        conflicts_with = "password",
        hide_short_help = true
    )]
    pub pw_file: Option<PathBuf>,

    /// Keepalive interval in seconds (0 disables it)
    #[arg(
        short = 'k',
        long,
        default_value_t = 60,
        value_name = "SECONDS",
        hide_short_help = true
    )]
    pub keepalive: u16,

    /// Keep the session when disconnected (persistent session; needs -i)
    #[arg(short = 'c', long = "disable-clean-session")]
    pub disable_clean_session: bool,

    /// MQTT 5 session expiry interval in seconds; -1 or ∞: never [default with -c: never
    /// expires]. Ignored, with a warning, under MQTT 3.1.1 (as mosquitto ignores it)
    #[arg(short = 'x', long = "session-expiry", value_name = "SECONDS", allow_negative_numbers = true, value_parser = values::parse_session_expiry, hide_short_help = true)]
    pub session_expiry: Option<u32>,

    /// MQTT protocol version: 311 (default), 5 or 31; also mqttv311, mqttv5, mqttv31, 3.1.1
    /// and 3.1
    #[arg(
        short = 'V',
        long = "protocol-version",
        default_value = "311",
        value_name = "VERSION"
    )]
    pub protocol: ProtocolVersion,

    /// MQTT 5 property, as mosquitto's: -D COMMAND NAME VALUE, or -D COMMAND user-property KEY
    /// VALUE. Commands: connect, publish, subscribe, unsubscribe, will, disconnect. Ignored,
    /// with a warning, under MQTT 3.1.1 (as mosquitto ignores it)
    #[arg(short = 'D', long = "property", num_args = 3..=4, value_names = ["COMMAND", "NAME", "VALUE"], action = clap::ArgAction::Append, hide_short_help = true)]
    pub property: Vec<String>,

    /// Give up connecting after this long (e.g. 10, 5s, 500ms)
    #[arg(long = "connect-timeout", default_value = "10s", value_parser = values::parse_duration, value_name = "DURATION", hide_short_help = true)]
    pub connect_timeout: Duration,

    /// Reconnect attempts after a lost connection: a number, 0 (fail at once) or inf / -1
    /// (never give up) [default: inf for sub and pub -l, which outlive broker restarts as
    /// mosquitto's clients do; 10 otherwise]
    #[arg(long = "reconnect-attempts", value_parser = values::parse_attempts, value_name = "N", hide_short_help = true)]
    pub reconnect_attempts: Option<u32>,

    /// Longest wait between reconnect attempts (backoff doubles from 100ms up to this)
    #[arg(long = "reconnect-max-delay", default_value = "5s", value_parser = values::parse_duration, value_name = "DURATION", hide_short_help = true)]
    pub reconnect_max_delay: Duration,

    /// Accepted for mosquitto compatibility: mqtk always disables Nagle's algorithm
    #[arg(long, hide_short_help = true)]
    pub nodelay: bool,

    /// Connect through a SOCKS5 proxy: socks5h://[user[:pass]@]host[:port] (port 1080 by
    /// default; the proxy resolves the broker's name)
    #[arg(
        long,
        value_name = "URL",
        conflicts_with = "unix",
        hide_short_help = true
    )]
    pub proxy: Option<String>,

    /// Where -h, -p and -t stood relative to -L on the command line (filled in after parsing,
    /// not a flag): the later one wins, as in mosquitto.
    #[arg(skip)]
    pub order: FlagOrder,

    /// Print a packet trace on stderr (passwords redacted)
    #[arg(short = 'd', long)]
    pub debug: bool,

    /// Print no warnings or progress on stderr (errors still show)
    #[arg(long)]
    pub quiet: bool,

    #[command(flatten)]
    pub will: WillArgs,

    #[command(flatten)]
    pub tls: TlsArgs,
}

#[derive(Args, Debug, Clone, Default)]
#[command(next_help_heading = "Last will")]
pub struct WillArgs {
    /// Topic of the last will message, sent by the broker if mqtk disconnects unexpectedly
    #[arg(long = "will-topic", value_name = "TOPIC", hide_short_help = true)]
    pub will_topic: Option<String>,

    /// Payload of the last will message
    #[arg(
        long = "will-payload",
        value_name = "PAYLOAD",
        requires = "will_topic",
        hide_short_help = true
    )]
    pub will_payload: Option<String>,

    /// QoS of the last will message
    #[arg(
        long = "will-qos",
        default_value = "0",
        value_name = "QOS",
        requires = "will_topic",
        hide_short_help = true
    )]
    pub will_qos: QosLevel,

    /// Retain the last will message
    #[arg(long = "will-retain", requires = "will_topic", hide_short_help = true)]
    pub will_retain: bool,
}

#[derive(Args, Debug, Clone, Default)]
#[command(next_help_heading = "TLS")]
pub struct TlsArgs {
    /// CA certificates (PEM) to verify the broker with; turns TLS on
    #[arg(long, value_name = "FILE")]
    pub cafile: Option<PathBuf>,

    /// Directory of CA certificates (PEM); turns TLS on
    #[arg(long, value_name = "DIR", hide_short_help = true)]
    pub capath: Option<PathBuf>,

    /// Client certificate (PEM) for certificate authentication
    #[arg(long, value_name = "FILE", requires = "key", hide_short_help = true)]
    pub cert: Option<PathBuf>,

    /// Client private key (PEM) for --cert
    #[arg(long, value_name = "FILE", requires = "cert", hide_short_help = true)]
    pub key: Option<PathBuf>,

    /// Use the operating system's CA certificates (the default for mqtts:// without --cafile)
    #[arg(long = "tls-use-os-certs", hide_short_help = true)]
    pub tls_use_os_certs: bool,

    /// Lowest TLS version to accept: tlsv1.2 or tlsv1.3 (TLS 1.1 and older are refused: rustls
    /// does not speak them)
    #[arg(long = "tls-version", value_name = "VERSION", hide_short_help = true)]
    pub tls_version: Option<TlsVersionArg>,

    /// TLS 1.2 cipher suites to offer, colon-separated, in OpenSSL (ECDHE-RSA-AES128-GCM-SHA256)
    /// or IANA (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256) spelling; TLS 1.3 suites are kept
    #[arg(long, value_name = "LIST", hide_short_help = true)]
    pub ciphers: Option<String>,

    /// TLS ALPN protocol to offer
    #[arg(long = "tls-alpn", value_name = "PROTOCOL", hide_short_help = true)]
    pub tls_alpn: Option<String>,

    /// Do not check that the broker's certificate names the host (as mosquitto's --insecure);
    /// the certificate must still be signed by a trusted CA
    #[arg(long)]
    pub insecure: bool,

    /// Accept ANY certificate: no CA, expiry or host name check at all. Anyone on the path can
    /// read and change the traffic; for throw-away test brokers only
    #[arg(long = "danger-accept-invalid-certs", hide_short_help = true)]
    pub danger_accept_invalid_certs: bool,

    /// Not supported by this build (rustls has no TLS-PSK): refused with a one-line reason
    #[arg(long, value_name = "KEY", hide = true)]
    pub psk: Option<String>,

    /// Not supported by this build (rustls has no TLS-PSK): refused with a one-line reason
    #[arg(long = "psk-identity", value_name = "IDENTITY", hide = true)]
    pub psk_identity: Option<String>,

    /// Not supported by this build (no OpenSSL engines): refused with a one-line reason
    #[arg(long = "tls-engine", value_name = "ENGINE", hide = true)]
    pub tls_engine: Option<String>,

    /// Not supported by this build (no OpenSSL engines): refused with a one-line reason
    #[arg(long = "tls-engine-kpass-sha1", value_name = "HASH", hide = true)]
    pub tls_engine_kpass_sha1: Option<String>,

    /// Not supported by this build (keys are PEM files): refused with a one-line reason
    #[arg(long, value_name = "FORM", hide = true)]
    pub keyform: Option<String>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TlsVersionArg {
    /// Refused with a reason: rustls does not speak TLS 1.0
    #[value(name = "tlsv1", hide = true)]
    Tls10,
    /// Refused with a reason: rustls does not speak TLS 1.1
    #[value(name = "tlsv1.1", hide = true)]
    Tls11,
    #[value(name = "tlsv1.2")]
    Tls12,
    #[value(name = "tlsv1.3")]
    Tls13,
}

/// Where the host, port and topic flags stood relative to `-L`: mosquitto reads options in order,
/// so the later one of `-L` and `-h`/`-p`/`-t` wins (for `sub`, `-t` adds to the URL's topic).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FlagOrder {
    pub host_after_url: bool,
    pub port_after_url: bool,
    pub topic_after_url: bool,
}

// `mqtk pub`.
#[derive(Args, Debug)]
pub struct PubArgs {
    /// Topic to publish to
    #[arg(short = 't', long, value_name = "TOPIC", help_heading = "Message")]
    pub topic: Option<String>,

    #[command(flatten)]
    pub payload: PayloadArgs,

    #[command(flatten)]
    pub template: TemplateArgs,

    #[command(flatten)]
    pub replay_opts: ReplayArgs,

    /// Quality of service: 0, 1 or 2
    #[arg(
        short = 'q',
        long,
        default_value = "0",
        value_name = "QOS",
        help_heading = "Message"
    )]
    pub qos: QosLevel,

    /// Ask the broker to retain the message
    #[arg(short = 'r', long, help_heading = "Message")]
    pub retain: bool,

    /// Publish the message this many times (0: until interrupted)
    #[arg(
        long,
        default_value_t = 1,
        value_name = "COUNT",
        help_heading = "Message"
    )]
    pub repeat: u64,

    /// Wait this long between repeated messages (seconds, or e.g. 5s, 500ms)
    #[arg(long = "repeat-delay", value_parser = values::parse_duration, value_name = "DURATION", help_heading = "Message")]
    pub repeat_delay: Option<Duration>,

    /// Most QoS 1/2 messages awaiting acknowledgement at once (MQTT 5: capped by the broker's
    /// Receive Maximum)
    #[arg(short = 'M', long = "max-inflight", default_value_t = 20, value_parser = clap::value_parser!(u16).range(1..), value_name = "N", help_heading = "Message")]
    pub max_inflight: u16,

    #[command(flatten)]
    pub connect: ConnectArgs,
}

#[derive(Args, Debug)]
#[group(required = true, multiple = false)]
#[command(next_help_heading = "Payload (one of)")]
pub struct PayloadArgs {
    /// Message payload
    #[arg(short = 'm', long, value_name = "MESSAGE")]
    pub message: Option<String>,

    /// Send the contents of FILE as the message
    #[arg(short = 'f', long, value_name = "FILE")]
    pub file: Option<PathBuf>,

    /// Read standard input whole and send it as one message
    #[arg(short = 's', long = "stdin-file")]
    pub stdin_file: bool,

    /// Read standard input and send each line as a message
    #[arg(short = 'l', long = "stdin-line")]
    pub stdin_line: bool,

    /// Send an empty (null) message
    #[arg(short = 'n', long = "null-message")]
    pub null_message: bool,

    /// Publish the messages of a `mqtk sub --json` capture (- for standard input): their topics,
    /// payloads, QoS, retain flags and MQTT 5 properties
    #[arg(long, value_name = "FILE", conflicts_with_all = ["topic", "template", "repeat", "repeat_delay", "qos", "retain"])]
    pub replay: Option<PathBuf>,
}

// How `pub --replay` replays a capture.
#[derive(Args, Debug, Clone, Default)]
#[command(next_help_heading = "Replay")]
pub struct ReplayArgs {
    /// Keep the recorded spacing, sped up by FACTOR (1: as recorded, 2: twice as fast)
    /// [default: as fast as possible]
    #[arg(long = "replay-speed", value_name = "FACTOR", requires = "replay", value_parser = crate::replay::parse_speed)]
    pub replay_speed: Option<f64>,

    /// Replace the topic prefix FROM with TO
    #[arg(long = "rewrite-prefix", num_args = 2, value_names = ["FROM", "TO"], requires = "replay")]
    pub rewrite_prefix: Vec<String>,

    /// Skip (and report) capture lines that are not messages instead of stopping
    #[arg(long = "skip-bad-lines", requires = "replay")]
    pub skip_bad_lines: bool,
}

// Payload templates and checks for `mqtk pub`.
#[derive(Args, Debug, Clone, Default)]
#[command(next_help_heading = "Templates")]
pub struct TemplateArgs {
    /// Expand {{...}} placeholders in the payload for every message: {{seq}} {{index}}
    /// {{int LO HI}} {{float LO HI [DECIMALS]}} {{now [STRFTIME]}} {{unix}} {{unix_ms}} {{uuid}}
    /// {{client_id}} {{topic}} {{env NAME}} {{line}} {{"TEXT"}} (with -l: each line is a
    /// template)
    #[arg(long)]
    pub template: bool,

    /// Seed for {{int}}, {{float}} and {{uuid}}, so a run can be repeated exactly
    #[arg(long, value_name = "N", requires = "template")]
    pub seed: Option<u64>,

    /// Refuse (exit 2) a payload that is not a JSON document, checked per message
    #[arg(long = "check-json")]
    pub check_json: bool,
}

// `mqtk sub`.
#[derive(Args, Debug)]
pub struct SubArgs {
    /// Topic filter to subscribe to (repeatable; + and # wildcards, $share/GROUP/... accepted)
    #[arg(
        short = 't',
        long = "topic",
        value_name = "FILTER",
        help_heading = "Subscription"
    )]
    pub topics: Vec<String>,

    /// Quality of service to subscribe with: 0, 1 or 2
    #[arg(
        short = 'q',
        long,
        default_value = "0",
        value_name = "QOS",
        help_heading = "Subscription"
    )]
    pub qos: QosLevel,

    /// Exit after printing COUNT messages (only those are acknowledged; the rest stay queued)
    #[arg(short = 'C', long, value_parser = clap::value_parser!(u64).range(1..), value_name = "COUNT", help_heading = "Subscription")]
    pub count: Option<u64>,

    /// Stop after this long (counted from connecting) and exit with code 27, as mosquitto_sub
    #[arg(short = 'W', long, value_parser = values::parse_timeout, value_name = "SECONDS", help_heading = "Subscription")]
    pub timeout: Option<Duration>,

    /// Do not print retained (stale) messages
    #[arg(short = 'R', long = "no-retained", help_heading = "Subscription")]
    pub no_retained: bool,

    /// Print only retained messages, and exit at the first message that is not retained
    #[arg(
        long = "retained-only",
        conflicts_with = "no_retained",
        help_heading = "Subscription"
    )]
    pub retained_only: bool,

    /// Clear every retained message received (publishes an empty retained message to its topic)
    #[arg(
        long = "remove-retained",
        help_heading = "Subscription",
        hide_short_help = true
    )]
    pub remove_retained: bool,

    /// MQTT 5: keep the retain flag as published
    #[arg(
        long = "retain-as-published",
        help_heading = "Subscription",
        hide_short_help = true
    )]
    pub retain_as_published: bool,

    /// MQTT 5: do not receive messages this client published
    #[arg(
        long = "no-local",
        help_heading = "Subscription",
        hide_short_help = true
    )]
    pub no_local: bool,

    /// MQTT 5 retain handling: 0 send retained, 1 only for new subscriptions, 2 never
    #[arg(long = "retain-handling", value_parser = clap::value_parser!(u8).range(0..=2), value_name = "N", help_heading = "Subscription", hide_short_help = true)]
    pub retain_handling: Option<u8>,

    /// Do not print messages whose topic matches FILTER (repeatable)
    #[arg(
        short = 'T',
        long = "filter-out",
        value_name = "FILTER",
        help_heading = "Subscription"
    )]
    pub filter_out: Vec<String>,

    /// Exit once subscribed
    #[arg(
        short = 'E',
        long = "exit-after-subscribe",
        help_heading = "Subscription"
    )]
    pub exit_after_subscribe: bool,

    /// Unsubscribe from FILTER (repeatable; useful with -c to clear a persistent session)
    #[arg(
        short = 'U',
        long = "unsubscribe",
        value_name = "FILTER",
        help_heading = "Subscription"
    )]
    pub unsubscribe: Vec<String>,

    /// Print only this percentage of the messages, picked at random (0.1 to 100, e.g. 10 or 0.5)
    #[arg(long = "random-filter", value_parser = values::parse_percentage, value_name = "PERCENT", help_heading = "Subscription", hide_short_help = true)]
    pub random_filter: Option<f64>,
    /// MQTT 5: answer each message with a response topic by running CMD (via sh -c) with the
    /// payload on standard input, and publishing its output to that topic with the request's
    /// correlation data
    #[arg(long, value_name = "CMD", help_heading = "Subscription")]
    pub respond: Option<String>,

    #[command(flatten)]
    pub output: OutputArgs,

    #[command(flatten)]
    pub connect: ConnectArgs,
}

// How received messages are printed.
#[derive(Args, Debug, Clone, Default)]
#[command(next_help_heading = "Output")]
pub struct OutputArgs {
    /// Print `topic payload` (`topic (null)` for an empty payload, as mosquitto_sub)
    #[arg(short = 'v', long)]
    pub verbose: bool,

    /// Print each message with a format string (mosquitto_sub's %-specifiers and escapes, and
    /// %{FIELD} for a field of a JSON payload: %{Value}, %{a.b.0}, %{/a/b/0}; wins over -v, as
    /// in mosquitto_sub)
    #[arg(short = 'F', long, value_name = "FORMAT", conflicts_with = "json")]
    pub format: Option<String>,

    /// Print one JSON object per message (NDJSON)
    #[arg(long, conflicts_with = "verbose")]
    pub json: bool,

    /// With -F %{FIELD}: a payload that is not JSON or lacks the field ends mqtk sub with an
    /// error (exit 1) instead of printing an empty value
    #[arg(long = "require-fields", requires = "format")]
    pub require_fields: bool,

    /// Indent --json output, and -F's %j/%J objects as mosquitto_sub --pretty does
    #[arg(long)]
    pub pretty: bool,

    /// Do not print a newline after each message
    #[arg(short = 'N', long = "no-eol")]
    pub no_eol: bool,

    /// Colour output: auto (only on a terminal, and not with NO_COLOR set), always or never
    #[arg(long, default_value = "auto", value_name = "WHEN")]
    pub color: ColorChoice,
}

#[derive(ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

// `mqtk profile`.
#[derive(Args, Debug)]
pub struct ProfileArgs {
    #[command(subcommand)]
    pub action: ProfileAction,
}

#[derive(Subcommand, Debug)]
pub enum ProfileAction {
    /// List the profiles of the config file
    List,
    /// Show one profile's settings (the --profile / MQTK_PROFILE one when NAME is left out)
    Show {
        /// Profile name
        name: Option<String>,
    },
}

pub const PROFILE_LONG_ABOUT: &str = "\
List and show connection profiles (passwords redacted).

Config file (TOML), e.g. ~/.config/mqtk/config.toml:

  [profiles.local]
  host = \"127.0.0.1\"          # or url = \"mqtts://broker.example:8883\"
  port = 1883
  protocol = 5                # 311, 5 or 31
  username = \"alice\"
  password_file = \"~/.mqtk-pw\" # or password = \"...\" (file mode 600)
  client_id_prefix = \"ci-\"
  qos = 1                     # default QoS of pub and sub
  cafile = \"ca.pem\"           # also capath, cert, key, insecure

Select one with --profile NAME or MQTK_PROFILE=NAME. Precedence: flags, then environment
variables (MQTK_PASSWORD), then the profile, then the built-in defaults.";

// Hidden `generate`: writes completions and man pages.
#[derive(Args, Debug)]
pub struct GenerateArgs {
    /// Directory to write `completions/` and `man/` into
    #[arg(long, default_value = ".", value_name = "DIR")]
    pub out_dir: PathBuf,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    /// The help's exit-code table is written by hand; this ties it to the one map in
    /// `error::exit_code`, kind by kind.
    #[test]
    fn exit_code_help_matches_the_exit_code_map() {
        use crate::error::{Failure, Kind, Signal, exit_code};
        let line_for = |code: u8| -> String {
            EXIT_CODES_HELP
                .lines()
                .find(|l| {
                    l.split_whitespace()
                        .next()
                        .is_some_and(|first| first == code.to_string())
                })
                .unwrap_or_else(|| panic!("no help line for exit code {code}"))
                .to_string()
        };
        for (kind, words) in [
            (Kind::Usage, "bad usage"),
            (Kind::Unreachable, "broker unreachable"),
            (Kind::Delivery, "delivery failed"),
            (Kind::Assertion, "threshold failed"),
            (Kind::Timeout, "-W timeout"),
            (Kind::NoData, "nothing arrived under $SYS"),
            (Kind::Interrupted(Signal::Int), "SIGINT"),
        ] {
            let code = exit_code(&Failure::new(kind, "x").into());
            assert!(line_for(code).contains(words), "{kind:?} -> {code}");
        }
        let term = exit_code(&Failure::new(Kind::Interrupted(Signal::Term), "x").into());
        assert!(line_for(130).contains(&format!("{term}: SIGTERM")));
        assert!(line_for(exit_code(&anyhow::anyhow!("x"))).contains("other runtime error"));
        assert!(EXIT_CODES_HELP.contains("128-162"));
        assert_eq!(
            exit_code(&Failure::new(Kind::Refused(135), "x").into()),
            135
        );
    }

    #[test]
    fn session_expiry_takes_minus_one_as_mosquitto_does() {
        let cli = Cli::try_parse_from(["mqtk", "sub", "-t", "a", "-x", "-1", "-V", "5"]).unwrap();
        let Command::Sub(args) = cli.command else {
            panic!("not sub");
        };
        assert_eq!(args.connect.session_expiry, Some(u32::MAX));
    }
}
