//! An MQTT session over a transport: the CONNECT/CONNACK handshake (with refusals turned into
//! exit codes), then a packet reader and a batching packet writer that commands drive from their
//! own loops, plus the keepalive clock.

use std::collections::HashMap;
use std::future::Future;
use std::task::Poll;
use std::time::Duration;

use bytes::{BufMut, BytesMut};
use rumqttc::mqttbytes::{self as m3, v4};
use rumqttc::v5::mqttbytes::v5::DisconnectProperties;
use rumqttc::v5::mqttbytes::{self as m5, v5};
use tokio::io::{AsyncReadExt, AsyncWriteExt, ReadHalf, WriteHalf};
use tokio::time::Instant;

use super::options::ConnectOptions;
use super::packet::{
    self, CodecError, Incoming, OutPublish, Outgoing, PROTOCOL_MAX_PACKET, qos3, qos5,
};
use super::reason;
use super::transport::{self, SocketHandle, Stream};
use super::version::ProtocolVersion;
use crate::error::io_reason;
use crate::error::{Failure, Kind, unreachable};
use crate::message::Message;
use crate::trace;

/// What the broker told us in its CONNACK.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnAckInfo {
    pub session_present: bool,
    /// How many QoS 1/2 publishes the broker accepts in flight (65,535 when it sets no limit).
    pub receive_maximum: u16,
    /// The largest packet the broker accepts.
    pub max_packet_size: usize,
    pub max_qos: u8,
    pub retain_available: bool,
    pub assigned_client_id: Option<String>,
    /// The keepalive the broker imposes, if it overrides ours (MQTT 5).
    pub server_keepalive: Option<u16>,
    /// MQTT 5 feature flags (absent means available) and limits, for `sys probe`.
    pub wildcard_available: bool,
    pub shared_available: bool,
    pub subscription_ids_available: bool,
    /// Topic aliases the broker accepts from us (0: none).
    pub topic_alias_max: u16,
    /// The session expiry the broker imposes, if it overrides ours (MQTT 5).
    pub session_expiry: Option<u32>,
}

impl ConnAckInfo {
    /// MQTT 5 brokers may announce limits in CONNACK; publishing over them would only get the
    /// connection closed, so it is refused here, before sending.
    pub fn check_limits(&self, qos: u8, retain: bool) -> anyhow::Result<()> {
        if qos > self.max_qos {
            return Err(crate::error::delivery(format!(
                "the broker accepts at most QoS {}, not {qos}",
                self.max_qos
            )));
        }
        if retain && !self.retain_available {
            return Err(crate::error::delivery(
                "the broker does not support retained messages",
            ));
        }
        Ok(())
    }
}

/// A connected session.
pub struct Session {
    pub reader: PacketReader,
    pub writer: PacketWriter,
    pub info: ConnAckInfo,
    pub keepalive: Keepalive,
    /// The `-D disconnect` properties for the DISCONNECT that ends the session.
    farewell: Option<DisconnectProperties>,
}

impl Session {
    /// Ends the session cleanly: DISCONNECT (so the broker discards the will), then waits (at
    /// most 1 s) for the broker to close. Closing a socket with unread data in it sends a reset,
    /// and a reset can make the broker drop what it had not read yet: the last acknowledgements
    /// (so `sub -C N` messages would come again), the last messages, the DISCONNECT itself.
    /// Bounded as a whole: a stalled broker must not hold up the exit.
    ///
    /// `nothing_to_come`: the broker has nothing more to send (plain TCP, a clean session
    /// without subscriptions and with nothing in flight, e.g. a one-shot `pub`). Then, unless
    /// something has arrived after all, the socket is closed at once: with nothing unread and
    /// nothing on the way, the close is an orderly FIN behind the DISCONNECT, never a reset, and
    /// waiting for the broker to be scheduled and close first only costs time.
    pub async fn disconnect(&mut self, nothing_to_come: bool) {
        let close = async {
            if self
                .writer
                .queue(&Outgoing::Disconnect(self.farewell.take()))
                .is_ok()
            {
                let _ = self.writer.flush().await;
            }
            self.writer.shutdown().await;
            if nothing_to_come
                && self.reader.pending_bytes() == 0
                && self.reader.unread_on_socket() == Some(0)
            {
                return;
            }
            while let Ok(Some(_)) = self.reader.try_next() {}
            while matches!(self.reader.fill().await, Ok(n) if n > 0) {
                while let Ok(Some(_)) = self.reader.try_next() {}
            }
        };
        let _ = tokio::time::timeout(Duration::from_secs(1), close).await;
    }
}

