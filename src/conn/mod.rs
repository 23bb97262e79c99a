//! The connection layer shared by every subcommand: flags -> validated options, transports (TCP,
//! TLS, WebSocket, Unix socket), the MQTT session over rumqttc's packet codec (3.1.1 and 5), and
//! CONNACK / reason codes -> clear errors.

pub mod opener;
pub mod options;
pub mod packet;
pub mod properties;
pub mod reason;
pub mod topic;
pub mod url;
pub mod version;

pub use client::{Client, Event, Link, Setup};
pub use options::ConnectOptions;
pub use packet::{Incoming, OutPublish, Outgoing, SubscribeFilter};
pub use version::{ProtocolVersion, TlsVersion};
pub mod session;
pub mod tls;
pub mod transport;

pub use session::{
    ConnAckInfo, Keepalive, KeepaliveAction, PacketReader, PacketWriter, Session, connect,
};
pub mod client;
pub mod inflight;
pub mod receipts;
pub mod reconnect;
