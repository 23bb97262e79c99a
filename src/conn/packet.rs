//! Our protocol-neutral packets, encoded and decoded with rumqttc's public codecs for MQTT 3.1.1
//! (`mqttbytes::v4`) and MQTT 5 (`v5::mqttbytes::v5`). Nothing else in mqtk touches the codecs'
//! types, so the rest of the program sees one packet model whatever the protocol.

use std::fmt;

use bytes::{Bytes, BytesMut};
use chrono::{DateTime, Local};
use rumqttc::mqttbytes::{self as m3, v4};
use rumqttc::v5::mqttbytes::{self as m5, v5};

use super::version::ProtocolVersion;
use crate::message::{Message, PublishProperties};

/// The largest packet MQTT can express (remaining length 268,435,455 plus 5 header bytes).
pub const PROTOCOL_MAX_PACKET: usize = 268_435_460;

/// A packet mqtk sends.
#[derive(Clone, Debug)]
pub enum Outgoing {
    Publish(OutPublish),
    PubAck(u16),
    PubRec(u16),
    PubRel(u16),
    PubComp(u16),
    Subscribe {
        pkid: u16,
        filters: Vec<SubscribeFilter>,
        /// MQTT 5 subscription identifier and user properties.
        properties: Option<v5::SubscribeProperties>,
    },
    Unsubscribe {
        pkid: u16,
        filters: Vec<String>,
        properties: Option<v5::UnsubscribeProperties>,
    },
    PingReq,
    /// With the `-D disconnect` properties (MQTT 5).
    Disconnect(Option<v5::DisconnectProperties>),
}

/// An outgoing PUBLISH.
#[derive(Clone, Debug, Default)]
pub struct OutPublish {
    /// Shared, not owned: a bench publisher sends every message to one topic, and a copy of the
    /// string per message was an allocation and a free per message.
    pub topic: std::sync::Arc<str>,
    pub payload: Bytes,
    pub qos: u8,
    pub retain: bool,
    pub dup: bool,
    pub pkid: u16,
    /// Boxed: a publish is moved into the in-flight map and through the writer, and the
    /// properties inline made each move a copy of about 200 bytes.
    pub properties: Option<Box<PublishProperties>>,
}

/// One filter of a SUBSCRIBE, with the MQTT 5 subscription options (ignored under 3.1.1).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SubscribeFilter {
    pub filter: String,
    pub qos: u8,
    pub no_local: bool,
    pub retain_as_published: bool,
    /// 0 send retained messages, 1 only for a new subscription, 2 never.
    pub retain_handling: u8,
}

/// A packet mqtk received, with reason codes as numbers (MQTT 3.1.1 acknowledgements are 0).
#[derive(Clone, Debug, PartialEq)]
pub enum Incoming {
    Publish(Message),
    PubAck {
        pkid: u16,
        reason: u8,
        reason_string: Option<String>,
    },
    PubRec {
        pkid: u16,
        reason: u8,
        reason_string: Option<String>,
    },
    PubRel {
        pkid: u16,
    },
    PubComp {
        pkid: u16,
        reason: u8,
    },
    SubAck {
        pkid: u16,
        /// Granted QoS (0-2) or a failure code (>= 0x80) per filter.
        codes: Vec<u8>,
        reason_string: Option<String>,
    },
    UnsubAck {
        pkid: u16,
    },
    PingResp,
    /// A DISCONNECT from the server (MQTT 5 only; carries its reason).
    Disconnect {
        reason: u8,
        reason_string: Option<String>,
    },
    /// A packet a client should never receive (CONNECT, SUBSCRIBE, ...) or an extra CONNACK.
    Unexpected(&'static str),
}

/// mosquitto's `-d` style, one line per packet: `PUBLISH (d0, q1, r0, m7, 'topic', ... (5
/// bytes))`, `SUBSCRIBE (m1, 'a/#' q1)`, `PUBACK (m7)`.
impl fmt::Display for Outgoing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outgoing::Publish(p) => publish_line(
                f,
                (p.dup, p.qos, p.retain, p.pkid),
                &p.topic,
                p.payload.len(),
            ),
            Outgoing::PubAck(id) => write!(f, "PUBACK (m{id})"),
            Outgoing::PubRec(id) => write!(f, "PUBREC (m{id})"),
            Outgoing::PubRel(id) => write!(f, "PUBREL (m{id})"),
            Outgoing::PubComp(id) => write!(f, "PUBCOMP (m{id})"),
            Outgoing::Subscribe { pkid, filters, .. } => {
                write!(f, "SUBSCRIBE (m{pkid}")?;
                for s in filters {
                    write!(f, ", '{}' q{}", s.filter, s.qos)?;
                    let options = u8::from(s.no_local) << 2
                        | u8::from(s.retain_as_published) << 3
                        | s.retain_handling << 4;
                    if options != 0 {
                        write!(f, " options 0x{options:02x}")?;
                    }
                }
                f.write_str(")")
            }
            Outgoing::Unsubscribe { pkid, filters, .. } => {
                write!(f, "UNSUBSCRIBE (m{pkid}")?;
                for filter in filters {
                    write!(f, ", '{filter}'")?;
                }
                f.write_str(")")
            }
            Outgoing::PingReq => f.write_str("PINGREQ"),
            Outgoing::Disconnect(_) => f.write_str("DISCONNECT"),
        }
    }
}