/// Opens the transport and performs the CONNECT/CONNACK handshake within the connect timeout.
pub async fn connect(opts: &ConnectOptions) -> anyhow::Result<Session> {
    let target = opts.describe_target();
    match tokio::time::timeout(opts.connect_timeout, handshake(opts)).await {
        Ok(result) => result,
        Err(_) => Err(unreachable(format!(
            "timed out after {:?} connecting to {target} (no CONNACK)",
            opts.connect_timeout
        ))),
    }
}

async fn handshake(opts: &ConnectOptions) -> anyhow::Result<Session> {
    let (stream, socket) = transport::open(opts).await?;
    handshake_on(opts, stream, socket).await
}

/// The CONNECT/CONNACK handshake over a stream opened elsewhere: an in-memory stream lets tests
/// and fuzz targets drive the whole client against a scripted broker.
pub async fn connect_over(opts: &ConnectOptions, stream: Stream) -> anyhow::Result<Session> {
    handshake_on(opts, stream, SocketHandle::default()).await
}

async fn handshake_on(
    opts: &ConnectOptions,
    stream: Stream,
    socket: SocketHandle,
) -> anyhow::Result<Session> {
    let target = opts.describe_target();
    let (rd, wr) = tokio::io::split(stream);
    let mut writer = PacketWriter::new(wr, opts.protocol, opts.debug);
    let mut reader = PacketReader::new(
        rd,
        socket,
        opts.protocol,
        opts.max_incoming_packet,
        opts.debug,
    );
    reader.aliases.max = opts
        .properties
        .connect
        .as_ref()
        .and_then(|c| c.topic_alias_max)
        .unwrap_or(0);

    encode_connect(opts, &mut writer.buf)?;
    trace!(
        opts.debug,
        "sending CONNECT ({}) as '{}'",
        connect_summary(opts),
        opts.client_id
    );
    writer.flush().await.map_err(|e| {
        unreachable(format!(
            "connection to {target} lost while sending CONNECT: {e:#}"
        ))
    })?;

    loop {
        if let Some(info) = read_connack(opts.protocol, &target, &mut reader.buf)? {
            trace!(
                opts.debug,
                "received CONNACK (session present {})", info.session_present
            );
            let keepalive = Keepalive::new(info.server_keepalive.unwrap_or(opts.keepalive));
            writer.max_packet = info.max_packet_size;
            return Ok(Session {
                reader,
                writer,
                info,
                keepalive,
                farewell: opts.properties.disconnect.clone(),
            });
        }
        let n = reader.fill().await.map_err(|e| {
            unreachable(format!(
                "connection to {target} failed before CONNACK: {e:#}"
            ))
        })?;
        if n == 0 {
            return Err(unreachable(format!(
                "{target} closed the connection without answering CONNECT (is it an MQTT broker, \
                 and does it accept this protocol version?)"
            )));
        }
    }
}

fn connect_summary(opts: &ConnectOptions) -> String {
    format!(
        "u{}, p{}, wr{}, wq{}, wf{}, c{}, k{}",
        opts.username.is_some() as u8,
        opts.password.is_some() as u8,
        opts.will.as_ref().is_some_and(|w| w.retain) as u8,
        opts.will.as_ref().map_or(0, |w| w.qos),
        opts.will.is_some() as u8,
        opts.clean as u8,
        opts.keepalive
    )
}

