//! Flags of `mqtk broker`, the embedded broker for demos and CI jobs.

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::values;

/// `mqtk broker --help` and the man page's DESCRIPTION. (The exit-code table after it is the
/// shared one, so the man page generator treats every command alike.)
pub const BROKER_LONG_ABOUT: &str = "\
Run an MQTT broker in this process (MQTT 3.1.1 and 5, QoS 0/1/2, retained messages, persistent \
sessions, $SYS statistics), for demos, tests and CI jobs. It listens on 127.0.0.1 unless told \
otherwise and keeps everything in memory.

On start, one line per listener goes to stdout, e.g. `listening on mqtt://127.0.0.1:41883`, so a \
script can read the port it got with -p 0.

Password file (--passwords): one USER:SECRET per line; SECRET is a mosquitto_passwd hash ($7$ or \
$6$), an Argon2 PHC string, or the password in plain text. Lines starting with # are comments.

Exit status: SIGINT and SIGTERM are a normal shutdown here and exit 0 (not 130/143); a port in \
use exits 1; bad flags or unreadable or malformed password, certificate or key files exit 2.";

// `mqtk broker`.
#[derive(Args, Debug, Clone)]
pub struct BrokerArgs {
    /// MQTT port to listen on (0: pick a free port and print it)
    #[arg(
        short = 'p',
        long,
        default_value_t = 1883,
        value_name = "PORT",
        help_heading = "Listeners"
    )]
    pub port: u16,

    /// Address to listen on (anything but loopback without --passwords prints a warning)
    #[arg(
        long,
        default_value = "127.0.0.1",
        value_name = "ADDR",
        help_heading = "Listeners"
    )]
    pub listen: IpAddr,

    /// Also accept MQTT over WebSocket on PORT (path /mqtt; 0: pick a free port)
    #[arg(long = "ws-port", value_name = "PORT", help_heading = "Listeners")]
    pub ws_port: Option<u16>,

    /// Also accept MQTT over TLS on PORT [default with --tls-cert: 8883; 0: pick a free port]
    #[arg(
        long = "tls-port",
        value_name = "PORT",
        requires = "tls_cert",
        help_heading = "Listeners"
    )]
    pub tls_port: Option<u16>,

    /// Also accept MQTT over secure WebSocket on PORT (path /mqtt; needs --tls-cert)
    #[arg(long = "wss-port", value_name = "PORT", requires = "tls_cert", value_parser = values::parse_port, help_heading = "Listeners")]
    pub wss_port: Option<u16>,

    /// Server certificate chain (PEM) for the TLS listeners
    #[arg(
        long = "tls-cert",
        value_name = "FILE",
        requires = "tls_key",
        help_heading = "TLS"
    )]
    pub tls_cert: Option<PathBuf>,

    /// Private key (PEM) for --tls-cert
    #[arg(
        long = "tls-key",
        value_name = "FILE",
        requires = "tls_cert",
        help_heading = "TLS"
    )]
    pub tls_key: Option<PathBuf>,

    /// Require clients to log in with a user from FILE (mosquitto_passwd file or USER:PASSWORD lines)
    #[arg(long, value_name = "FILE", help_heading = "Authentication")]
    pub passwords: Option<PathBuf>,

    /// Let clients in without a user name: with --passwords, in addition to the users; without
    /// it, silences the warning for a non-loopback --listen
    #[arg(long = "allow-anonymous", help_heading = "Authentication")]
    pub allow_anonymous: bool,

    /// How often to republish $SYS/broker/... statistics (e.g. 10s, 500ms)
    #[arg(long = "sys-interval", default_value = "10s", value_parser = parse_sys_interval, value_name = "DURATION")]
    pub sys_interval: Duration,

    /// Messages queued per subscriber before QoS 0 ones are dropped (counted in
    /// $SYS/broker/publish/messages/dropped); the default holds a 1,000,000-message burst
    #[arg(
        long = "max-queued-messages",
        default_value_t = crate::broker::DEFAULT_MAX_QUEUED,
        value_parser = parse_queue_limit,
        value_name = "N"
    )]
    pub max_queued_messages: usize,

    /// Log client connects, disconnects and subscriptions on stderr
    #[arg(short = 'v', long)]
    pub verbose: bool,

    /// Print nothing on stderr but errors (the listening lines on stdout stay)
    #[arg(long, conflicts_with = "verbose")]
    pub quiet: bool,
}

/// At least one message: a queue of none could deliver nothing.
fn parse_queue_limit(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(0) => Err("the queue must hold at least 1 message".into()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("'{s}' is not a number of messages")),
    }
}

/// A positive duration: the statistics timer cannot tick every 0 s.
fn parse_sys_interval(s: &str) -> Result<Duration, String> {
    match values::parse_duration(s)? {
        d if d.is_zero() => Err("the $SYS interval must be more than 0".into()),
        d => Ok(d),
    }
}