impl fmt::Display for Incoming {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Name, identifier, reason code and reason string of the packets that carry them.
        let with_reason =
            |f: &mut fmt::Formatter<'_>, name, id: Option<u16>, rc, r: &Option<String>| {
                write!(f, "{name} (")?;
                if let Some(id) = id {
                    write!(f, "m{id}, ")?;
                }
                write!(f, "rc{rc}")?;
                if let Some(r) = r {
                    write!(f, ", '{r}'")?;
                }
                f.write_str(")")
            };
        match self {
            Incoming::Publish(m) => publish_line(
                f,
                (m.dup, m.qos, m.retain, m.pkid),
                &m.topic,
                m.payload.len(),
            ),
            Incoming::PubAck {
                pkid,
                reason,
                reason_string,
            } => with_reason(f, "PUBACK", Some(*pkid), *reason, reason_string),
            Incoming::PubRec {
                pkid,
                reason,
                reason_string,
            } => with_reason(f, "PUBREC", Some(*pkid), *reason, reason_string),
            Incoming::PubRel { pkid } => write!(f, "PUBREL (m{pkid})"),
            Incoming::PubComp { pkid, reason } => {
                with_reason(f, "PUBCOMP", Some(*pkid), *reason, &None)
            }
            Incoming::SubAck {
                pkid,
                codes,
                reason_string,
            } => {
                let codes: Vec<String> = codes.iter().map(u8::to_string).collect();
                write!(f, "SUBACK (m{pkid}, {})", codes.join(", "))?;
                match reason_string {
                    Some(r) => write!(f, " '{r}'"),
                    None => Ok(()),
                }
            }
            Incoming::UnsubAck { pkid } => write!(f, "UNSUBACK (m{pkid})"),
            Incoming::PingResp => f.write_str("PINGRESP"),
            Incoming::Disconnect {
                reason,
                reason_string,
            } => with_reason(f, "DISCONNECT", None, *reason, reason_string),
            Incoming::Unexpected(what) => write!(f, "{what} (unexpected)"),
        }
    }
}

/// The `-d` line of `p` sent with identifier `pkid` and DUP flag `dup`.
pub(crate) fn publish_debug_line(p: &OutPublish, pkid: u16, dup: bool) -> String {
    format!(
        "PUBLISH (d{}, q{}, r{}, m{pkid}, '{}', ... ({} bytes))",
        u8::from(dup),
        p.qos,
        u8::from(p.retain),
        p.topic,
        p.payload.len()
    )
}

fn publish_line(
    f: &mut fmt::Formatter<'_>,
    (dup, qos, retain, pkid): (bool, u8, bool, u16),
    topic: &str,
    len: usize,
) -> fmt::Result {
    write!(
        f,
        "PUBLISH (d{}, q{qos}, r{}, m{pkid}, '{topic}', ... ({len} bytes))",
        u8::from(dup),
        u8::from(retain)
    )
}

/// Decoding/encoding failure, worded for users.
#[derive(Debug, thiserror::Error)]
pub enum CodecError {
    #[error("the server sent a malformed packet ({0})")]
    Malformed(String),
    #[error("packet of {size} bytes exceeds the maximum packet size of {max} bytes")]
    TooLarge { size: usize, max: usize },
}

pub(crate) fn qos3(q: u8) -> m3::QoS {
    match q {
        0 => m3::QoS::AtMostOnce,
        1 => m3::QoS::AtLeastOnce,
        _ => m3::QoS::ExactlyOnce,
    }
}

pub(crate) fn qos5(q: u8) -> m5::QoS {
    match q {
        0 => m5::QoS::AtMostOnce,
        1 => m5::QoS::AtLeastOnce,
        _ => m5::QoS::ExactlyOnce,
    }
}

/// Appends the encoding of `packet` to `buf`. `max` is the largest packet the server accepts.
pub fn encode(
    protocol: ProtocolVersion,
    packet: &Outgoing,
    buf: &mut BytesMut,
    max: usize,
) -> Result<(), CodecError> {
    encode_as(protocol, packet, None, buf, max)
}

/// Appends the encoding of `publish` sent with identifier `pkid` and the DUP flag `dup`, whatever
/// its own fields say: the engine keeps one copy of each unacknowledged message and encodes it
/// from there, without another copy per sending.
pub fn encode_publish(
    protocol: ProtocolVersion,
    publish: &OutPublish,
    pkid: u16,
    dup: bool,
    buf: &mut BytesMut,
    max: usize,
) -> Result<(), CodecError> {
    // The wrapper only borrows: Outgoing::Publish needs an owned value, so the publish goes
    // through `encode_as` with its identifier and DUP flag given apart.
    encode_as(
        protocol,
        &Outgoing::PingReq,
        Some((publish, pkid, dup)),
        buf,
        max,
    )
}

