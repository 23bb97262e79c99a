//! `mqtk rr`: one MQTT 5 request and its response(s), as event handlers on the client engine:
//! subscribe to the response topic, publish the request once the subscription is acknowledged,
//! print the responses whose correlation data matches.

use std::io::{IsTerminal, Read, Write};

use bytes::Bytes;
use tokio::time::{Instant, sleep_until};

use crate::cli::rr::RrArgs;
use crate::conn::{Client, Event, OutPublish, Setup, SubscribeFilter, reason, topic};
use crate::error::{Failure, Kind, delivery, io_reason, usage};
use crate::format::Formatter;
use crate::message::PublishProperties;
use crate::output;
use crate::signals::{Signals, interrupted};

#[inline(never)] // see `cmd::run`
pub fn run(args: RrArgs) -> anyhow::Result<()> {
    let opts = crate::cli::connect::connect_options(&args.connect)?;
    if !opts.protocol.is_v5() {
        return Err(usage(
            "mqtk rr needs MQTT 5 (MQTT 3.1.1 has no response topic or correlation data): \
             leave out -V or use -V 5",
        ));
    }
    topic::validate_topic(&args.topic).map_err(usage)?;
    topic::validate_topic(&args.response_topic)
        .map_err(|e| usage(format!("-e: {e} (the response topic is a topic name)")))?;
    let color = output::use_color(args.output.color, std::io::stdout().is_terminal());
    let formatter = Formatter::new(&args.output, color)?;
    let correlation = Bytes::from(
        args.correlation_data
            .clone()
            .unwrap_or_else(|| format!("{:032x}", rand::random::<u128>()))
            .into_bytes(),
    );
    let mut properties = opts.properties.publish.clone().unwrap_or_default();
    properties.response_topic = Some(args.response_topic.clone());
    properties.correlation_data = Some(correlation.clone());
    let request = OutPublish {
        topic: args.topic.as_str().into(),
        payload: payload(&args)?,
        qos: args.qos.0,
        retain: false,
        dup: false,
        pkid: 0,
        properties: Some(Box::new(properties)),
    };
    let exchange = Exchange {
        request,
        correlation,
        filter: SubscribeFilter {
            filter: args.response_topic.clone(),
            qos: args.qos.0,
            no_local: false,
            retain_as_published: false,
            retain_handling: 0,
        },
        count: args.count,
        timeout: args.timeout,
    };
    super::runtime()?.block_on(exchange.run(opts, formatter))
}

fn payload(args: &RrArgs) -> anyhow::Result<Bytes> {
    let p = &args.payload;
    Ok(if let Some(m) = &p.message {
        Bytes::from(m.clone().into_bytes())
    } else if let Some(path) = &p.file {
        let data = std::fs::read(path)
            .map_err(|e| usage(format!("-f {}: {}", path.display(), io_reason(&e))))?;
        Bytes::from(data)
    } else if p.stdin_file {
        let mut data = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut data)
            .map_err(|e| anyhow::anyhow!("reading standard input: {}", io_reason(&e)))?;
        Bytes::from(data)
    } else {
        Bytes::new()
    })
}

/// One request/response exchange.
struct Exchange {
    request: OutPublish,
    correlation: Bytes,
    filter: SubscribeFilter,
    count: u64,
    timeout: Option<std::time::Duration>,
}

/// Where the exchange stands.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stage {
    Subscribing,
    /// The request is out (acknowledged or not); waiting for responses.
    Requested,
}

impl Exchange {
    async fn run(
        self,
        opts: crate::conn::ConnectOptions,
        formatter: Formatter,
    ) -> anyhow::Result<()> {
        let mut signals = Signals::new()?;
        let setup = Setup {
            publishes: Some((self.request.qos, false)),
            ..Setup::default()
        };
        let deadline = self.timeout.map(|t| Instant::now() + t);
        let mut client: Client = signals
            .or_interrupt(Client::connect(opts, setup), || "not connected".into())
            .await?;
        client.subscribe(vec![self.filter.clone()], None)?;
        let mut stage = Stage::Subscribing;
        let mut printed = 0u64;
        let mut ignored = 0u64;
        let mut out = Vec::new();
        let far = Instant::now() + std::time::Duration::from_secs(86_400 * 365);

        loop {
            while let Some(event) = client.next_event()? {
                match event {
                    Event::Subscribed {
                        codes,
                        reason_string,
                        ..
                    } => {
                        if let Some(code) = codes.iter().find(|c| **c >= 0x80) {
                            return Err(delivery(format!(
                                "the broker refused the subscription to the response topic \
                                 '{}': {}",
                                self.filter.filter,
                                reason::describe(*code, true, reason_string.as_deref())
                            )));
                        }
                        // Subscribed again after a lost session: the request is not repeated.
                        if stage == Stage::Subscribing {
                            client.publish(self.request.clone(), ())?;
                            stage = Stage::Requested;
                        }
                    }
                    Event::Message(m) => {
                        client.ack(&m)?;
                        let matches = m
                            .properties
                            .as_deref()
                            .and_then(|p: &PublishProperties| p.correlation_data.as_ref())
                            == Some(&self.correlation);
                        if !matches || stage != Stage::Requested {
                            ignored += 1;
                            continue;
                        }
                        formatter.write(&m, &mut out)?;
                        printed += 1;
                        if printed >= self.count {
                            write_out(&mut out)?;
                            client.disconnect().await;
                            return Ok(());
                        }
                    }
                    Event::Refused { text, .. } => {
                        client.disconnect().await;
                        return Err(delivery(format!("the broker refused the request: {text}")));
                    }
                    Event::Link(link) => output::link(client.options(), &link),
                    Event::Delivered(()) | Event::Unsubscribed => {}
                }
            }
            write_out(&mut out)?;
            tokio::select! {
                r = client.io() => r?,
                _ = sleep_until(deadline.unwrap_or(far)) => {
                    client.disconnect().await;
                    return Err(Failure::new(Kind::Timeout, format!(
                        "timed out after {:?}: {printed} of {} response(s) received{}",
                        self.timeout.unwrap_or_default(),
                        self.count,
                        if ignored > 0 {
                            format!(" ({ignored} other message(s) on the response topic ignored)")
                        } else {
                            String::new()
                        }
                    )).into());
                }
                sig = signals.recv() => {
                    client.disconnect().await;
                    return Err(interrupted(sig, format!(
                        "{printed} of {} response(s) received", self.count
                    )));
                }
            }
        }
    }
}

fn write_out(out: &mut Vec<u8>) -> anyhow::Result<()> {
    if !out.is_empty() {
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(out)?;
        stdout.flush()?;
        out.clear();
    }
    Ok(())
}
