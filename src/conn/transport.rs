//! Byte streams to a broker: TCP (optionally from a chosen local address, optionally through a
//! SOCKS5 proxy), TLS over TCP, WebSocket (plain or TLS) and Unix sockets, all behind one boxed
//! stream type.

use std::net::SocketAddr;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpSocket, TcpStream};

use super::options::{ConnectOptions, Target};
use super::tls;
use crate::error::io_reason;
use crate::error::unreachable;

/// Any byte stream to a broker.
pub trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

pub type Stream = Box<dyn Io>;

/// The TCP socket under a stream (also under TLS or WebSocket), for socket options set while
/// the connection runs.
#[derive(Clone, Copy, Debug, Default)]
pub struct SocketHandle {
    #[cfg(unix)]
    fd: Option<std::os::fd::RawFd>,
    /// Nothing (TLS, WebSocket) lies between the socket and the MQTT bytes, so reading the
    /// socket directly is reading the stream.
    plain: bool,
}

impl SocketHandle {
    /// See [`read_now`].
    pub fn is_plain(&self) -> bool {
        self.plain
    }
}

fn handle_of(tcp: &TcpStream, plain: bool) -> SocketHandle {
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd;
        SocketHandle {
            fd: Some(tcp.as_raw_fd()),
            plain,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tcp;
        SocketHandle { plain }
    }
}

/// Acknowledges received data at once instead of after the delayed-ACK timer. Brokers that
/// leave Nagle's algorithm on (mosquitto does) hold back small acknowledgements until their
/// previous segment is ACKed, which would stall a publisher refilling its window by ~40 ms.
/// Linux clears the flag by itself, so it is set again after every read.
pub fn quickack(handle: SocketHandle) {
    set_quickack(handle, 1);
}

/// Sends the ACK owed for what was read now, then goes back to delayed ACKs (`TCP_QUICKACK` 2;
/// a kernel that does not know 2 takes it as 1, a quick ACK). For a batched read: what the ACK releases is read
/// at once, and the write that answers the batch carries its ACK, where quick ACKs would send
/// one more segment per read that the broker must process for nothing.
pub fn ack_now(handle: SocketHandle) {
    set_quickack(handle, 2);
}

