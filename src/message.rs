//! The one message type the rest of the program sees, whatever the protocol version.

use bytes::Bytes;
use chrono::{DateTime, Local};

/// MQTT 5 publish properties (§3.3.2.3). mqtk's own type: the connection layer converts to and
/// from the codec's, so nothing outside `conn/` depends on the codec crate.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PublishProperties {
    pub payload_format_indicator: Option<u8>,
    pub message_expiry_interval: Option<u32>,
    pub topic_alias: Option<u16>,
    pub response_topic: Option<String>,
    pub correlation_data: Option<Bytes>,
    /// In the order received; keys may repeat.
    pub user_properties: Vec<(String, String)>,
    pub subscription_identifiers: Vec<usize>,
    pub content_type: Option<String>,
}

/// An application message received from (or about to be sent to) a broker.
#[derive(Clone, Debug, PartialEq)]
pub struct Message {
    /// Topic name. The MQTT codec guarantees valid UTF-8.
    pub topic: String,
    /// Payload bytes, never converted.
    pub payload: Bytes,
    pub qos: u8,
    pub retain: bool,
    pub dup: bool,
    /// Packet identifier (0 for QoS 0).
    pub pkid: u16,
    /// MQTT 5 properties; `None` under MQTT 3.1.1 or when the broker sent none.
    /// Boxed: most messages carry none, and every packet moves through several layers by value
    /// (an inline struct made each move a 250-byte copy).
    pub properties: Option<Box<PublishProperties>>,
    /// When mqtk read the message from the network.
    pub received: DateTime<Local>,
}

impl Message {
    pub fn new(topic: impl Into<String>, payload: impl Into<Bytes>) -> Self {
        Message {
            topic: topic.into(),
            payload: payload.into(),
            qos: 0,
            retain: false,
            dup: false,
            pkid: 0,
            properties: None,
            received: Local::now(),
        }
    }
}
