//! The embedded MQTT broker (`mqtk broker`, `mqtk bench --embedded-broker`): a thin layer over the
//! `mqtt5` crate's broker that picks safe defaults for a throwaway broker (loopback, memory-only
//! storage, no auth lock-out) and reports the addresses it really bound.
//!
//! Two ways in:
//! - async: [`start`] (or [`start_embedded`]) on the caller's tokio runtime, then
//!   [`EmbeddedBroker::shutdown`];
//! - sync: [`BackgroundBroker::start`] runs the broker on its own thread and runtime, so it is safe
//!   to call from anywhere (inside or outside a runtime) and keeps the broker's work off the
//!   caller's threads.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, anyhow};
use mqtt5::broker::config::{StorageBackend, StorageConfig, TlsConfig, WebSocketConfig};
use mqtt5::broker::{BrokerConfig, MqttBroker};

mod drops;
mod events;
mod passwords;

pub use drops::dropped;

pub use passwords::PasswordFile;

/// Path the WebSocket listeners answer on (the mqtt5 default, and what most web clients use).
pub const WS_PATH: &str = "/mqtt";

/// Default of `--max-queued-messages`: a subscriber's queue holds a burst of a million messages
/// from one publisher (mqtt5's own default, 10,000, drops about half of a 300,000-message QoS 0
/// burst on loopback). The queue grows only as messages wait, so an idle broker pays nothing.
pub const DEFAULT_MAX_QUEUED: usize = 1_000_000;

/// Where the drop count is published, as mosquitto names it.
pub const DROPPED_TOPIC: &str = "$SYS/broker/publish/messages/dropped";

/// Runtime threads for a broker: one per core, at most 4 (it is a test broker). `mqtk broker` and
/// `bench --embedded-broker` use the same, so an embedded run resembles a standalone broker
/// (except that it shares the machine's cores with the load generator).
pub fn worker_threads() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get().min(4))
}

/// Longest wait for a clean shutdown; the broker itself gives connections 5 s to close.
const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(10);

/// What to start. [`BrokerOptions::loopback`] gives the defaults used by `mqtk broker`.
#[derive(Debug, Clone)]
pub struct BrokerOptions {
    /// Address every listener binds to.
    pub listen: IpAddr,
    /// Plain MQTT port; 0 picks a free one. `None`: no plain listener (TLS only).
    pub port: Option<u16>,
    /// MQTT over WebSocket port (0 picks a free one).
    pub ws_port: Option<u16>,
    /// Certificate and key for the TLS listeners.
    pub tls: Option<TlsFiles>,
    /// MQTT over TLS port (needs `tls`).
    pub tls_port: Option<u16>,
    /// MQTT over WebSocket over TLS port (needs `tls`).
    pub wss_port: Option<u16>,
    /// Clients must log in with a user from this file (unless `allow_anonymous`).
    pub passwords: Option<PasswordFile>,
    /// With `passwords`: also let in clients that send no user name.
    pub allow_anonymous: bool,
    /// How often `$SYS/broker/...` statistics are republished.
    pub sys_interval: Duration,
    /// Log client connects, disconnects and subscriptions on stderr.
    pub log_events: bool,
    /// Messages queued per subscriber (per QoS lane) before QoS 0 ones are dropped.
    pub max_queued_messages: usize,
}