fn encode_as(
    protocol: ProtocolVersion,
    packet: &Outgoing,
    publish: Option<(&OutPublish, u16, bool)>,
    buf: &mut BytesMut,
    max: usize,
) -> Result<(), CodecError> {
    if let Some((p, pkid, dup)) = publish
        && plain_publish(protocol.is_v5(), p, pkid, dup, buf, max)
    {
        return Ok(());
    }
    if publish.is_none()
        && max >= SHORT_ACK_LEN
        && let Some((first, pkid)) = short_ack_out(packet)
    {
        let [hi, lo] = pkid.to_be_bytes();
        buf.extend_from_slice(&[first, 2, hi, lo]);
        return Ok(());
    }
    let result = if protocol.is_v5() {
        encode5(packet, publish, buf, max)
    } else {
        encode4(packet, publish, buf, max)
    };
    result.map_err(|e| match e {
        Enc::TooLarge(size) => CodecError::TooLarge { size, max },
        Enc::Other(msg) => CodecError::Malformed(msg),
    })
}

enum Enc {
    TooLarge(usize),
    Other(String),
}

fn encode4(
    packet: &Outgoing,
    publish: Option<(&OutPublish, u16, bool)>,
    buf: &mut BytesMut,
    max: usize,
) -> Result<(), Enc> {
    let publish4 = |p: &OutPublish, pkid, dup| {
        v4::Packet::Publish(v4::Publish {
            dup,
            qos: qos3(p.qos),
            retain: p.retain,
            topic: p.topic.to_string(),
            pkid,
            payload: p.payload.clone(),
        })
    };
    let p = match (packet, publish) {
        (_, Some((p, pkid, dup))) => publish4(p, pkid, dup),
        (Outgoing::Publish(p), None) => publish4(p, p.pkid, p.dup),
        (Outgoing::PubAck(id), None) => v4::Packet::PubAck(v4::PubAck::new(*id)),
        (Outgoing::PubRec(id), None) => v4::Packet::PubRec(v4::PubRec::new(*id)),
        (Outgoing::PubRel(id), None) => v4::Packet::PubRel(v4::PubRel::new(*id)),
        (Outgoing::PubComp(id), None) => v4::Packet::PubComp(v4::PubComp::new(*id)),
        (Outgoing::Subscribe { pkid, filters, .. }, None) => v4::Packet::Subscribe(v4::Subscribe {
            pkid: *pkid,
            filters: filters
                .iter()
                .map(|f| v4::SubscribeFilter::new(f.filter.clone(), qos3(f.qos)))
                .collect(),
        }),
        (Outgoing::Unsubscribe { pkid, filters, .. }, None) => {
            v4::Packet::Unsubscribe(v4::Unsubscribe {
                pkid: *pkid,
                topics: filters.clone(),
            })
        }
        (Outgoing::PingReq, None) => v4::Packet::PingReq,
        (Outgoing::Disconnect(_), None) => v4::Packet::Disconnect,
    };
    p.write(buf, max).map(|_| ()).map_err(|e| match e {
        m3::Error::OutgoingPacketTooLarge { pkt_size, .. } => Enc::TooLarge(pkt_size),
        e => Enc::Other(format!("{e:?}")),
    })
}

fn encode5(
    packet: &Outgoing,
    publish: Option<(&OutPublish, u16, bool)>,
    buf: &mut BytesMut,
    max: usize,
) -> Result<(), Enc> {
    let publish5 = |p: &OutPublish, pkid, dup| {
        v5::Packet::Publish(v5::Publish {
            dup,
            qos: qos5(p.qos),
            retain: p.retain,
            topic: Bytes::copy_from_slice(p.topic.as_bytes()),
            pkid,
            payload: p.payload.clone(),
            properties: p.properties.as_deref().map(publish_properties_out),
        })
    };
    let p = match (packet, publish) {
        (_, Some((p, pkid, dup))) => publish5(p, pkid, dup),
        (Outgoing::Publish(p), None) => publish5(p, p.pkid, p.dup),
        (Outgoing::PubAck(id), None) => v5::Packet::PubAck(v5::PubAck::new(*id, None)),
        (Outgoing::PubRec(id), None) => v5::Packet::PubRec(v5::PubRec::new(*id, None)),
        (Outgoing::PubRel(id), None) => v5::Packet::PubRel(v5::PubRel::new(*id, None)),
        (Outgoing::PubComp(id), None) => v5::Packet::PubComp(v5::PubComp::new(*id, None)),
        (
            Outgoing::Subscribe {
                pkid,
                filters,
                properties,
            },
            None,
        ) => v5::Packet::Subscribe(v5::Subscribe {
            pkid: *pkid,
            filters: filters
                .iter()
                .map(|f| v5::Filter {
                    path: f.filter.clone(),
                    qos: qos5(f.qos),
                    nolocal: f.no_local,
                    preserve_retain: f.retain_as_published,
                    retain_forward_rule: match f.retain_handling {
                        0 => v5::RetainForwardRule::OnEverySubscribe,
                        1 => v5::RetainForwardRule::OnNewSubscribe,
                        _ => v5::RetainForwardRule::Never,
                    },
                })
                .collect(),
            properties: properties.clone(),
        }),
        (
            Outgoing::Unsubscribe {
                pkid,
                filters,
                properties,
            },
            None,
        ) => v5::Packet::Unsubscribe(v5::Unsubscribe {
            pkid: *pkid,
            filters: filters.clone(),
            properties: properties.clone(),
        }),
        (Outgoing::PingReq, None) => v5::Packet::PingReq(v5::PingReq),
        (Outgoing::Disconnect(properties), None) => v5::Packet::Disconnect(v5::Disconnect {
            reason_code: v5::DisconnectReasonCode::NormalDisconnection,
            properties: properties.clone(),
        }),
    };
    let max32 = u32::try_from(max).unwrap_or(u32::MAX);
    p.write(buf, Some(max32)).map(|_| ()).map_err(|e| match e {
        m5::Error::OutgoingPacketTooLarge { pkt_size, .. } => Enc::TooLarge(pkt_size as usize),
        e => Enc::Other(format!("{e:?}")),
    })
}