fn encode_connect(opts: &ConnectOptions, buf: &mut BytesMut) -> anyhow::Result<()> {
    let password = opts
        .password
        .as_ref()
        .map(|p| p.0.clone())
        .unwrap_or_default();
    if opts.protocol.is_v5() {
        let mut props = opts.properties.connect.clone().unwrap_or_default();
        props.session_expiry_interval = opts.session_expiry;
        let connect = v5::Connect {
            keep_alive: opts.keepalive,
            client_id: opts.client_id.clone(),
            clean_start: opts.clean,
            properties: Some(props),
        };
        let will = opts.will.as_ref().map(|w| {
            v5::LastWill::new(
                w.topic.clone(),
                w.payload.to_vec(),
                qos5(w.qos),
                w.retain,
                opts.properties.will.clone(),
            )
        });
        let login = opts
            .username
            .as_ref()
            .map(|u| v5::Login::new(u.clone(), password));
        connect
            .write(&will, &login, buf)
            .map_err(|e| anyhow::anyhow!("cannot encode CONNECT: {e:?}"))?;
    } else {
        let connect = v4::Connect {
            protocol: m3::Protocol::V4,
            keep_alive: opts.keepalive,
            client_id: opts.client_id.clone(),
            clean_session: opts.clean,
            last_will: opts.will.as_ref().map(|w| {
                v4::LastWill::new(w.topic.clone(), w.payload.to_vec(), qos3(w.qos), w.retain)
            }),
            login: opts
                .username
                .as_ref()
                .map(|u| v4::Login::new(u.clone(), password)),
        };
        let mut tmp = BytesMut::new();
        connect
            .write(&mut tmp)
            .map_err(|e| anyhow::anyhow!("cannot encode CONNECT: {e:?}"))?;
        if opts.protocol == ProtocolVersion::V31 {
            tmp = as_mqtt31(&tmp);
        }
        buf.extend_from_slice(&tmp);
    }
    Ok(())
}

/// The codec only writes MQTT 3.1.1's protocol name and level; MQTT 3.1 differs in exactly those
/// (`MQIsdp`, level 3), so the 3.1.1 encoding is rewritten.
fn as_mqtt31(v311: &[u8]) -> BytesMut {
    let mut i = 1;
    while v311[i] & 0x80 != 0 {
        i += 1;
    }
    // Variable header of 3.1.1: 00 04 'M' 'Q' 'T' 'T' 04
    let rest = &v311[i + 1 + 7..];
    let mut body = BytesMut::with_capacity(rest.len() + 9);
    body.extend_from_slice(b"\x00\x06MQIsdp\x03");
    body.extend_from_slice(rest);
    let mut out = BytesMut::with_capacity(body.len() + 5);
    out.put_u8(0x10);
    packet::put_remaining_length(&mut out, body.len());
    out.extend_from_slice(&body);
    out
}