/// PEM certificate chain and private key files.
#[derive(Debug, Clone)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl BrokerOptions {
    /// Plain MQTT only, on `listen`, anonymous, `$SYS` every 10 s (mosquitto's default).
    pub fn loopback(listen: SocketAddr) -> BrokerOptions {
        BrokerOptions {
            listen: listen.ip(),
            port: Some(listen.port()),
            ws_port: None,
            tls: None,
            tls_port: None,
            wss_port: None,
            passwords: None,
            allow_anonymous: true,
            sys_interval: Duration::from_secs(10),
            log_events: false,
            max_queued_messages: DEFAULT_MAX_QUEUED,
        }
    }

    /// True when clients must present a user name and password.
    pub fn requires_auth(&self) -> bool {
        self.passwords.is_some() && !self.allow_anonymous
    }

    /// mqtt5 reports a port in use as a multi-line essay; trying the fixed ports first gives the
    /// usual one-line `Address already in use`. (A port taken in between still fails, just less
    /// tidily.)
    fn check_ports_free(&self) -> anyhow::Result<()> {
        let ports = [self.port, self.tls_port, self.ws_port, self.wss_port];
        for port in ports.into_iter().flatten().filter(|p| *p != 0) {
            let addr = SocketAddr::new(self.listen, port);
            std::net::TcpListener::bind(addr)
                .with_context(|| format!("cannot listen on {addr}"))?;
        }
        Ok(())
    }

    fn config(&self) -> anyhow::Result<BrokerConfig> {
        let at = |port: u16| SocketAddr::new(self.listen, port);
        let mut config = BrokerConfig::new()
            .with_bind_addresses(self.port.map(at).into_iter().collect())
            // A throwaway broker keeps sessions and retained messages in memory only: the mqtt5
            // default writes them under ./mqtt_storage, which would litter the caller's directory
            // and leak state from one CI run into the next.
            .with_storage(
                StorageConfig::new()
                    .with_backend(StorageBackend::Memory)
                    .with_persistence(true),
            )
            .with_sys_topics_interval(self.sys_interval)
            .with_client_channel_capacity(self.max_queued_messages.max(1));
        if let Some(port) = self.ws_port {
            config = config.with_websocket(
                WebSocketConfig::new()
                    .with_bind_address(at(port))
                    .with_path(WS_PATH),
            );
        }
        if self.tls_port.is_some() || self.wss_port.is_some() {
            let Some(files) = &self.tls else {
                anyhow::bail!(crate::error::usage(
                    "a TLS listener needs --tls-cert and --tls-key"
                ));
            };
            let mut tls = TlsConfig::new(files.cert.clone(), files.key.clone());
            // mqtt5 starts a TLS listener only when it has addresses; the WSS listener reuses
            // the TLS certificate settings, so with only a WSS port there are none.
            tls = tls.with_bind_addresses(self.tls_port.map(at).into_iter().collect());
            config = config.with_tls(tls);
            if let Some(port) = self.wss_port {
                if port == 0 {
                    anyhow::bail!(crate::error::usage(
                        "--wss-port needs an explicit port (0 cannot be reported back)"
                    ));
                }
                config = config.with_websocket_tls(
                    WebSocketConfig::new()
                        .with_bind_address(at(port))
                        .with_path(WS_PATH)
                        .with_tls(true),
                );
            }
        }
        Ok(config)
    }
}

/// One listener the broker really bound (port 0 resolved).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Listener {
    pub kind: ListenerKind,
    pub addr: SocketAddr,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListenerKind {
    Mqtt,
    Mqtts,
    Ws,
    Wss,
}

impl std::fmt::Display for Listener {
    /// As a URL a client can use: `mqtt://127.0.0.1:1883`, `ws://127.0.0.1:8080/mqtt`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.kind {
            ListenerKind::Mqtt => write!(f, "mqtt://{}", self.addr),
            ListenerKind::Mqtts => write!(f, "mqtts://{}", self.addr),
            ListenerKind::Ws => write!(f, "ws://{}{WS_PATH}", self.addr),
            ListenerKind::Wss => write!(f, "wss://{}{WS_PATH}", self.addr),
        }
    }
}

/// A broker running on the caller's tokio runtime. Dropping it signals a shutdown without
/// waiting for it; [`EmbeddedBroker::shutdown`] waits.
pub struct EmbeddedBroker {
    listeners: Vec<Listener>,
    shutdown: mqtt5::broker::BrokerShutdownHandle,
    /// `None` once the task has been awaited to completion.
    task: Option<tokio::task::JoinHandle<mqtt5::Result<()>>>,
    /// Publishes the drop count next to mqtt5's own `$SYS` topics.
    sys_task: tokio::task::JoinHandle<()>,
}

impl Drop for EmbeddedBroker {
    fn drop(&mut self) {
        self.shutdown.shutdown();
        self.sys_task.abort();
    }
}

impl std::fmt::Debug for EmbeddedBroker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmbeddedBroker")
            .field("listeners", &self.listeners)
            .finish_non_exhaustive()
    }
}