/// Decodes one packet from the front of `buf` if a whole one is there (`Ok(None)` otherwise).
pub fn decode(
    protocol: ProtocolVersion,
    buf: &mut BytesMut,
    max: usize,
) -> Result<Option<Incoming>, CodecError> {
    decode_at(protocol, buf, max, Local::now())
}

/// [`decode`], with `received` as the time a PUBLISH arrived: the reader passes the time of the
/// read that brought it, so a batch of messages costs one clock reading instead of one each.
pub fn decode_at(
    protocol: ProtocolVersion,
    buf: &mut BytesMut,
    max: usize,
    received: DateTime<Local>,
) -> Result<Option<Incoming>, CodecError> {
    if max >= SHORT_ACK_LEN
        && let Some(ack) = short_ack_in(buf)
    {
        bytes::Buf::advance(buf, SHORT_ACK_LEN);
        return Ok(Some(ack));
    }
    if protocol.is_v5() {
        let max32 = u32::try_from(max).unwrap_or(u32::MAX);
        let ack = AckHead::peek(buf);
        match v5::Packet::read(buf, Some(max32)) {
            Ok(p) => Ok(Some(from5(p, received)?)),
            Err(m5::Error::InsufficientBytes(_)) => Ok(None),
            // mosquitto answers an oversize PUBLISH with PUBACK/PUBREC reason 149 (packet too
            // large), which the specification does not list for those packets, so the codec
            // rejects it. It is a refusal of that one message, not a broken connection.
            Err(m5::Error::InvalidConnectReturnCode(_)) if ack.is_some() => {
                Ok(ack.map(AckHead::into_incoming))
            }
            Err(m5::Error::PayloadSizeLimitExceeded { pkt_size, max }) => {
                Err(CodecError::TooLarge {
                    size: pkt_size,
                    max: max as usize,
                })
            }
            Err(e) => Err(CodecError::Malformed(format!("{e:?}"))),
        }
    } else {
        match v4::Packet::read(buf, max) {
            Ok(p) => Ok(Some(from4(p, received))),
            Err(m3::Error::InsufficientBytes(_)) => Ok(None),
            Err(m3::Error::PayloadSizeLimitExceeded(size)) => {
                Err(CodecError::TooLarge { size, max })
            }
            Err(e) => Err(CodecError::Malformed(format!("{e:?}"))),
        }
    }
}

/// Appends a PUBLISH without MQTT 5 properties, written here directly: the codec's general
/// path first copies the topic into a packet struct of its own, an allocation and a copy per
/// message that were a sixth of a bench publisher's work. Byte for byte what the codec writes
/// (unit test); anything unusual (properties, an invalid QoS or packet id, a topic or packet
/// over the limits) is left to the codec and its errors: returns false then, appending nothing.
fn plain_publish(
    v5: bool,
    p: &OutPublish,
    pkid: u16,
    dup: bool,
    buf: &mut BytesMut,
    max: usize,
) -> bool {
    const MAX_REMAINING: usize = 268_435_455;
    if (v5 && p.properties.is_some())
        || p.qos > 2
        || (p.qos > 0 && pkid == 0)
        || p.topic.len() > usize::from(u16::MAX)
    {
        return false;
    }
    let id_len = if p.qos > 0 { 2 } else { 0 };
    let len = 2 + p.topic.len() + id_len + usize::from(v5) + p.payload.len();
    let mut len_len = 1;
    while len >= 1 << (7 * len_len) {
        len_len += 1;
    }
    let size = 1 + len_len + len;
    if len > MAX_REMAINING || size > max {
        return false;
    }
    buf.reserve(size);
    buf.extend_from_slice(&[0x30 | u8::from(p.retain) | (p.qos << 1) | (u8::from(dup) << 3)]);
    put_remaining_length(buf, len);
    buf.extend_from_slice(&(p.topic.len() as u16).to_be_bytes());
    buf.extend_from_slice(p.topic.as_bytes());
    if p.qos > 0 {
        buf.extend_from_slice(&pkid.to_be_bytes());
    }
    if v5 {
        // Property length 0.
        buf.extend_from_slice(&[0]);
    }
    buf.extend_from_slice(&p.payload);
    true
}