fn set_quickack(handle: SocketHandle, value: libc::c_int) {
    #[cfg(target_os = "linux")]
    if let Some(fd) = handle.fd {
        // SAFETY: fd is the live socket owned by this connection's stream; the option value is
        // a c_int of the size passed.
        unsafe {
            libc::setsockopt(
                fd,
                libc::IPPROTO_TCP,
                libc::TCP_QUICKACK,
                (&value as *const libc::c_int).cast(),
                std::mem::size_of::<libc::c_int>() as libc::socklen_t,
            );
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (handle, value);
}

/// Bytes received on the socket and not read yet; `None` when not known.
pub fn unread(handle: SocketHandle) -> Option<usize> {
    #[cfg(unix)]
    if let Some(fd) = handle.fd {
        let mut n: libc::c_int = 0;
        // SAFETY: fd is the live socket owned by this connection's stream; FIONREAD writes one
        // c_int.
        let r = unsafe { libc::ioctl(fd, libc::FIONREAD, &mut n) };
        return (r == 0).then_some(n.max(0) as usize);
    }
    #[cfg(not(unix))]
    let _ = handle;
    None
}

/// Reads what the socket holds now into `buf`'s spare room, without waiting and past tokio's
/// readiness cache (which a short read clears until the reactor next polls). Only for a plain
/// socket: under TLS or WebSocket the bytes are not the stream's. Returns the bytes read (0 when
/// nothing is there, the stream is not plain, or on an error, which the next normal read reports).
pub fn read_now(handle: SocketHandle, buf: &mut bytes::BytesMut) -> usize {
    #[cfg(unix)]
    if let (Some(fd), true) = (handle.fd, handle.plain) {
        let spare = buf.spare_capacity_mut();
        // SAFETY: fd is the live socket owned by this connection's stream; recv writes at most
        // spare.len() bytes into the spare capacity, and only the bytes it reports are then
        // marked initialised.
        let n = unsafe {
            libc::recv(
                fd,
                spare.as_mut_ptr().cast(),
                spare.len(),
                libc::MSG_DONTWAIT,
            )
        };
        if n > 0 {
            let n = n as usize;
            // SAFETY: recv initialised the first n bytes of the spare capacity.
            unsafe { buf.set_len(buf.len() + n) };
            return n;
        }
    }
    #[cfg(not(unix))]
    let _ = (handle, buf);
    0
}

/// Opens the stream the options describe (TCP connect, TLS and WebSocket handshakes).
/// The TLS, WebSocket and SOCKS5 steps run [`out_of_line`].
/// Failures carry the "unreachable" kind (exit 3).
pub async fn open(opts: &ConnectOptions) -> anyhow::Result<(Stream, SocketHandle)> {
    let target = opts.describe_target();
    match &opts.target {
        Target::Unix(path) => {
            #[cfg(unix)]
            {
                let s = tokio::net::UnixStream::connect(path).await.map_err(|e| {
                    unreachable(format!("cannot connect to {target}: {}", io_reason(&e)))
                })?;
                Ok((Box::new(s), SocketHandle::default()))
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
            let handle = handle_of(&tcp, opts.tls.is_none());
            match &opts.tls {
                None => Ok((Box::new(tcp), handle)),
                Some(_) => Ok((
                    Box::new(out_of_line(tls_over(opts, host, tcp)).await?),
                    handle,
                )),
            }
        }
        Target::WebSocket { host, port, path } => {
            let tcp = tcp(opts, host, *port).await?;
            let handle = handle_of(&tcp, false);
            let ws = match &opts.tls {
                None => out_of_line(websocket(tcp, "ws", host, *port, path, &target)).await?,
                Some(_) => {
                    let tls = out_of_line(tls_over(opts, host, tcp)).await?;
                    out_of_line(websocket(tls, "wss", host, *port, path, &target)).await?
                }
            };
            Ok((ws, handle))
        }
    }
}

/// `step` boxed behind a trait object, so that its poll function is never inlined into the
/// caller's: inlined, the TLS and WebSocket handshakes gave `open` a 63 KB stack frame, whose
/// stack probes touched every page of it (15 page faults of a one-shot `pub`'s ~330) even for
/// plain TCP.
fn out_of_line<'a, T>(
    step: impl Future<Output = T> + Send + 'a,
) -> std::pin::Pin<Box<dyn Future<Output = T> + Send + 'a>> {
    Box::pin(step)
}

async fn tcp(opts: &ConnectOptions, host: &str, port: u16) -> anyhow::Result<TcpStream> {
    match &opts.proxy {
        None => direct(opts, host, port, &opts.describe_target()).await,
        Some(proxy) => out_of_line(socks5(opts, proxy, host, port)).await,
    }
}

/// A TCP stream to `host:port` through a SOCKS5 proxy (`--proxy socks5h://...`). The proxy
/// resolves the broker's name; after the handshake the stream is plain TCP to the broker, so TLS
/// and WebSocket go over it unchanged.
async fn socks5(
    opts: &ConnectOptions,
    proxy: &super::options::Proxy,
    host: &str,
    port: u16,
) -> anyhow::Result<TcpStream> {
    let label = format!("the SOCKS5 proxy {}:{}", proxy.host, proxy.port);
    let to_proxy = direct(opts, &proxy.host, proxy.port, &label).await?;
    let target = (host, port);
    let stream = match (&proxy.username, &proxy.password) {
        (Some(user), pass) => {
            let pass = pass.as_ref().map_or("", |p| p.0.as_str());
            tokio_socks::tcp::Socks5Stream::connect_with_password_and_socket(
                to_proxy, target, user, pass,
            )
            .await
        }
        (None, _) => tokio_socks::tcp::Socks5Stream::connect_with_socket(to_proxy, target).await,
    }
    .map_err(|e| {
        unreachable(format!(
            "the SOCKS5 proxy {}:{} could not connect to {}: {e}",
            proxy.host,
            proxy.port,
            opts.describe_target()
        ))
    })?;
    Ok(stream.into_inner())
}

/// A TCP stream to `host:port`; `target` names it in errors.
async fn direct(
    opts: &ConnectOptions,
    host: &str,
    port: u16,
    target: &str,
) -> anyhow::Result<TcpStream> {
    // An address literal and `localhost` need no resolver, whose thread cost a one-shot `pub`
    // a third of its time.
    let resolved: Vec<SocketAddr> = match host.parse::<std::net::IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) if is_localhost(host) => LOOPBACK
            .iter()
            .map(|&ip| SocketAddr::new(ip, port))
            .collect(),
        Err(_) => tokio::net::lookup_host((host, port))
            .await
            .map_err(|e| unreachable(format!("cannot resolve host '{host}': {}", io_reason(&e))))?
            .collect(),
    };
    let addrs: Vec<SocketAddr> = resolved
        .into_iter()
        .filter(|a| opts.bind.is_none_or(|b| b.is_ipv4() == a.is_ipv4()))
        .collect();
    if addrs.is_empty() {
        return Err(unreachable(format!(
            "host '{host}' has no address usable from the bind address"
        )));
    }
    // The first address's error is the one reported: later ones are fallbacks (for `localhost`,
    // ::1 where IPv6 may be off), whose errors would hide why the preferred address failed.
    let mut first = None;
    for addr in addrs {
        match connect_from(addr, opts.bind).await {
            Ok(s) => {
                // mqtk batches its own writes, so Nagle's algorithm would only add delay.
                let _ = s.set_nodelay(true);
                return Ok(s);
            }
            Err(e) => {
                first.get_or_insert(e);
            }
        }
    }
    let reason = first.map_or_else(|| "no address".to_string(), |e| io_reason(&e));
    Err(unreachable(format!("cannot connect to {target}: {reason}")))
}

