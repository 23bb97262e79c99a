//! The connection layer shared by every subcommand: flags -> validated options, transports (TCP,
//! TLS, WebSocket, Unix socket), the MQTT session over rumqttc's packet codec (3.1.1 and 5), and
//! CONNACK / reason codes -> clear errors.
