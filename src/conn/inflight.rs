//! QoS 1/2 publishes awaiting acknowledgement: packet-identifier allocation and mqtk's own copy
//! of every unacknowledged message, so nothing is lost when a session is lost and re-created.

use std::collections::HashMap;

use super::packet::{OutPublish, Outgoing};

/// Where an outgoing QoS 1/2 message is in its handshake.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    /// PUBLISH sent; waiting for PUBACK (QoS 1) or PUBREC (QoS 2).
    Published,
    /// QoS 2: PUBREC received and PUBREL sent; waiting for PUBCOMP.
    Released,
}

struct Entry {
    publish: OutPublish,
    stage: Stage,
    /// Order of first sending, so that re-sending after a reconnect keeps the original order.
    seq: u64,
}

/// The outcome of an acknowledgement.
#[derive(Debug, PartialEq, Eq)]
pub enum AckOutcome {
    /// The message is done (PUBACK, or PUBCOMP for QoS 2).
    Completed,
    /// QoS 2 PUBREC: send PUBREL next.
    SendPubRel,
    /// An identifier we are not waiting on (e.g. a late duplicate acknowledgement): ignore.
    Unknown,
}

/// Unacknowledged outgoing messages, indexed by packet identifier. A map rather than a table of
/// all 65,535 identifiers: a one-shot `pub -m` should not pay for zeroing megabytes.
pub struct Inflight {
    slots: HashMap<u16, Entry>,
    next_id: u16,
    len: usize,
    limit: usize,
    seq: u64,
}

impl Inflight {
    /// At most `limit` messages in flight (1 to 65,535).
    pub fn new(limit: u16) -> Self {
        Inflight {
            slots: HashMap::new(),
            next_id: 1,
            len: 0,
            limit: limit.max(1) as usize,
            seq: 0,
        }
    }

    pub fn set_limit(&mut self, limit: u16) {
        self.limit = limit.max(1) as usize;
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn has_room(&self) -> bool {
        self.len < self.limit
    }

    /// Takes a copy of `publish`, gives it a free packet identifier and returns the PUBLISH to send.
    /// The caller checks [`has_room`](Self::has_room) first.
    pub fn insert(&mut self, mut publish: OutPublish) -> Outgoing {
        let mut id = self.next_id;
        while self.slots.contains_key(&id) {
            id = if id == u16::MAX { 1 } else { id + 1 };
        }
        self.next_id = if id == u16::MAX { 1 } else { id + 1 };
        publish.pkid = id;
        self.seq += 1;
        self.slots.insert(
            id,
            Entry {
                publish: publish.clone(),
                stage: Stage::Published,
                seq: self.seq,
            },
        );
        self.len += 1;
        Outgoing::Publish(publish)
    }

    /// A PUBACK (QoS 1) or PUBREC (QoS 2) for `pkid`.
    pub fn first_ack(&mut self, pkid: u16) -> AckOutcome {
        let Some(entry) = self.slots.get_mut(&pkid) else {
            return AckOutcome::Unknown;
        };
        match (entry.publish.qos, entry.stage) {
            (1, _) => {
                self.remove(pkid);
                AckOutcome::Completed
            }
            (_, Stage::Published) => {
                entry.stage = Stage::Released;
                AckOutcome::SendPubRel
            }
            // A repeated PUBREC: answer with PUBREL again.
            (_, Stage::Released) => AckOutcome::SendPubRel,
        }
    }

    /// A PUBCOMP for `pkid`.
    pub fn complete(&mut self, pkid: u16) -> AckOutcome {
        match self.slots.get(&pkid) {
            Some(e) if e.stage == Stage::Released => {
                self.remove(pkid);
                AckOutcome::Completed
            }
            _ => AckOutcome::Unknown,
        }
    }

    /// Drops a message that the broker refused (MQTT 5 failure reason code).
    pub fn remove(&mut self, pkid: u16) -> Option<OutPublish> {
        let entry = self.slots.remove(&pkid)?;
        self.len -= 1;
        Some(entry.publish)
    }

    /// The packets that re-establish every unacknowledged message on a new connection, in their
    /// original order: PUBLISH with the DUP flag for those not yet acknowledged, PUBREL for QoS 2
    /// messages the broker already received.
    pub fn resend(&self) -> Vec<Outgoing> {
        let mut entries: Vec<&Entry> = self.slots.values().collect();
        entries.sort_by_key(|e| e.seq);
        entries
            .into_iter()
            .map(|e| match e.stage {
                Stage::Published => Outgoing::Publish(OutPublish {
                    dup: true,
                    ..e.publish.clone()
                }),
                Stage::Released => Outgoing::PubRel(e.publish.pkid),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(qos: u8) -> OutPublish {
        OutPublish {
            topic: "t".into(),
            qos,
            ..Default::default()
        }
    }

    fn id(o: &Outgoing) -> u16 {
        match o {
            Outgoing::Publish(p) => p.pkid,
            Outgoing::PubRel(id) => *id,
            _ => 0,
        }
    }

    #[test]
    fn ids_wrap_and_skip_those_in_use() {
        let mut f = Inflight::new(u16::MAX);
        let first = id(&f.insert(msg(1)));
        assert_eq!(first, 1);
        for _ in 0..65_533 {
            let i = id(&f.insert(msg(1)));
            assert_eq!(f.first_ack(i), AckOutcome::Completed);
        }
        // Next id is 65535, then it wraps and must skip 1, still in flight.
        assert_eq!(id(&f.insert(msg(1))), 65_535);
        assert_eq!(id(&f.insert(msg(1))), 2);
        assert_eq!(f.len(), 3);
    }

    #[test]
    fn qos2_handshake_and_resend_order() {
        let mut f = Inflight::new(10);
        let a = id(&f.insert(msg(2)));
        let b = id(&f.insert(msg(1)));
        assert_eq!(f.complete(a), AckOutcome::Unknown);
        assert_eq!(f.first_ack(a), AckOutcome::SendPubRel);
        let resend = f.resend();
        assert!(matches!(resend[0], Outgoing::PubRel(x) if x == a));
        assert!(matches!(&resend[1], Outgoing::Publish(p) if p.pkid == b && p.dup));
        assert_eq!(f.complete(a), AckOutcome::Completed);
        assert_eq!(f.first_ack(b), AckOutcome::Completed);
        assert!(f.is_empty());
        assert_eq!(f.first_ack(b), AckOutcome::Unknown);
    }

    #[test]
    fn room_is_limited() {
        let mut f = Inflight::new(2);
        f.insert(msg(1));
        assert!(f.has_room());
        f.insert(msg(1));
        assert!(!f.has_room());
    }
}