/// Appends MQTT's variable-length encoding of a packet's remaining length (§1.5.5).
pub(crate) fn put_remaining_length(buf: &mut BytesMut, mut len: usize) {
    loop {
        let byte = (len % 128) as u8;
        len /= 128;
        if len == 0 {
            buf.extend_from_slice(&[byte]);
            return;
        }
        buf.extend_from_slice(&[byte | 0x80]);
    }
}

/// PUBACK, PUBREC, PUBREL and PUBCOMP in their short form: fixed header, remaining length 2,
/// packet identifier. MQTT 3.1.1 knows no other; MQTT 5 uses it for success without properties
/// (§3.4.2.1), and so does the codec. Half of a busy QoS 1/2 connection's packets, so they are
/// read and written here directly: through the codec's general path each cost as much as a
/// PUBLISH.
const SHORT_ACK_LEN: usize = 4;

fn short_ack_out(packet: &Outgoing) -> Option<(u8, u16)> {
    match packet {
        Outgoing::PubAck(id) => Some((0x40, *id)),
        Outgoing::PubRec(id) => Some((0x50, *id)),
        Outgoing::PubRel(id) => Some((0x62, *id)),
        Outgoing::PubComp(id) => Some((0x70, *id)),
        _ => None,
    }
}

fn short_ack_in(buf: &[u8]) -> Option<Incoming> {
    let [first, 2, hi, lo, ..] = *buf else {
        return None;
    };
    let pkid = u16::from_be_bytes([hi, lo]);
    Some(match first {
        0x40 => Incoming::PubAck {
            pkid,
            reason: 0,
            reason_string: None,
        },
        0x50 => Incoming::PubRec {
            pkid,
            reason: 0,
            reason_string: None,
        },
        0x62 => Incoming::PubRel { pkid },
        0x70 => Incoming::PubComp { pkid, reason: 0 },
        _ => return None,
    })
}

/// The first bytes of a PUBACK/PUBREC, kept aside before decoding (the codec consumes the
/// frame even when it rejects it).
#[derive(Clone, Copy)]
struct AckHead {
    rec: bool,
    pkid: u16,
    reason: u8,
}

impl AckHead {
    fn peek(buf: &[u8]) -> Option<AckHead> {
        // Fixed header, one-byte remaining length (an ack with a reason string could be longer,
        // but then it is not the case handled here), packet id, reason code.
        match buf {
            [first @ (0x40 | 0x50), len, hi, lo, reason, ..] if *len >= 3 && *len < 0x80 => {
                Some(AckHead {
                    rec: *first == 0x50,
                    pkid: u16::from_be_bytes([*hi, *lo]),
                    reason: *reason,
                })
            }
            _ => None,
        }
    }

    fn into_incoming(self) -> Incoming {
        if self.rec {
            Incoming::PubRec {
                pkid: self.pkid,
                reason: self.reason,
                reason_string: None,
            }
        } else {
            Incoming::PubAck {
                pkid: self.pkid,
                reason: self.reason,
                reason_string: None,
            }
        }
    }
}

fn qos_num3(q: m3::QoS) -> u8 {
    q as u8
}

fn from4(p: v4::Packet, received: DateTime<Local>) -> Incoming {
    match p {
        v4::Packet::Publish(p) => Incoming::Publish(Message {
            topic: p.topic,
            payload: p.payload,
            qos: qos_num3(p.qos),
            retain: p.retain,
            dup: p.dup,
            pkid: p.pkid,
            properties: None,
            received,
        }),
        v4::Packet::PubAck(a) => Incoming::PubAck {
            pkid: a.pkid,
            reason: 0,
            reason_string: None,
        },
        v4::Packet::PubRec(a) => Incoming::PubRec {
            pkid: a.pkid,
            reason: 0,
            reason_string: None,
        },
        v4::Packet::PubRel(a) => Incoming::PubRel { pkid: a.pkid },
        v4::Packet::PubComp(a) => Incoming::PubComp {
            pkid: a.pkid,
            reason: 0,
        },
        v4::Packet::SubAck(a) => Incoming::SubAck {
            pkid: a.pkid,
            codes: a
                .return_codes
                .iter()
                .map(|c| match c {
                    v4::SubscribeReasonCode::Success(q) => qos_num3(*q),
                    v4::SubscribeReasonCode::Failure => 0x80,
                })
                .collect(),
            reason_string: None,
        },
        v4::Packet::UnsubAck(a) => Incoming::UnsubAck { pkid: a.pkid },
        v4::Packet::PingResp => Incoming::PingResp,
        v4::Packet::Connect(_) => Incoming::Unexpected("CONNECT"),
        v4::Packet::ConnAck(_) => Incoming::Unexpected("CONNACK"),
        v4::Packet::Subscribe(_) => Incoming::Unexpected("SUBSCRIBE"),
        v4::Packet::Unsubscribe(_) => Incoming::Unexpected("UNSUBSCRIBE"),
        v4::Packet::PingReq => Incoming::Unexpected("PINGREQ"),
        v4::Packet::Disconnect => Incoming::Unexpected("DISCONNECT"),
    }
}