/// Starts a plain, anonymous broker on `listen` (port 0 picks a free port; see
/// [`EmbeddedBroker::local_addr`]). This is what `bench --embedded-broker` uses.
pub async fn start_embedded(listen: SocketAddr) -> anyhow::Result<EmbeddedBroker> {
    start(BrokerOptions::loopback(listen)).await
}

/// Binds every listener, starts the broker on the current tokio runtime and returns once it
/// accepts connections.
pub async fn start(options: BrokerOptions) -> anyhow::Result<EmbeddedBroker> {
    let mut config = options.config()?;
    options.check_ports_free()?;
    if options.log_events {
        config = config.with_event_handler(Arc::new(events::StderrLog));
    }
    let mut broker = MqttBroker::with_config(config)
        .await
        .map_err(|e| anyhow!("{e}"))
        .context("cannot start the broker")?;
    if let Some(passwords) = options.passwords.clone() {
        broker =
            broker.with_auth_provider(Arc::new(passwords.with_anonymous(options.allow_anonymous)));
    }
    let listeners = bound_listeners(&broker, &options)?;
    drops::install();
    let sys_task = tokio::spawn(publish_drops(broker.router(), options.sys_interval));
    let shutdown = broker.shutdown_handle();
    let mut ready = broker.ready_receiver();
    let task = tokio::spawn(async move { broker.run().await });
    // `run` flips `ready` once its accept loops are in place; if it fails first, the sender is
    // dropped and `wait_for` returns an error, and the task's result says why.
    let wait = tokio::time::timeout(Duration::from_secs(10), ready.wait_for(|r| *r)).await;
    match wait {
        Ok(Ok(_)) => Ok(EmbeddedBroker {
            listeners,
            shutdown,
            task: Some(task),
            sys_task,
        }),
        Ok(Err(_)) => match task.await {
            Ok(Err(e)) => Err(anyhow!("{e}").context("the broker failed to start")),
            _ => Err(anyhow!("the broker stopped while starting")),
        },
        Err(_) => {
            shutdown.shutdown();
            task.abort();
            Err(anyhow!("the broker did not become ready within 10 s"))
        }
    }
}

/// Republishes [`DROPPED_TOPIC`] (retained, like mqtt5's own `$SYS` topics) every `interval`.
async fn publish_drops(router: Arc<mqtt5::broker::router::MessageRouter>, interval: Duration) {
    use mqtt5::packet::publish::PublishPacket;
    let mut tick = tokio::time::interval(interval);
    loop {
        tick.tick().await;
        let value = dropped().to_string();
        let packet = PublishPacket::new(
            DROPPED_TOPIC,
            bytes::Bytes::from(value),
            mqtt5::QoS::AtMostOnce,
        )
        .with_retain(true);
        router.route_sys_message(&packet).await;
    }
}

/// mqtt5 only warns when an extra listener (TLS, WebSocket) cannot bind, and carries on without
/// it; a listener the user asked for and did not get is an error here.
fn bound_listeners(broker: &MqttBroker, options: &BrokerOptions) -> anyhow::Result<Vec<Listener>> {
    let wanted = [
        (ListenerKind::Mqtt, options.port, broker.local_addr()),
        (
            ListenerKind::Mqtts,
            options.tls_port,
            broker.tls_local_addr(),
        ),
        (ListenerKind::Ws, options.ws_port, broker.ws_local_addr()),
        // mqtt5 exposes no address for its WSS listener; `config` refuses port 0 for it, so the
        // port asked for is the port bound.
        (
            ListenerKind::Wss,
            options.wss_port,
            options.wss_port.map(|p| SocketAddr::new(options.listen, p)),
        ),
    ];
    let mut listeners = Vec::new();
    for (kind, port, bound) in wanted {
        let Some(port) = port else { continue };
        let Some(addr) = bound else {
            let what = Listener {
                kind,
                addr: SocketAddr::new(options.listen, port),
            };
            anyhow::bail!("cannot listen on {what} (address in use, or not allowed?)");
        };
        listeners.push(Listener { kind, addr });
    }
    Ok(listeners)
}

impl EmbeddedBroker {
    /// The plain MQTT listener's address (the first listener if there is no plain one).
    pub fn local_addr(&self) -> SocketAddr {
        main_addr(&self.listeners)
    }