/// Reads a CONNACK from the front of `buf` once it is complete (`Ok(None)` until then), from
/// `target` (named in errors). The return code is read from the raw bytes so that any refusal,
/// including codes the codec does not know and a 3.1.1-style refusal of an MQTT 5 CONNECT,
/// becomes a clear error.
pub fn read_connack(
    protocol: ProtocolVersion,
    target: &str,
    buf: &mut BytesMut,
) -> anyhow::Result<Option<ConnAckInfo>> {
    let Some(&first) = buf.first() else {
        return Ok(None);
    };
    if first != 0x20 {
        return Err(unreachable(format!(
            "{target} is not an MQTT broker (it answered CONNECT with {})",
            describe_garbage(buf)
        )));
    }
    // Fixed header: type byte and a 1-4 byte remaining length.
    let mut len: usize = 0;
    let mut i = 1;
    loop {
        let Some(&b) = buf.get(i) else {
            return Ok(None);
        };
        len |= ((b & 0x7f) as usize) << (7 * (i - 1));
        i += 1;
        if b & 0x80 == 0 {
            break;
        }
        if i > 4 {
            return Err(unreachable(format!("{target} sent a malformed CONNACK")));
        }
    }
    if buf.len() < i + len {
        return Ok(None);
    }
    if len < 2 {
        return Err(unreachable(format!("{target} sent a malformed CONNACK")));
    }
    let code = buf[i + 1];
    if code != 0 {
        let properties = if protocol.is_v5() {
            m5::v5::Packet::read(buf, None).ok().and_then(|p| match p {
                v5::Packet::ConnAck(c) => c.properties,
                _ => None,
            })
        } else {
            None
        };
        let (reason_string, server_reference) = properties
            .map(|p| (p.reason_string, p.server_reference))
            .unwrap_or_default();
        let mut text = reason::describe(code, code >= 0x80, reason_string.as_deref());
        if let Some(other) = server_reference {
            // "Use another server" (156) or "server moved" (157) name where to go.
            text.push_str(&format!("; it points to {other}"));
        }
        return Err(Failure::new(
            Kind::Refused(code),
            format!("{target} refused the connection: {text}"),
        )
        .into());
    }
    let session_present = buf[i] & 0x01 != 0;
    if !protocol.is_v5() {
        let _ = buf.split_to(i + len);
        return Ok(Some(ConnAckInfo {
            session_present,
            receive_maximum: u16::MAX,
            max_packet_size: PROTOCOL_MAX_PACKET,
            max_qos: 2,
            retain_available: true,
            assigned_client_id: None,
            server_keepalive: None,
            wildcard_available: true,
            shared_available: true,
            subscription_ids_available: false,
            topic_alias_max: 0,
            session_expiry: None,
        }));
    }
    match v5::Packet::read(buf, None) {
        Ok(v5::Packet::ConnAck(c)) => {
            let p = c.properties;
            let get = |f: fn(&v5::ConnAckProperties) -> Option<u32>| p.as_ref().and_then(f);
            Ok(Some(ConnAckInfo {
                session_present,
                receive_maximum: p.as_ref().and_then(|p| p.receive_max).unwrap_or(u16::MAX),
                max_packet_size: get(|p| p.max_packet_size)
                    .map_or(PROTOCOL_MAX_PACKET, |m| m as usize),
                max_qos: p.as_ref().and_then(|p| p.max_qos).unwrap_or(2),
                retain_available: p.as_ref().and_then(|p| p.retain_available) != Some(0),
                assigned_client_id: p
                    .as_ref()
                    .and_then(|p| p.assigned_client_identifier.clone()),
                server_keepalive: p.as_ref().and_then(|p| p.server_keep_alive),
                wildcard_available: p.as_ref().and_then(|p| p.wildcard_subscription_available)
                    != Some(0),
                shared_available: p.as_ref().and_then(|p| p.shared_subscription_available)
                    != Some(0),
                subscription_ids_available: p
                    .as_ref()
                    .and_then(|p| p.subscription_identifiers_available)
                    != Some(0),
                topic_alias_max: p.as_ref().and_then(|p| p.topic_alias_max).unwrap_or(0),
                session_expiry: get(|p| p.session_expiry_interval),
            }))
        }
        Ok(_) | Err(_) => Err(unreachable(format!("{target} sent a malformed CONNACK"))),
    }
}

fn describe_garbage(buf: &[u8]) -> String {
    let head: String = buf
        .iter()
        .take(24)
        .map(|&b| {
            if (0x20..0x7f).contains(&b) {
                b as char
            } else {
                '.'
            }
        })
        .collect();
    if head.starts_with("HTTP/") {
        "an HTTP response".to_string()
    } else if head.starts_with("SSH-") {
        "an SSH banner".to_string()
    } else if buf.first() == Some(&0x15) || buf.first() == Some(&0x16) {
        "a TLS record (use mqtts:// or --cafile)".to_string()
    } else {
        format!("bytes that are not MQTT: \"{head}\"")
    }
}

/// Decodes packets from the broker. Reading is cancel-safe, so it can sit in a `select!`.
pub struct PacketReader {
    rd: ReadHalf<Stream>,
    socket: SocketHandle,
    quickack: bool,
    /// Data was read and, with quickack on, its TCP acknowledgement has not been forced yet.
    ack_owed: bool,
    /// Reads come in batches (see [`set_batched`](Self::set_batched)).
    batched: bool,
    buf: BytesMut,
    chunk: usize,
    protocol: ProtocolVersion,
    max_packet: usize,
    debug: bool,
    aliases: TopicAliases,
    /// When the last read returned: the arrival time of what it brought.
    read_at: std::time::SystemTime,
    /// `read_at` in local time, made when the first PUBLISH of the read is decoded: the first
    /// conversion reads the time zone file, which a one-shot `pub` (no PUBLISH comes in) skips.
    read_at_local: Option<chrono::DateTime<chrono::Local>>,
}

