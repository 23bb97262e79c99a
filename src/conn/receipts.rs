//! Exactly-once delivery on the receiving side of QoS 2: which incoming messages were already
//! handed to the user, so that a broker's redelivery is acknowledged but not printed again.

use std::hash::BuildHasher;

use super::inflight::ByPacketId;
use crate::message::Message;

/// What to do with an incoming QoS 2 PUBLISH.
#[derive(Debug, PartialEq, Eq)]
pub enum Receipt {
    /// A new message: deliver it (and send PUBREC).
    New,
    /// Already delivered: send PUBREC again, deliver nothing.
    Duplicate,
}

/// QoS 2 receipts by packet identifier.
#[derive(Default)]
pub struct Receipts {
    /// PUBREC sent, PUBREL not yet received: any PUBLISH with this id is a redelivery.
    awaiting_release: ByPacketId<u64>,
    /// Flows completed (PUBCOMP sent): a fingerprint of the message, by packet id (0: none). The
    /// specification lets a broker reuse the id for a new message after PUBCOMP, but a new
    /// message is never flagged DUP; a DUP PUBLISH with the same id and the same content is the
    /// old message again. That happens when a broker restores a session saved before it saw our
    /// PUBREC/PUBCOMP (mosquitto after a restart does), and without this check it would be
    /// printed twice. A table rather than a map: brokers cycle through all 65,535 ids, and a
    /// map that large (twice the table's memory) missed the cache on every message.
    released: Vec<u64>,
}

/// Tells a stale redelivery from a new message with a reused identifier: a collision would
/// need a broker to reuse the id for different content that hashes alike, so a fast hash does.
/// Never 0, which marks an empty slot.
fn fingerprint(m: &Message) -> u64 {
    foldhash::fast::FixedState::default()
        .hash_one((&m.topic, &m.payload[..]))
        .max(1)
}

impl Receipts {
    /// Classifies a QoS 2 PUBLISH and records it.
    pub fn publish(&mut self, m: &Message) -> Receipt {
        if self.awaiting_release.contains_key(&m.pkid) {
            return Receipt::Duplicate;
        }
        let print = fingerprint(m);
        let slot = usize::from(m.pkid);
        let released = self.released.get(slot).copied().unwrap_or(0);
        self.awaiting_release.insert(m.pkid, print);
        if released != 0 {
            self.released[slot] = 0;
        }
        // Tracked as awaiting either way, so the broker's PUBREL completes it as usual.
        if m.dup && released == print {
            Receipt::Duplicate
        } else {
            Receipt::New
        }
    }

    /// A PUBREL for `pkid`: the flow is complete once PUBCOMP goes out.
    pub fn release(&mut self, pkid: u16) {
        if let Some(print) = self.awaiting_release.remove(&pkid) {
            let slot = usize::from(pkid);
            if self.released.len() <= slot {
                // Grown as ids come: most connections never see high ones.
                self.released
                    .resize((slot + 1).next_power_of_two().min(1 << 16), 0);
            }
            self.released[slot] = print;
        }
    }

    /// The broker lost the session: all identifiers start afresh.
    pub fn clear(&mut self) {
        self.awaiting_release.clear();
        self.released.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(pkid: u16, dup: bool, payload: &'static str) -> Message {
        let mut m = Message::new("t", payload);
        m.qos = 2;
        m.pkid = pkid;
        m.dup = dup;
        m
    }

    #[test]
    fn redelivery_before_pubrel_is_a_duplicate() {
        let mut r = Receipts::default();
        assert_eq!(r.publish(&msg(1, false, "a")), Receipt::New);
        assert_eq!(r.publish(&msg(1, true, "a")), Receipt::Duplicate);
    }

    #[test]
    fn stale_redelivery_after_pubcomp_is_a_duplicate_but_reuse_is_new() {
        let mut r = Receipts::default();
        assert_eq!(r.publish(&msg(1, false, "a")), Receipt::New);
        r.release(1);
        // The broker restored an old state and sends the same message again, flagged DUP.
        assert_eq!(r.publish(&msg(1, true, "a")), Receipt::Duplicate);
        r.release(1);
        // A new message reusing the id (never DUP on first sending) is new.
        assert_eq!(r.publish(&msg(1, false, "a")), Receipt::New);
        r.release(1);
        // A DUP with other content is a different message whose first sending we missed.
        assert_eq!(r.publish(&msg(1, true, "b")), Receipt::New);
    }

    #[test]
    fn a_lost_session_forgets_everything() {
        let mut r = Receipts::default();
        r.publish(&msg(1, false, "a"));
        r.clear();
        assert_eq!(r.publish(&msg(1, true, "a")), Receipt::New);
    }
}