/// Where `localhost` points, in the order tried: RFC 6761 (section 6.3) has resolvers answer it
/// with the loopback address without asking anyone, as curl and browsers do.
const LOOPBACK: [std::net::IpAddr; 2] = [
    std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST),
    std::net::IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
];

/// `localhost` and names under it (`broker.localhost`), in any case, with or without the final dot.
fn is_localhost(host: &str) -> bool {
    let name = host.strip_suffix('.').unwrap_or(host).to_ascii_lowercase();
    name == "localhost" || name.ends_with(".localhost")
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
    let tls_opts = opts.tls.as_deref().cloned().unwrap_or_default();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[tokio::test]
    async fn read_now_takes_what_a_plain_socket_holds_and_nothing_else() {
        use std::io::Write;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let tcp = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (mut peer, _) = listener.accept().unwrap();
        let mut buf = bytes::BytesMut::with_capacity(8);
        let plain = handle_of(&tcp, true);
        assert_eq!(read_now(plain, &mut buf), 0, "nothing sent yet");
        peer.write_all(b"0123456789").unwrap();
        let mut waited = 0;
        while unread(plain) != Some(10) && waited < 500 {
            std::thread::sleep(std::time::Duration::from_millis(2));
            waited += 1;
        }
        // Under TLS or WebSocket the bytes are not the stream's: never read them raw.
        assert_eq!(read_now(handle_of(&tcp, false), &mut buf), 0);
        // At most the spare room, and only what is there.
        assert_eq!(read_now(plain, &mut buf), 8);
        buf.reserve(64);
        assert_eq!(read_now(plain, &mut buf), 2);
        assert_eq!(&buf[..], b"0123456789");
        assert_eq!(read_now(plain, &mut buf), 0);
        assert_eq!(read_now(SocketHandle::default(), &mut buf), 0);
    }

    #[test]
    fn localhost_names_are_recognised() {
        for name in [
            "localhost",
            "LOCALHOST",
            "localhost.",
            "mqtt.localhost",
            "a.b.LocalHost.",
        ] {
            assert!(is_localhost(name), "{name}");
        }
        for name in [
            "localhost.example",
            "notlocalhost",
            "local",
            "127.0.0.1",
            "",
        ] {
            assert!(!is_localhost(name), "{name}");
        }
    }
}
