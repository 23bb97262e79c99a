//! `sub --respond CMD`: answers MQTT 5 requests. Each message with a response topic runs CMD
//! (`sh -c CMD`) with the payload on standard input; its standard output is the reply, published
//! to the response topic with the request's correlation data. Requests are answered one at a
//! time, in the order received; CMD's standard error goes to mqtk's.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::process::Stdio;

use bytes::Bytes;
use tokio::io::AsyncWriteExt;

use crate::conn::OutPublish;
use crate::message::{Message, PublishProperties};

/// A request waiting for its command.
struct Request {
    topic: String,
    response_topic: String,
    correlation: Option<Bytes>,
    payload: Bytes,
    qos: u8,
}

/// The outcome of one command run: the reply to publish, or why there is none.
pub type Outcome = Result<OutPublish, String>;

type Running = Pin<Box<dyn Future<Output = Outcome>>>;

/// Runs CMD for each request, one at a time.
pub struct Responder {
    command: String,
    queue: VecDeque<Request>,
    running: Option<Running>,
}

impl Responder {
    pub fn new(command: String) -> Responder {
        Responder {
            command,
            queue: VecDeque::new(),
            running: None,
        }
    }

    /// Takes a received message: a request (it has a response topic) is queued; otherwise the
    /// returned text says why it is not answered.
    pub fn offer(&mut self, m: &Message) -> Option<String> {
        let props = m.properties.as_ref();
        let Some(response_topic) = props.and_then(|p| p.response_topic.clone()) else {
            return Some(format!(
                "--respond: a message on '{}' has no response topic: not answered",
                m.topic
            ));
        };
        self.queue.push_back(Request {
            topic: m.topic.clone(),
            response_topic,
            correlation: props.and_then(|p| p.correlation_data.clone()),
            payload: m.payload.clone(),
            qos: m.qos,
        });
        None
    }

    /// Requests not yet answered (queued or running).
    pub fn pending(&self) -> usize {
        self.queue.len() + usize::from(self.running.is_some())
    }

    /// The next answered request. Cancel-safe: a running command is kept and awaited again on
    /// the next call. Never resolves while there is nothing to do.
    pub async fn next(&mut self) -> Outcome {
        if self.running.is_none() {
            match self.queue.pop_front() {
                Some(request) => {
                    self.running = Some(Box::pin(answer(self.command.clone(), request)))
                }
                None => return std::future::pending().await,
            }
        }
        let outcome = match self.running.as_mut() {
            Some(running) => running.await,
            None => return std::future::pending().await,
        };
        self.running = None;
        outcome
    }
}

async fn answer(command: String, request: Request) -> Outcome {
    let what = format!("--respond: the request on '{}'", request.topic);
    let mut child = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(&command)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("{what}: cannot run sh: {}", crate::error::io_reason(&e)))?;
    if let Some(mut stdin) = child.stdin.take() {
        // A command that does not read its input closes the pipe early: not an error.
        let _ = stdin.write_all(&request.payload).await;
    }
    let output = child
        .wait_with_output()
        .await
        .map_err(|e| format!("{what}: {}", crate::error::io_reason(&e)))?;
    if !output.status.success() {
        return Err(format!(
            "{what}: `{command}` failed ({}): not answered",
            output.status
        ));
    }
    Ok(OutPublish {
        topic: request.response_topic.into(),
        payload: Bytes::from(output.stdout),
        qos: request.qos,
        retain: false,
        dup: false,
        pkid: 0,
        properties: Some(Box::new(PublishProperties {
            correlation_data: request.correlation,
            ..Default::default()
        })),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(payload: &'static str, response_topic: Option<&str>) -> Message {
        let mut m = Message::new("req", payload);
        m.qos = 1;
        m.properties = response_topic.map(|t| {
            Box::new(PublishProperties {
                response_topic: Some(t.into()),
                correlation_data: Some(Bytes::from_static(b"\x00id")),
                ..Default::default()
            })
        });
        m
    }

    #[tokio::test(flavor = "current_thread")]
    async fn answers_in_order_with_correlation_data() {
        let mut r = Responder::new("tr a-z A-Z; printf !".into());
        assert!(r.offer(&request("one", Some("resp/1"))).is_none());
        assert!(r.offer(&request("two", Some("resp/2"))).is_none());
        assert!(
            r.offer(&request("x", None))
                .unwrap()
                .contains("no response topic")
        );
        assert_eq!(r.pending(), 2);
        let a = r.next().await.unwrap();
        assert_eq!(
            (&*a.topic, &a.payload[..], a.qos),
            ("resp/1", &b"ONE!"[..], 1)
        );
        assert_eq!(
            a.properties.unwrap().correlation_data.as_deref(),
            Some(&b"\x00id"[..])
        );
        assert_eq!(&r.next().await.unwrap().payload[..], b"TWO!");
        assert_eq!(r.pending(), 0);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_failing_command_is_not_an_answer() {
        let mut r = Responder::new("cat >/dev/null; exit 3".into());
        r.offer(&request("x", Some("resp")));
        let err = r.next().await.unwrap_err();
        assert!(
            err.contains("failed") && err.contains("not answered"),
            "{err}"
        );
    }
}
