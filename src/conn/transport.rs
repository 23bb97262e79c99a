//! Byte streams to a broker: TCP (optionally from a chosen local address), TLS over TCP,
//! WebSocket (plain or TLS) and Unix sockets, all behind one boxed stream type.

use std::net::SocketAddr;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpSocket, TcpStream};

use super::options::{ConnectOptions, Target, io_reason};
use super::tls;
use crate::error::unreachable;

/// Any byte stream to a broker.
pub trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

pub type Stream = Box<dyn Io>;

/// Opens the stream the options describe (TCP connect, TLS and WebSocket handshakes).
/// Failures carry the "unreachable" kind (exit 3).
pub async fn open(opts: &ConnectOptions) -> anyhow::Result<Stream> {
    let target = opts.describe_target();
    match &opts.target {
        Target::Unix(path) => {
            #[cfg(unix)]
            {
                let s = tokio::net::UnixStream::connect(path).await.map_err(|e| {
                    unreachable(format!("cannot connect to {target}: {}", io_reason(&e)))
                })?;
                Ok(Box::new(s))
            }
            #[cfg(not(unix))]
            {
                let _ = path;
                Err(crate::error::usage(
                    "--unix is not supported on this platform",
                ))
            }
        }
        Target::Tcp { host, port } => {
            let tcp = tcp(opts, host, *port).await?;
            match &opts.tls {
                None => Ok(Box::new(tcp)),
                Some(_) => Ok(Box::new(tls_over(opts, host, tcp).await?)),
            }
        }
        Target::WebSocket { host, port, path } => {
            let tcp = tcp(opts, host, *port).await?;
            match &opts.tls {
                None => websocket(tcp, "ws", host, *port, path, &target).await,
                Some(_) => {
                    let tls = tls_over(opts, host, tcp).await?;
                    websocket(tls, "wss", host, *port, path, &target).await
                }
            }
        }
    }
}

async fn tcp(opts: &ConnectOptions, host: &str, port: u16) -> anyhow::Result<TcpStream> {
    let target = opts.describe_target();
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
        .await
        .map_err(|e| unreachable(format!("cannot resolve host '{host}': {}", io_reason(&e))))?
        .filter(|a| opts.bind.is_none_or(|b| b.is_ipv4() == a.is_ipv4()))
        .collect();
    if addrs.is_empty() {
        return Err(unreachable(format!(
            "host '{host}' has no address usable from the bind address"
        )));
    }
    let mut last = None;
    for addr in addrs {
        match connect_from(addr, opts.bind).await {
            Ok(s) => {
                // mqtk batches its own writes, so Nagle's algorithm would only add delay.
                let _ = s.set_nodelay(true);
                return Ok(s);
            }
            Err(e) => last = Some(e),
        }
    }
    let reason = last.map_or_else(|| "no address".to_string(), |e| io_reason(&e));
    Err(unreachable(format!("cannot connect to {target}: {reason}")))
}

async fn connect_from(
    addr: SocketAddr,
    bind: Option<std::net::IpAddr>,
) -> std::io::Result<TcpStream> {
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    if let Some(ip) = bind {
        socket.bind(SocketAddr::new(ip, 0))?;
    }
    socket.connect(addr).await
}

async fn tls_over(
    opts: &ConnectOptions,
    host: &str,
    tcp: TcpStream,
) -> anyhow::Result<tokio_rustls::client::TlsStream<TcpStream>> {
    let tls_opts = opts.tls.as_ref().cloned().unwrap_or_default();
    let config = tls::client_config(&tls_opts)?;
    let name = tls::server_name(host)?;
    tokio_rustls::TlsConnector::from(config)
        .connect(name, tcp)
        .await
        .map_err(|e| {
            unreachable(format!(
                "TLS handshake with {} failed: {}",
                opts.describe_target(),
                tls::describe_error(&e, host)
            ))
        })
}

async fn websocket<S>(
    stream: S,
    scheme: &str,
    host: &str,
    port: u16,
    path: &str,
    target: &str,
) -> anyhow::Result<Stream>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    use async_tungstenite::tungstenite::client::IntoClientRequest;
    let host = if host.contains(':') {
        format!("[{host}]")
    } else {
        host.to_string()
    };
    let url = format!("{scheme}://{host}:{port}{path}");
    let mut request = url
        .as_str()
        .into_client_request()
        .map_err(|e| crate::error::usage(format!("invalid WebSocket URL {url}: {e}")))?;
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        "mqtt".parse().expect("static header value"),
    );
    let (ws, _response) = async_tungstenite::tokio::client_async(request, stream)
        .await
        .map_err(|e| unreachable(format!("WebSocket handshake with {target} failed: {e}")))?;
    Ok(Box::new(ws_stream_tungstenite::WsStream::new(ws)))
}