/// Topic aliases the broker set on this connection (MQTT 5 §3.3.2.3.4). They live as long as
/// the network connection, like the reader, so a reconnect starts with none.
#[derive(Default)]
struct TopicAliases {
    /// The topic alias maximum mqtk sent in CONNECT (0: the broker must not use aliases).
    max: u16,
    topics: HashMap<u16, String>,
}

impl TopicAliases {
    /// Gives an aliased PUBLISH its topic back, and remembers a newly set alias.
    fn resolve(&mut self, m: &mut Message) -> anyhow::Result<()> {
        let Some(alias) = m.properties.as_ref().and_then(|p| p.topic_alias) else {
            return Ok(());
        };
        if alias == 0 || alias > self.max {
            return Err(unreachable(format!(
                "protocol error: the broker used topic alias {alias}, above the maximum of {} \
                 mqtk allowed",
                self.max
            )));
        }
        if m.topic.is_empty() {
            match self.topics.get(&alias) {
                Some(topic) => m.topic.clone_from(topic),
                None => {
                    return Err(unreachable(format!(
                        "protocol error: the broker used topic alias {alias} before setting it"
                    )));
                }
            }
        } else {
            self.topics.insert(alias, m.topic.clone());
        }
        Ok(())
    }
}

/// The first reads are small: an idle connection (bench conn holds thousands) only ever reads
/// CONNACK and PINGRESP, and the buffer a pending read reserves is its largest allocation. A read
/// that fills the buffer doubles the chunk, so a busy subscriber reaches `MAX_READ` within a few
/// reads.
const MIN_READ: usize = 256;
const MAX_READ: usize = 256 * 1024;

impl PacketReader {
    fn new(
        rd: ReadHalf<Stream>,
        socket: SocketHandle,
        protocol: ProtocolVersion,
        max_packet: usize,
        debug: bool,
    ) -> Self {
        PacketReader {
            rd,
            socket,
            quickack: false,
            ack_owed: false,
            batched: false,
            // Small at first: idle connections (bench conn) should cost little memory.
            buf: BytesMut::new(),
            chunk: MIN_READ,
            protocol,
            max_packet,
            debug,
            aliases: TopicAliases::default(),
            read_at: std::time::SystemTime::now(),
            read_at_local: None,
        }
    }

    /// The next packet from bytes already read, if a whole one is there.
    pub fn try_next(&mut self) -> anyhow::Result<Option<Incoming>> {
        let received = if self.buf.first().is_some_and(|b| b >> 4 == 3) {
            *self
                .read_at_local
                .get_or_insert_with(|| self.read_at.into())
        } else {
            // Only a PUBLISH carries its arrival time; nothing reads this one.
            chrono::DateTime::from_naive_utc_and_offset(
                chrono::NaiveDateTime::default(),
                chrono::FixedOffset::east_opt(0).expect("zero offset"),
            )
        };
        match packet::decode_at(self.protocol, &mut self.buf, self.max_packet, received) {
            Ok(mut p) => {
                if let Some(Incoming::Publish(m)) = &mut p {
                    self.aliases.resolve(m)?;
                }
                if let Some(p) = &p {
                    trace!(self.debug, "received {p}");
                }
                Ok(p)
            }
            Err(e @ CodecError::TooLarge { .. }) => Err(anyhow::anyhow!(
                "the broker sent a {e}; raise it with -D connect maximum-packet-size"
            )),
            Err(e) => Err(crate::error::unreachable(e.to_string())),
        }
    }

    /// The next packet, reading from the network as needed; `None` when the broker closed the
    /// connection.
    pub async fn next(&mut self) -> anyhow::Result<Option<Incoming>> {
        loop {
            if let Some(p) = self.try_next()? {
                return Ok(Some(p));
            }
            if self.fill().await? == 0 {
                return Ok(None);
            }
        }
    }

