//! The one message type the rest of the program sees, whatever the protocol version.

use bytes::Bytes;
use chrono::{DateTime, Local};

/// MQTT 5 publish properties, as decoded by the packet codec.
pub use rumqttc::v5::mqttbytes::v5::PublishProperties;

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
    pub properties: Option<PublishProperties>,
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