    /// Every listener, in the order plain, TLS, WebSocket, secure WebSocket.
    pub fn listeners(&self) -> &[Listener] {
        &self.listeners
    }

    /// Stops accepting, disconnects the clients and waits (bounded) until the listeners are
    /// closed, so the ports can be bound again.
    pub async fn shutdown(mut self) -> anyhow::Result<()> {
        self.shutdown.shutdown();
        let Some(mut task) = self.task.take() else {
            return Ok(());
        };
        match tokio::time::timeout(SHUTDOWN_TIMEOUT, &mut task).await {
            Ok(joined) => task_result(joined),
            Err(_) => {
                task.abort();
                Err(anyhow!(
                    "the broker did not stop within {SHUTDOWN_TIMEOUT:?}"
                ))
            }
        }
    }

    /// Resolves when the broker stops on its own (it normally runs until [`Self::shutdown`]).
    pub async fn stopped(&mut self) -> anyhow::Result<()> {
        let Some(task) = self.task.as_mut() else {
            return Ok(());
        };
        let joined = task.await;
        self.task = None;
        task_result(joined)
    }
}

fn task_result(joined: Result<mqtt5::Result<()>, tokio::task::JoinError>) -> anyhow::Result<()> {
    match joined {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(anyhow!("{e}").context("broker")),
        Err(e) => Err(anyhow!("broker task failed: {e}")),
    }
}

/// The plain MQTT listener, else the first one (there is always at least one).
fn main_addr(listeners: &[Listener]) -> SocketAddr {
    listeners
        .iter()
        .find(|l| l.kind == ListenerKind::Mqtt)
        .or(listeners.first())
        .map_or(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0), |l| {
            l.addr
        })
}

/// A broker on its own thread and multi-threaded runtime, driven by a synchronous API. Dropping
/// it shuts the broker down too (without reporting errors).
pub struct BackgroundBroker {
    listeners: Vec<Listener>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<anyhow::Result<()>>>,
}

impl BackgroundBroker {
    /// Starts the broker with `worker_threads` runtime threads and returns once it accepts
    /// connections.
    pub fn start(options: BrokerOptions, worker_threads: usize) -> anyhow::Result<Self> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(worker_threads.max(1))
            .thread_name("mqtk-broker")
            .enable_all()
            .build()
            .context("cannot create the broker's runtime")?;
        let (started_tx, started_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("mqtk-broker".into())
            .spawn(move || {
                runtime.block_on(async move {
                    let broker = match start(options).await {
                        Ok(broker) => broker,
                        Err(e) => {
                            let _ = started_tx.send(Err(e));
                            return Ok(());
                        }
                    };
                    let _ = started_tx.send(Ok(broker.listeners.clone()));
                    // Either an explicit stop or the handle being dropped ends the broker.
                    let _ = stop_rx.await;
                    broker.shutdown().await
                })
            })
            .context("cannot start the broker thread")?;
        let listeners = match started_rx.recv_timeout(Duration::from_secs(15)) {
            Ok(Ok(listeners)) => listeners,
            Ok(Err(e)) => {
                let _ = thread.join();
                return Err(e);
            }
            Err(_) => return Err(anyhow!("the broker did not start within 15 s")),
        };
        Ok(BackgroundBroker {
            listeners,
            stop: Some(stop_tx),
            thread: Some(thread),
        })
    }

    /// See [`EmbeddedBroker::local_addr`].
    pub fn local_addr(&self) -> SocketAddr {
        main_addr(&self.listeners)
    }

    pub fn listeners(&self) -> &[Listener] {
        &self.listeners
    }

    /// Shuts the broker down and waits for its thread.
    pub fn stop(mut self) -> anyhow::Result<()> {
        self.stop_inner()
    }

    fn stop_inner(&mut self) -> anyhow::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.thread.take().map(std::thread::JoinHandle::join) {
            Some(Ok(result)) => result,
            Some(Err(_)) => Err(anyhow!("the broker thread panicked")),
            None => Ok(()),
        }
    }
}

impl Drop for BackgroundBroker {
    fn drop(&mut self) {
        let _ = self.stop_inner();
    }
}