    /// Reads whatever the network has into the buffer; 0 means end of stream.
    pub async fn fill(&mut self) -> anyhow::Result<usize> {
        if self.buf.capacity() - self.buf.len() < self.chunk / 2 {
            self.buf.reserve(self.chunk);
        }
        let spare = self.buf.capacity() - self.buf.len();
        let n = self
            .rd
            .read_buf(&mut self.buf)
            .await
            .map_err(|e| anyhow::anyhow!("{}", io_reason(&e)))?;
        if self.quickack && n > 0 {
            self.ack_owed = true;
        }
        if n > 0 {
            self.read_at = std::time::SystemTime::now();
            self.read_at_local = None;
        }
        let (mut n, mut last, mut spare) = (n, n, spare);
        // A read that fills the buffer means traffic is heavy: read bigger chunks, and take what
        // else the socket holds now, without waiting, so a burst (a resumed session's queue)
        // is still decoded in one batch although the first reads are small.
        while last == spare && self.chunk < MAX_READ {
            self.chunk *= 2;
            self.buf.reserve(self.chunk);
            spare = self.buf.capacity() - self.buf.len();
            let more = std::future::poll_fn(|cx| {
                let read = std::pin::pin!(self.rd.read_buf(&mut self.buf));
                match read.poll(cx) {
                    Poll::Ready(r) => Poll::Ready(Some(r)),
                    Poll::Pending => Poll::Ready(None),
                }
            })
            .await;
            match more {
                Some(Ok(m)) if m > 0 => (n, last) = (n + m, m),
                // Nothing more now, or the end or an error, which the next read reports.
                _ => break,
            }
        }
        if self.batched && n > 0 && self.socket.is_plain() {
            n += self.take_released();
        }
        Ok(n)
    }

    /// Reads are batched: the caller lets data pile up on the socket before it reads (bench's
    /// `--coalesce`). A broker that leaves Nagle's algorithm on (mosquitto does) sends the first
    /// of its small packets (acknowledgements, messages) at once and holds the rest until that
    /// segment is ACKed, and a delayed ACK goes out only with our next write. Each batch would
    /// then be one packet, the next all the others: half the window per read. So after reading,
    /// ACK at once and take what that released in the same batch (two system calls, on plain
    /// TCP only: under TLS the bytes are not readable past the TLS layer).
    pub fn set_batched(&mut self, on: bool) {
        self.batched = on;
    }

    /// The ACK for what was read, then what the broker sent on receiving it (on loopback it is
    /// in the socket by the time the ACK's system call returns; a remote broker's comes later
    /// and is taken by the next batch).
    fn take_released(&mut self) -> usize {
        transport::ack_now(self.socket);
        self.ack_owed = false;
        let mut taken = 0;
        loop {
            if self.buf.capacity() - self.buf.len() < self.chunk / 2 {
                self.buf.reserve(self.chunk);
            }
            let spare = self.buf.capacity() - self.buf.len();
            let n = transport::read_now(self.socket, &mut self.buf);
            taken += n;
            // A short read emptied the socket; a broker that keeps writing waits for the next
            // batch rather than growing this one without end.
            if n < spare || taken >= MAX_READ {
                return taken;
            }
        }
    }

    /// Acknowledge received TCP data at once (see [`transport::quickack`]): worth its system call
    /// per read only when mqtk waits for acknowledgements to refill a window.
    pub fn set_quickack(&mut self, on: bool) {
        self.quickack = on;
        self.ack_owed = false;
    }

    /// Settles the TCP acknowledgement owed for data read so far, before the connection goes
    /// back to waiting. When `writing` (packets are about to be written) nothing is done: TCP
    /// carries the acknowledgement on that data for free, and the refilled window's publishes
    /// are what the broker is waiting for anyway. Otherwise one `TCP_QUICKACK` system call, so
    /// the broker's Nagle algorithm does not hold its next acknowledgement for our delayed ACK.
    pub fn settle_ack(&mut self, writing: bool) {
        if std::mem::take(&mut self.ack_owed) && !writing {
            transport::quickack(self.socket);
        }
    }

    /// Bytes the read buffer holds, read or reserved (what an idle connection pays).
    pub fn capacity(&self) -> usize {
        self.buf.capacity()
    }

    /// Bytes read but not yet decoded.
    pub fn pending_bytes(&self) -> usize {
        self.buf.len()
    }

    /// Bytes the kernel holds for this connection, not read yet (`None`: not known).
    pub fn unread_on_socket(&self) -> Option<usize> {
        transport::unread(self.socket)
    }
}

/// Encodes packets into a buffer and writes them in batches.
pub struct PacketWriter {
    wr: WriteHalf<Stream>,
    buf: BytesMut,
    protocol: ProtocolVersion,
    /// The largest packet the broker accepts (from CONNACK).
    max_packet: usize,
    debug: bool,
    last_write: Instant,
}

