//! Names of CONNACK return codes (MQTT 3.1.1) and reason codes (MQTT 5), for error messages.

/// The MQTT 3.1.1 CONNACK return code's meaning.
pub fn connack_v3(code: u8) -> &'static str {
    match code {
        0 => "accepted",
        1 => "unacceptable protocol version",
        2 => "identifier rejected",
        3 => "server unavailable",
        4 => "bad user name or password",
        5 => "not authorised",
        _ => "unknown reason",
    }
}

/// The MQTT 5 reason code's meaning (spec section 2.4).
pub fn v5(code: u8) -> &'static str {
    match code {
        0x00 => "success",
        0x01 => "granted QoS 1",
        0x02 => "granted QoS 2",
        0x04 => "disconnect with will message",
        0x10 => "no matching subscribers",
        0x11 => "no subscription existed",
        0x18 => "continue authentication",
        0x19 => "re-authenticate",
        0x80 => "unspecified error",
        0x81 => "malformed packet",
        0x82 => "protocol error",
        0x83 => "implementation specific error",
        0x84 => "unsupported protocol version",
        0x85 => "client identifier not valid",
        0x86 => "bad user name or password",
        0x87 => "not authorised",
        0x88 => "server unavailable",
        0x89 => "server busy",
        0x8A => "banned",
        0x8B => "server shutting down",
        0x8C => "bad authentication method",
        0x8D => "keep alive timeout",
        0x8E => "session taken over",
        0x8F => "topic filter invalid",
        0x90 => "topic name invalid",
        0x91 => "packet identifier in use",
        0x92 => "packet identifier not found",
        0x93 => "receive maximum exceeded",
        0x94 => "topic alias invalid",
        0x95 => "packet too large",
        0x96 => "message rate too high",
        0x97 => "quota exceeded",
        0x98 => "administrative action",
        0x99 => "payload format invalid",
        0x9A => "retain not supported",
        0x9B => "QoS not supported",
        0x9C => "use another server",
        0x9D => "server moved",
        0x9E => "shared subscriptions not supported",
        0x9F => "connection rate exceeded",
        0xA0 => "maximum connect time",
        0xA1 => "subscription identifiers not supported",
        0xA2 => "wildcard subscriptions not supported",
        _ => "unknown reason",
    }
}

/// "not authorised (135)", with the reason string the server added, if any.
pub fn describe(code: u8, v5_codes: bool, reason_string: Option<&str>) -> String {
    let name = if v5_codes { v5(code) } else { connack_v3(code) };
    match reason_string {
        Some(s) if !s.is_empty() => format!("{name} ({code}): {s}"),
        _ => format!("{name} ({code})"),
    }
}

/// MQTT 5 DISCONNECT reasons from a server that a reconnect would only repeat: the session is
/// over for good (not authorised, session taken over, packet too large, quota exceeded, ...).
pub fn is_fatal_disconnect(reason: u8) -> bool {
    matches!(
        reason,
        0x81 | 0x82
            | 0x87
            | 0x8A
            | 0x8E
            | 0x90
            | 0x93
            | 0x94
            | 0x95
            | 0x97
            | 0x99
            | 0x9A
            | 0x9B
            | 0x9C
            | 0x9D
    )
}
