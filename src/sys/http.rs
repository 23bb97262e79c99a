//! A minimal HTTP/1.1 server for `--listen`: answers `GET /metrics` (and `HEAD`) with the
//! exposition, 404 elsewhere, one request per connection (`Connection: close`), bounded request
//! size and read time. Hand-written: a scrape endpoint needs nothing more, and an HTTP crate
//! would bring its own runtime or thread pool beside tokio for one route.

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::prometheus::CONTENT_TYPE;

/// Largest request head read; anything longer is answered 431.
const MAX_HEAD: usize = 8 * 1024;

/// Time a client gets to send its request.
const READ_TIMEOUT: Duration = Duration::from_secs(5);

/// The answer to a request line, as (status line, content type, body).
pub fn respond(request_line: &str, body: impl FnOnce() -> String) -> (&'static str, String) {
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let path = target.split('?').next().unwrap_or("");
    match (method, path) {
        ("GET" | "HEAD", "/metrics") => ("200 OK", body()),
        ("GET" | "HEAD", "/") => (
            "200 OK",
            "mqtk sys exporter: metrics at /metrics\n".to_string(),
        ),
        ("GET" | "HEAD", _) => ("404 Not Found", "not found: try /metrics\n".to_string()),
        _ => ("405 Method Not Allowed", "only GET and HEAD\n".to_string()),
    }
}

async fn handle(mut conn: TcpStream, render: Arc<dyn Fn() -> String + Send + Sync>) {
    let mut head = Vec::with_capacity(512);
    let mut buf = [0u8; 1024];
    let read = async {
        loop {
            let n = conn.read(&mut buf).await?;
            if n == 0 {
                return Ok::<bool, std::io::Error>(false);
            }
            head.extend_from_slice(&buf[..n]);
            if head.windows(4).any(|w| w == b"\r\n\r\n") || head.windows(2).any(|w| w == b"\n\n") {
                return Ok(true);
            }
            if head.len() > MAX_HEAD {
                return Ok(true);
            }
        }
    };
    let Ok(Ok(true)) = tokio::time::timeout(READ_TIMEOUT, read).await else {
        return;
    };
    let (status, body, content_type) = if head.len() > MAX_HEAD {
        (
            "431 Request Header Fields Too Large",
            String::new(),
            "text/plain",
        )
    } else {
        let text = String::from_utf8_lossy(&head);
        let line = text.lines().next().unwrap_or("");
        let (status, body) = respond(line, || render());
        let ct = if status.starts_with("200") && line.contains("/metrics") {
            CONTENT_TYPE
        } else {
            "text/plain; charset=utf-8"
        };
        let body = if line.starts_with("HEAD") {
            String::new()
        } else {
            body
        };
        (status, body, ct)
    };
    let reply = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = conn.write_all(reply.as_bytes()).await;
    let _ = conn.shutdown().await;
}

/// Accepts connections until the task is dropped; each gets `render()`'s text at /metrics.
pub async fn serve(listener: TcpListener, render: Arc<dyn Fn() -> String + Send + Sync>) {
    loop {
        match listener.accept().await {
            Ok((conn, _)) => {
                tokio::spawn(handle(conn, render.clone()));
            }
            // Out of file descriptors and the like: back off rather than spin.
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        assert_eq!(respond("GET /metrics HTTP/1.1", || "m".into()).0, "200 OK");
        assert_eq!(respond("GET /metrics?x=1 HTTP/1.0", || "m".into()).1, "m");
        assert_eq!(
            respond("GET /other HTTP/1.1", || "m".into()).0,
            "404 Not Found"
        );
        assert_eq!(
            respond("POST /metrics HTTP/1.1", || "m".into()).0,
            "405 Method Not Allowed"
        );
    }
}