impl PacketWriter {
    fn new(wr: WriteHalf<Stream>, protocol: ProtocolVersion, debug: bool) -> Self {
        PacketWriter {
            wr,
            buf: BytesMut::new(),
            protocol,
            max_packet: PROTOCOL_MAX_PACKET,
            debug,
            last_write: Instant::now(),
        }
    }

    /// Encodes a packet into the write buffer (nothing is sent until [`flush`](Self::flush)).
    /// A packet larger than the broker accepts is an error.
    pub fn queue(&mut self, p: &Outgoing) -> anyhow::Result<()> {
        trace!(self.debug, "sending {p}");
        let result = packet::encode(self.protocol, p, &mut self.buf, self.max_packet);
        result.map_err(|e| self.encode_error(e))
    }

    /// Queues `p` as sent with identifier `pkid` and the DUP flag `dup` (see
    /// [`packet::encode_publish`]).
    pub fn queue_publish(&mut self, p: &OutPublish, pkid: u16, dup: bool) -> anyhow::Result<()> {
        trace!(
            self.debug,
            "sending {}",
            packet::publish_debug_line(p, pkid, dup)
        );
        let result =
            packet::encode_publish(self.protocol, p, pkid, dup, &mut self.buf, self.max_packet);
        result.map_err(|e| self.encode_error(e))
    }

    fn encode_error(&self, e: CodecError) -> anyhow::Error {
        match e {
            CodecError::TooLarge { .. } => {
                let whose = if self.max_packet < PROTOCOL_MAX_PACKET {
                    "the broker's limit"
                } else {
                    "MQTT's limit"
                };
                crate::error::delivery(format!("cannot publish: {e} ({whose})"))
            }
            e => anyhow::Error::new(e),
        }
    }

    /// Bytes queued but not yet written.
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// Writes everything queued. Cancel-safe: what was not written stays queued.
    pub async fn flush(&mut self) -> anyhow::Result<()> {
        while !self.buf.is_empty() {
            let n = self
                .wr
                .write_buf(&mut self.buf)
                .await
                .map_err(|e| anyhow::anyhow!("{}", io_reason(&e)))?;
            if n == 0 {
                anyhow::bail!("connection closed");
            }
        }
        self.wr
            .flush()
            .await
            .map_err(|e| anyhow::anyhow!("{}", io_reason(&e)))?;
        self.last_write = Instant::now();
        Ok(())
    }

    /// When the last write finished: the keepalive clock runs from here.
    pub fn last_write(&self) -> Instant {
        self.last_write
    }

    /// Closes the write side (after DISCONNECT); errors are irrelevant at that point.
    pub async fn shutdown(&mut self) {
        let _ = self.wr.shutdown().await;
    }
}

/// The keepalive clock: when to send PINGREQ, and when a missing PINGRESP means the broker is
/// gone. MQTT lets the server wait 1.5 x keepalive; mqtk gives up on a silent broker after
/// keepalive + half of it, so a stalled broker is detected within 2 x keepalive.
#[derive(Clone, Debug)]
pub struct Keepalive {
    interval: Option<Duration>,
    ping_sent: Option<Instant>,
}

/// What the keepalive clock asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum KeepaliveAction {
    SendPing,
    Dead,
}

impl Keepalive {
    pub fn new(seconds: u16) -> Self {
        Keepalive {
            interval: (seconds > 0).then(|| Duration::from_secs(seconds as u64)),
            ping_sent: None,
        }
    }

    /// The next instant at which [`due`](Self::due) has something to say (far future if never).
    pub fn deadline(&self, last_write: Instant) -> Instant {
        match (self.interval, self.ping_sent) {
            (None, _) => Instant::now() + Duration::from_secs(86_400 * 365),
            (Some(i), None) => last_write + i,
            (Some(i), Some(sent)) => sent + i / 2,
        }
    }

    /// What to do now.
    pub fn due(&mut self, now: Instant, last_write: Instant) -> Option<KeepaliveAction> {
        if now < self.deadline(last_write) {
            return None;
        }
        match self.ping_sent {
            None => {
                self.ping_sent = Some(now);
                Some(KeepaliveAction::SendPing)
            }
            Some(_) => Some(KeepaliveAction::Dead),
        }
    }

