//! Protocol and TLS versions the connection layer speaks.

use std::str::FromStr;

/// MQTT protocol version selected with `-V`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ProtocolVersion {
    /// MQTT 3.1 (`MQIsdp`, level 3).
    V31,
    /// MQTT 3.1.1 (level 4).
    #[default]
    V311,
    /// MQTT 5 (level 5).
    V5,
}

impl FromStr for ProtocolVersion {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "31" | "mqttv31" | "3.1" => Ok(ProtocolVersion::V31),
            "311" | "mqttv311" | "3.1.1" => Ok(ProtocolVersion::V311),
            "5" | "mqttv5" => Ok(ProtocolVersion::V5),
            _ => Err(format!(
                "unknown protocol version '{s}' (use 311, 5 or 31, or mqttv311, mqttv5, mqttv31)"
            )),
        }
    }
}

impl ProtocolVersion {
    pub fn is_v5(self) -> bool {
        self == ProtocolVersion::V5
    }
}

/// Lowest TLS version to accept (rustls speaks 1.2 and 1.3 only).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TlsVersion {
    Tls12,
    Tls13,
}