/// mqtk's publish properties to the codec's.
pub(crate) fn publish_properties_out(p: &PublishProperties) -> v5::PublishProperties {
    v5::PublishProperties {
        payload_format_indicator: p.payload_format_indicator,
        message_expiry_interval: p.message_expiry_interval,
        topic_alias: p.topic_alias,
        response_topic: p.response_topic.clone(),
        correlation_data: p.correlation_data.clone(),
        user_properties: p.user_properties.clone(),
        subscription_identifiers: p.subscription_identifiers.clone(),
        content_type: p.content_type.clone(),
    }
}

fn publish_properties_in(p: v5::PublishProperties) -> PublishProperties {
    PublishProperties {
        payload_format_indicator: p.payload_format_indicator,
        message_expiry_interval: p.message_expiry_interval,
        topic_alias: p.topic_alias,
        response_topic: p.response_topic,
        correlation_data: p.correlation_data,
        user_properties: p.user_properties,
        subscription_identifiers: p.subscription_identifiers,
        content_type: p.content_type,
    }
}

fn from5(p: v5::Packet, received: DateTime<Local>) -> Result<Incoming, CodecError> {
    Ok(match p {
        v5::Packet::Publish(p) => {
            let topic = String::from_utf8(p.topic.to_vec()).map_err(|_| {
                CodecError::Malformed("PUBLISH topic is not valid UTF-8".to_string())
            })?;
            Incoming::Publish(Message {
                topic,
                payload: p.payload,
                qos: p.qos as u8,
                retain: p.retain,
                dup: p.dup,
                pkid: p.pkid,
                properties: p.properties.map(|p| Box::new(publish_properties_in(p))),
                received,
            })
        }
        v5::Packet::PubAck(a) => Incoming::PubAck {
            pkid: a.pkid,
            reason: puback_code(a.reason),
            reason_string: a.properties.and_then(|p| p.reason_string),
        },
        v5::Packet::PubRec(a) => Incoming::PubRec {
            pkid: a.pkid,
            reason: pubrec_code(a.reason),
            reason_string: a.properties.and_then(|p| p.reason_string),
        },
        v5::Packet::PubRel(a) => Incoming::PubRel { pkid: a.pkid },
        v5::Packet::PubComp(a) => Incoming::PubComp {
            pkid: a.pkid,
            reason: match a.reason {
                v5::PubCompReason::Success => 0,
                v5::PubCompReason::PacketIdentifierNotFound => 0x92,
            },
        },
        v5::Packet::SubAck(a) => Incoming::SubAck {
            pkid: a.pkid,
            codes: a.return_codes.iter().map(|c| suback_code(*c)).collect(),
            reason_string: a.properties.and_then(|p| p.reason_string),
        },
        v5::Packet::UnsubAck(a) => Incoming::UnsubAck { pkid: a.pkid },
        v5::Packet::PingResp(_) => Incoming::PingResp,
        v5::Packet::Disconnect(d) => Incoming::Disconnect {
            reason: d.reason_code as u8,
            reason_string: d.properties.and_then(|p| p.reason_string),
        },
        v5::Packet::Auth(_) => Incoming::Unexpected("AUTH"),
        v5::Packet::Connect(..) => Incoming::Unexpected("CONNECT"),
        v5::Packet::ConnAck(_) => Incoming::Unexpected("CONNACK"),
        v5::Packet::Subscribe(_) => Incoming::Unexpected("SUBSCRIBE"),
        v5::Packet::Unsubscribe(_) => Incoming::Unexpected("UNSUBSCRIBE"),
        v5::Packet::PingReq(_) => Incoming::Unexpected("PINGREQ"),
    })
}

fn puback_code(r: v5::PubAckReason) -> u8 {
    use v5::PubAckReason as R;
    match r {
        R::Success => 0x00,
        R::NoMatchingSubscribers => 0x10,
        R::UnspecifiedError => 0x80,
        R::ImplementationSpecificError => 0x83,
        R::NotAuthorized => 0x87,
        R::TopicNameInvalid => 0x90,
        R::PacketIdentifierInUse => 0x91,
        R::QuotaExceeded => 0x97,
        R::PayloadFormatInvalid => 0x99,
    }
}