    /// Any packet from the broker proves it alive.
    pub fn heard_from_broker(&mut self) {
        self.ping_sent = None;
    }

    pub fn interval(&self) -> Option<Duration> {
        self.interval
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::PublishProperties;

    #[test]
    fn mqtt31_connect_has_the_old_protocol_name() {
        let mut buf = BytesMut::new();
        v4::Connect::new("abc").write(&mut buf).unwrap();
        let out = as_mqtt31(&buf);
        assert_eq!(out[0], 0x10);
        assert_eq!(out[1] as usize, out.len() - 2);
        assert_eq!(&out[2..11], b"\x00\x06MQIsdp\x03");
        assert_eq!(&out[11..], &buf[9..]);
    }

    #[test]
    fn keepalive_pings_then_declares_death() {
        let start = Instant::now();
        let mut k = Keepalive::new(10);
        assert_eq!(k.due(start, start), None);
        let t = start + Duration::from_secs(10);
        assert_eq!(k.due(t, start), Some(KeepaliveAction::SendPing));
        assert_eq!(k.due(t + Duration::from_secs(4), t), None);
        assert_eq!(
            k.due(t + Duration::from_secs(5), t),
            Some(KeepaliveAction::Dead)
        );
        k.heard_from_broker();
        assert_eq!(k.due(t + Duration::from_secs(5), t), None);
        assert_eq!(
            Keepalive::new(0).due(start + Duration::from_secs(1000), start),
            None
        );
    }

    fn aliased(topic: &str, alias: u16) -> Message {
        let mut m = Message::new(topic, "x");
        m.properties = Some(Box::new(PublishProperties {
            topic_alias: Some(alias),
            ..PublishProperties::default()
        }));
        m
    }

    #[test]
    fn topic_aliases_are_set_then_resolved() {
        let mut a = TopicAliases {
            max: 2,
            ..TopicAliases::default()
        };
        let mut plain = Message::new("t/plain", "x");
        a.resolve(&mut plain).unwrap();
        assert_eq!(plain.topic, "t/plain");
        a.resolve(&mut aliased("t/one", 1)).unwrap();
        let mut m = aliased("", 1);
        a.resolve(&mut m).unwrap();
        assert_eq!(m.topic, "t/one");
        // An alias can be set again to another topic.
        a.resolve(&mut aliased("t/two", 1)).unwrap();
        let mut m = aliased("", 1);
        a.resolve(&mut m).unwrap();
        assert_eq!(m.topic, "t/two");
    }

    #[test]
    fn topic_alias_errors_are_protocol_errors() {
        let mut a = TopicAliases {
            max: 2,
            ..TopicAliases::default()
        };
        let unset = a.resolve(&mut aliased("", 2)).unwrap_err();
        assert!(unset.to_string().contains("before setting it"), "{unset}");
        let above = a.resolve(&mut aliased("t", 3)).unwrap_err();
        assert!(above.to_string().contains("maximum of 2"), "{above}");
        let zero = a.resolve(&mut aliased("t", 0)).unwrap_err();
        assert!(zero.to_string().contains("alias 0"), "{zero}");
        let mut none_allowed = TopicAliases::default();
        assert!(none_allowed.resolve(&mut aliased("t", 1)).is_err());
    }

    #[test]
    fn a_refusal_names_the_server_it_points_to() {
        let mut opts = ConnectOptions::new(super::super::options::Target::Tcp {
            host: "localhost".into(),
            port: 1883,
        });
        opts.protocol = ProtocolVersion::V5;
        // CONNACK, reason 157 (server moved), Server Reference "other:1883".
        let mut raw = vec![0x20, 16, 0x00, 0x9D, 13, 0x1C, 0x00, 10];
        raw.extend_from_slice(b"other:1883");
        let target = opts.describe_target();
        let err = read_connack(opts.protocol, &target, &mut BytesMut::from(&raw[..])).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("(157)") && text.ends_with("; it points to other:1883"),
            "{text}"
        );
        assert_eq!(
            crate::error::kind_of(&err),
            Some(Kind::Refused(157)),
            "{text}"
        );
    }
}
