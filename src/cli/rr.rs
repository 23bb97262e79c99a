//! Flags of `mqtk rr`, request/response over MQTT 5 (as mosquitto_rr).

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::{ConnectArgs, OutputArgs, QosLevel, values};

pub const RR_LONG_ABOUT: &str = "\
Request/response over MQTT 5, as mosquitto_rr: subscribes to the response topic (-e) first, so \
the answer cannot be missed, then publishes the request to -t with that response topic and \
correlation data (random unless --correlation-data is given), and prints the responses that \
carry the same correlation data (others are ignored), with sub's output options (-v, -F, --json).

MQTT 3.1.1 has neither response topics nor correlation data: rr uses MQTT 5 unless told \
otherwise, and -V 311 is a usage error. `mqtk sub --respond CMD` is the other side.";

// `mqtk rr`.
#[derive(Args, Debug)]
pub struct RrArgs {
    #[command(flatten)]
    pub connect: ConnectArgs,

    /// Topic to send the request to
    #[arg(short = 't', long, value_name = "TOPIC", help_heading = "Request")]
    pub topic: String,

    /// Topic to receive the response on (sent as the request's response topic)
    #[arg(
        short = 'e',
        long = "response-topic",
        value_name = "TOPIC",
        help_heading = "Request"
    )]
    pub response_topic: String,

    #[command(flatten)]
    pub payload: RrPayloadArgs,

    /// Correlation data of the request [default: 32 random hex digits]
    #[arg(
        long = "correlation-data",
        value_name = "DATA",
        help_heading = "Request"
    )]
    pub correlation_data: Option<String>,

    /// Quality of service of the request and the response subscription: 0, 1 or 2
    #[arg(
        short = 'q',
        long,
        default_value = "0",
        value_name = "QOS",
        help_heading = "Request"
    )]
    pub qos: QosLevel,

    /// Exit after COUNT matching responses
    #[arg(short = 'C', long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..), value_name = "COUNT", help_heading = "Response")]
    pub count: u64,

    /// Give up waiting after this long (counted from connecting) and exit with code 27
    #[arg(short = 'W', long, value_parser = values::parse_duration, value_name = "SECONDS", help_heading = "Response")]
    pub timeout: Option<Duration>,

    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Args, Debug)]
#[group(required = true, multiple = false)]
#[command(next_help_heading = "Request payload (one of)")]
pub struct RrPayloadArgs {
    /// Request payload
    #[arg(short = 'm', long, value_name = "MESSAGE")]
    pub message: Option<String>,

    /// Send the contents of FILE as the request
    #[arg(short = 'f', long, value_name = "FILE")]
    pub file: Option<PathBuf>,

    /// Read standard input whole and send it as the request
    #[arg(short = 's', long = "stdin-file")]
    pub stdin_file: bool,

    /// Send an empty request
    #[arg(short = 'n', long = "null-message")]
    pub null_message: bool,
}

/// rr speaks MQTT 5 unless `-V` says otherwise (the connection flags default to 3.1.1 for the
/// other commands); a profile applied later may still choose the version.
pub fn default_to_v5(args: &mut RrArgs, matches: &clap::ArgMatches) {
    use clap::parser::ValueSource;
    let given = matches!(
        matches.value_source("protocol"),
        Some(ValueSource::CommandLine | ValueSource::EnvVariable)
    );
    if !given {
        args.connect.protocol = super::ProtocolVersion::V5;
    }
}