fn pubrec_code(r: v5::PubRecReason) -> u8 {
    use v5::PubRecReason as R;
    match r {
        R::Success => 0x00,
        R::NoMatchingSubscribers => 0x10,
        R::UnspecifiedError => 0x80,
        R::ImplementationSpecificError => 0x83,
        R::NotAuthorized => 0x87,
        R::TopicNameInvalid => 0x90,
        R::PacketIdentifierInUse => 0x91,
        R::QuotaExceeded => 0x97,
        R::PayloadFormatInvalid => 0x99,
    }
}

fn suback_code(c: v5::SubscribeReasonCode) -> u8 {
    use v5::SubscribeReasonCode as R;
    match c {
        R::Success(q) => q as u8,
        R::Failure | R::Unspecified => 0x80,
        R::ImplementationSpecific => 0x83,
        R::NotAuthorized => 0x87,
        R::TopicFilterInvalid => 0x8F,
        R::PkidInUse => 0x91,
        R::QuotaExceeded => 0x97,
        R::SharedSubscriptionsNotSupported => 0x9E,
        R::SubscriptionIdNotSupported => 0xA1,
        R::WildcardSubscriptionsNotSupported => 0xA2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mosquitto_packet_too_large_puback_is_a_refusal() {
        // PUBACK, remaining length 3, packet id 1, reason 0x95; then the same as PUBREC.
        let mut buf =
            BytesMut::from(&[0x40, 0x03, 0x00, 0x01, 0x95, 0x50, 0x03, 0x00, 0x02, 0x95][..]);
        let p = decode(ProtocolVersion::V5, &mut buf, PROTOCOL_MAX_PACKET).unwrap();
        assert_eq!(
            p,
            Some(Incoming::PubAck {
                pkid: 1,
                reason: 0x95,
                reason_string: None
            })
        );
        let p = decode(ProtocolVersion::V5, &mut buf, PROTOCOL_MAX_PACKET).unwrap();
        assert!(matches!(
            p,
            Some(Incoming::PubRec {
                pkid: 2,
                reason: 0x95,
                ..
            })
        ));
        assert!(buf.is_empty());
    }

    #[test]
    fn short_acks_are_what_the_codec_writes_and_reads() {
        let now = Local::now();
        for protocol in [ProtocolVersion::V311, ProtocolVersion::V5] {
            for pkid in [1, 0x1234, u16::MAX] {
                for packet in [
                    Outgoing::PubAck(pkid),
                    Outgoing::PubRec(pkid),
                    Outgoing::PubRel(pkid),
                    Outgoing::PubComp(pkid),
                ] {
                    let mut fast = BytesMut::new();
                    encode(protocol, &packet, &mut fast, PROTOCOL_MAX_PACKET).unwrap();
                    let mut codec = BytesMut::new();
                    let r = if protocol.is_v5() {
                        encode5(&packet, None, &mut codec, PROTOCOL_MAX_PACKET)
                    } else {
                        encode4(&packet, None, &mut codec, PROTOCOL_MAX_PACKET)
                    };
                    assert!(r.is_ok());
                    assert_eq!(fast, codec, "{protocol:?} {packet}");

                    let mut buf = fast.clone();
                    buf.extend_from_slice(&[0xc0, 0x00]);
                    let short = decode_at(protocol, &mut buf, PROTOCOL_MAX_PACKET, now).unwrap();
                    let general = if protocol.is_v5() {
                        from5(v5::Packet::read(&mut fast, None).unwrap(), now).unwrap()
                    } else {
                        from4(v4::Packet::read(&mut fast, 1024).unwrap(), now)
                    };
                    assert_eq!(short, Some(general), "{protocol:?} {packet}");
                    // Only the ack was consumed: the PINGREQ after it is still there.
                    assert_eq!(&buf[..], &[0xc0, 0x00]);
                }
            }
            // Longer forms (a reason code) and partial packets take the codec's path.
            let mut buf = BytesMut::from(&[0x40, 0x02, 0x00][..]);
            assert_eq!(
                decode(protocol, &mut buf, PROTOCOL_MAX_PACKET).unwrap(),
                None
            );
        }
    }

    #[test]
    fn plain_publishes_are_what_the_codec_writes() {
        let big = Bytes::from(vec![7u8; 20_000]);
        for v5 in [false, true] {
            for (qos, pkid) in [(0, 0), (1, 1), (2, 0xabcd), (1, u16::MAX)] {
                for (retain, dup) in [(false, false), (true, true)] {
                    for (topic, payload) in [
                        ("a/b", Bytes::from_static(b"\x00\xffhi")),
                        ("", Bytes::new()),
                        ("t\u{e9}", big.clone()),
                    ] {
                        let p = OutPublish {
                            topic: topic.into(),
                            payload,
                            qos,
                            retain,
                            ..Default::default()
                        };
                        let mut fast = BytesMut::from(&b"xy"[..]);
                        assert!(plain_publish(v5, &p, pkid, dup, &mut fast, usize::MAX));
                        let mut codec = BytesMut::from(&b"xy"[..]);
                        let r = if v5 {
                            encode5(
                                &Outgoing::PingReq,
                                Some((&p, pkid, dup)),
                                &mut codec,
                                1 << 28,
                            )
                        } else {
                            encode4(
                                &Outgoing::PingReq,
                                Some((&p, pkid, dup)),
                                &mut codec,
                                1 << 28,
                            )
                        };
                        assert!(r.is_ok());
                        assert_eq!(fast, codec, "v5 {v5} qos {qos} topic {topic:?}");
                    }
                }
            }
            // Left to the codec, nothing appended: properties (MQTT 5), packet id 0 at QoS 1,
            // over the size limit.
            let mut buf = BytesMut::new();
            let with_props = OutPublish {
                topic: "a".into(),
                properties: Some(Box::default()),
                ..Default::default()
            };
            assert_eq!(plain_publish(v5, &with_props, 0, false, &mut buf, 100), !v5);
            buf.clear();
            let q1 = OutPublish {
                topic: "a".into(),
                qos: 1,
                ..Default::default()
            };
            assert!(!plain_publish(v5, &q1, 0, false, &mut buf, 100));
            let sized = OutPublish {
                topic: "a".into(),
                payload: big.clone(),
                ..Default::default()
            };
            assert!(!plain_publish(v5, &sized, 0, false, &mut buf, 1000));
            assert!(buf.is_empty());
        }
    }

    fn roundtrip_publish(protocol: ProtocolVersion) {
        let mut buf = BytesMut::new();
        let p = OutPublish {
            topic: "a/b".into(),
            payload: Bytes::from_static(b"\x00\xffhi"),
            qos: 1,
            retain: true,
            pkid: 7,
            ..Default::default()
        };
        encode(
            protocol,
            &Outgoing::Publish(p),
            &mut buf,
            PROTOCOL_MAX_PACKET,
        )
        .unwrap();
        // A partial packet decodes to nothing and consumes nothing.
        let mut partial = BytesMut::from(&buf[..buf.len() - 1]);
        assert!(
            decode(protocol, &mut partial, PROTOCOL_MAX_PACKET)
                .unwrap()
                .is_none()
        );
        assert_eq!(partial.len(), buf.len() - 1);
        match decode(protocol, &mut buf, PROTOCOL_MAX_PACKET).unwrap() {
            Some(Incoming::Publish(m)) => {
                assert_eq!(m.topic, "a/b");
                assert_eq!(&m.payload[..], b"\x00\xffhi");
                assert_eq!((m.qos, m.retain, m.pkid), (1, true, 7));
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(buf.is_empty());
    }

    #[test]
    fn publish_roundtrips_in_both_protocols() {
        roundtrip_publish(ProtocolVersion::V311);
        roundtrip_publish(ProtocolVersion::V5);
    }

    #[test]
    fn oversize_packets_are_refused_before_sending() {
        let mut buf = BytesMut::new();
        let p = OutPublish {
            topic: "t".into(),
            payload: Bytes::from(vec![0u8; 100]),
            ..Default::default()
        };
        let err = encode(ProtocolVersion::V5, &Outgoing::Publish(p), &mut buf, 50).unwrap_err();
        assert!(matches!(err, CodecError::TooLarge { max: 50, .. }));
    }

    #[test]
    fn debug_lines_read_like_mosquittos() {
        let publish = Outgoing::Publish(OutPublish {
            topic: "a/b".into(),
            payload: Bytes::from_static(b"hello"),
            qos: 1,
            pkid: 7,
            ..Default::default()
        });
        assert_eq!(
            publish.to_string(),
            "PUBLISH (d0, q1, r0, m7, 'a/b', ... (5 bytes))"
        );
        let subscribe = Outgoing::Subscribe {
            pkid: 1,
            filters: vec![
                SubscribeFilter {
                    filter: "a/#".into(),
                    qos: 2,
                    ..Default::default()
                },
                SubscribeFilter {
                    filter: "b".into(),
                    no_local: true,
                    retain_handling: 2,
                    ..Default::default()
                },
            ],
            properties: None,
        };
        assert_eq!(
            subscribe.to_string(),
            "SUBSCRIBE (m1, 'a/#' q2, 'b' q0 options 0x24)"
        );
        let refused = Incoming::PubAck {
            pkid: 3,
            reason: 135,
            reason_string: Some("denied".into()),
        };
        assert_eq!(refused.to_string(), "PUBACK (m3, rc135, 'denied')");
        let suback = Incoming::SubAck {
            pkid: 1,
            codes: vec![1, 128],
            reason_string: None,
        };
        assert_eq!(suback.to_string(), "SUBACK (m1, 1, 128)");
        let gone = Incoming::Disconnect {
            reason: 142,
            reason_string: None,
        };
        assert_eq!(gone.to_string(), "DISCONNECT (rc142)");
    }
}
