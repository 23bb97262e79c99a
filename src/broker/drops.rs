//! Counts the messages the mqtt5 broker drops, for `$SYS/broker/publish/messages/dropped`.
//!
//! mqtt5 0.49 keeps no drop statistic: a QoS 0 message for a subscriber whose delivery lane is
//! full is discarded with only a `trace!` event (`router.rs`, `DeliveryPlan::Online`:
//! `lanes.qos0_tx.try_send(..)`, "Dropped QoS 0 message: delivery lane full"), and a message for a
//! session discarded meanwhile with a `debug!` one. Those events are the only signal the crate
//! gives, so a `tracing` subscriber that listens to exactly those call sites (and to nothing
//! else: every other call site is switched off once, when first seen) counts them.

use std::sync::atomic::{AtomicU64, Ordering};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Event, Level, Metadata, Subscriber};

/// Messages dropped since the process started (one broker per process).
static DROPPED: AtomicU64 = AtomicU64::new(0);

/// Where mqtt5's router logs a dropped delivery.
const ROUTER: &str = "mqtt5::broker::router";

/// Installs the counter as the process's tracing subscriber (once; later calls do nothing).
pub fn install() {
    let _ = tracing::subscriber::set_global_default(DropCounter);
}

/// How many messages the broker dropped so far.
pub fn dropped() -> u64 {
    DROPPED.load(Ordering::Relaxed)
}

struct DropCounter;

/// A call site that may report a drop: the router's events with just a message and a client id.
fn may_report_drop(meta: &Metadata<'_>) -> bool {
    meta.is_event()
        && meta.target() == ROUTER
        && (*meta.level() == Level::TRACE || *meta.level() == Level::DEBUG)
        && meta.fields().len() == 2
        && meta.fields().field("client_id").is_some()
}

/// Whether the event's message says a message was dropped (checked without allocating).
#[derive(Default)]
struct SaysDropped(bool);

impl Visit for SaysDropped {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() != "message" {
            return;
        }
        struct Prefix<'a>(&'a mut bool, usize);
        impl std::fmt::Write for Prefix<'_> {
            fn write_str(&mut self, s: &str) -> std::fmt::Result {
                const WORD: &[u8] = b"Dropped";
                let take = s.len().min(WORD.len().saturating_sub(self.1));
                if s.as_bytes()[..take] != WORD[self.1..self.1 + take] {
                    return Err(std::fmt::Error);
                }
                self.1 += take;
                if self.1 == WORD.len() {
                    *self.0 = true;
                    return Err(std::fmt::Error);
                }
                Ok(())
            }
        }
        let _ = std::fmt::write(&mut Prefix(&mut self.0, 0), format_args!("{value:?}"));
    }
}

impl Subscriber for DropCounter {
    fn register_callsite(&self, meta: &'static Metadata<'static>) -> Interest {
        if may_report_drop(meta) {
            Interest::always()
        } else {
            Interest::never()
        }
    }

    fn enabled(&self, meta: &Metadata<'_>) -> bool {
        may_report_drop(meta)
    }

    fn event(&self, event: &Event<'_>) {
        let mut says = SaysDropped::default();
        event.record(&mut says);
        if says.0 {
            DROPPED.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    fn says(text: &str) -> bool {
        let mut s = SaysDropped::default();
        struct One<'a>(&'a str);
        impl std::fmt::Debug for One<'_> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                // fmt::Arguments prints without quotes, in pieces.
                let (a, b) = self.0.split_at(self.0.len() / 2);
                f.write_str(a)?;
                f.write_str(b)
            }
        }
        struct Fields;
        impl tracing::callsite::Callsite for Fields {
            fn set_interest(&self, _: Interest) {}
            fn metadata(&self) -> &Metadata<'_> {
                unimplemented!()
            }
        }
        static CS: Fields = Fields;
        let fields =
            tracing::field::FieldSet::new(&["message"], tracing::callsite::Identifier(&CS));
        let field = fields.field("message").unwrap();
        s.record_debug(&field, &One(text));
        s.0
    }

    #[test]
    fn only_drop_messages_count() {
        assert!(says("Dropped QoS 0 message: delivery lane full"));
        assert!(says(
            "Dropped message routed to a session that has since been discarded"
        ));
        assert!(!says("Queued message behind the client's backlog"));
        assert!(!says("Drop"));
        assert!(!says(""));
    }
}
