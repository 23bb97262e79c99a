//! QoS 1/2 publishes awaiting acknowledgement: packet-identifier allocation and the QoS 1/2
//! handshakes, with a value kept per message. `pub` keeps its own copy of every unacknowledged
//! message there, so nothing is lost when a session is lost and re-created; `bench` keeps the
//! send time, for publish-to-acknowledgement latency.

use super::packet::{OutPublish, Outgoing};

/// Maps keyed by packet identifier (in-flight messages, QoS 2 receipts). Every QoS 1/2 packet
/// goes through one, and the standard library's SipHash (built to resist keys chosen by an
/// attacker, which 16-bit identifiers cannot exploit) cost more than the rest of the
/// bookkeeping per message.
pub type ByPacketId<V> = std::collections::HashMap<u16, V, foldhash::fast::FixedState>;

/// Where an outgoing QoS 1/2 message is in its handshake.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    /// PUBLISH sent; waiting for PUBACK (QoS 1) or PUBREC (QoS 2).
    Published,
    /// QoS 2: PUBREC received and PUBREL sent; waiting for PUBCOMP.
    Released,
}

struct Entry<T> {
    value: T,
    qos: u8,
    stage: Stage,
    /// Order of first sending, so that re-sending after a reconnect keeps the original order.
    seq: u64,
}

/// The outcome of an acknowledgement.
#[derive(Debug, PartialEq, Eq)]
pub enum AckOutcome<T> {
    /// The message is done (PUBACK, or PUBCOMP for QoS 2): here is its value back.
    Completed(T),
    /// QoS 2 PUBREC: send PUBREL next.
    SendPubRel,
    /// An identifier we are not waiting on (e.g. a late duplicate acknowledgement): ignore.
    Unknown,
}

/// Unacknowledged outgoing messages, indexed by packet identifier. A map rather than a table of
/// all 65,535 identifiers: a one-shot `pub -m` should not pay for zeroing megabytes.
pub struct Inflight<T> {
    slots: ByPacketId<Entry<T>>,
    next_id: u16,
    limit: usize,
    seq: u64,
    /// Identifiers of SUBSCRIBE/UNSUBSCRIBE requests awaiting their acknowledgement: the
    /// identifier space is shared with PUBLISH, so these are skipped too.
    requests: Vec<u16>,
}

impl<T> Inflight<T> {
    /// At most `limit` messages in flight (1 to 65,535).
    pub fn new(limit: u16) -> Self {
        Inflight {
            slots: Default::default(),
            next_id: 1,
            limit: limit.max(1) as usize,
            seq: 0,
            requests: Vec::new(),
        }
    }

    fn free_id(&mut self) -> u16 {
        let mut id = self.next_id;
        while self.slots.contains_key(&id) || self.requests.contains(&id) {
            id = if id == u16::MAX { 1 } else { id + 1 };
        }
        self.next_id = if id == u16::MAX { 1 } else { id + 1 };
        id
    }

    /// A free identifier for a SUBSCRIBE or UNSUBSCRIBE, held until [`release`](Self::release).
    pub fn request_id(&mut self) -> u16 {
        let id = self.free_id();
        self.requests.push(id);
        id
    }

    /// The request `id` was acknowledged; false if it was not awaited.
    pub fn release(&mut self, id: u16) -> bool {
        let before = self.requests.len();
        self.requests.retain(|&r| r != id);
        self.requests.len() < before
    }

    /// Requests awaiting their acknowledgement.
    pub fn requests(&self) -> &[u16] {
        &self.requests
    }

    /// Forgets the awaited requests (a new connection re-sends them with new identifiers).
    pub fn clear_requests(&mut self) {
        self.requests.clear();
    }

    pub fn set_limit(&mut self, limit: u16) {
        self.limit = limit.max(1) as usize;
    }

    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// How many more messages may go before the limit is reached.
    pub fn room(&self) -> usize {
        self.limit.saturating_sub(self.slots.len())
    }

    pub fn has_room(&self) -> bool {
        self.room() > 0
    }

    /// Registers a QoS 1/2 message and returns the free packet identifier it must be sent with.
    /// The caller checks [`has_room`](Self::has_room) first.
    pub fn insert(&mut self, qos: u8, value: T) -> u16 {
        let id = self.free_id();
        self.seq += 1;
        self.slots.insert(
            id,
            Entry {
                value,
                qos,
                stage: Stage::Published,
                seq: self.seq,
            },
        );
        id
    }

    /// Every value kept, in no particular order.
    pub fn values(&self) -> impl Iterator<Item = &T> {
        self.slots.values().map(|e| &e.value)
    }

    /// The value kept for `pkid`.
    pub fn get(&self, pkid: u16) -> Option<&T> {
        self.slots.get(&pkid).map(|e| &e.value)
    }

    /// A PUBACK (QoS 1) or PUBREC (QoS 2) for `pkid`.
    pub fn first_ack(&mut self, pkid: u16) -> AckOutcome<T> {
        let Some(entry) = self.slots.get_mut(&pkid) else {
            return AckOutcome::Unknown;
        };
        if entry.qos == 1 {
            return self
                .remove(pkid)
                .map_or(AckOutcome::Unknown, AckOutcome::Completed);
        }
        // A repeated PUBREC is answered with PUBREL again.
        entry.stage = Stage::Released;
        AckOutcome::SendPubRel
    }

    /// A PUBCOMP for `pkid`: the value of the completed message, if it was awaiting one.
    pub fn complete(&mut self, pkid: u16) -> Option<T> {
        match self.slots.get(&pkid) {
            Some(e) if e.stage == Stage::Released => self.remove(pkid),
            _ => None,
        }
    }

    /// Drops a message that the broker refused (MQTT 5 failure reason code).
    pub fn remove(&mut self, pkid: u16) -> Option<T> {
        self.slots.remove(&pkid).map(|e| e.value)
    }

    /// Forgets every message (a new clean session will never acknowledge them); returns how many.
    pub fn clear(&mut self) -> usize {
        let n = self.slots.len();
        self.slots.clear();
        n
    }

    /// The packets that re-establish every unacknowledged message on a new connection, in their
    /// original order: PUBLISH with the DUP flag for those not yet acknowledged (taken from each
    /// value with `publish_of`), PUBREL for QoS 2 messages the broker already received.
    pub fn resend(&self, publish_of: impl Fn(&T) -> &OutPublish) -> Vec<Outgoing> {
        let mut entries: Vec<(&u16, &Entry<T>)> = self.slots.iter().collect();
        entries.sort_by_key(|(_, e)| e.seq);
        entries
            .into_iter()
            .map(|(&pkid, e)| match e.stage {
                Stage::Published => Outgoing::Publish(OutPublish {
                    dup: true,
                    pkid,
                    ..publish_of(&e.value).clone()
                }),
                Stage::Released => Outgoing::PubRel(pkid),
            })
            .collect()
    }
}

impl Inflight<OutPublish> {
    /// Keeps a copy of `publish` under a free packet identifier and returns the PUBLISH to send.
    /// The caller checks [`has_room`](Self::has_room) first.
    pub fn publish(&mut self, mut publish: OutPublish) -> Outgoing {
        // The copy's own pkid is not kept up to date: `resend` takes the identifier from the key.
        publish.pkid = self.insert(publish.qos, publish.clone());
        Outgoing::Publish(publish)
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
        let mut f = Inflight::<OutPublish>::new(u16::MAX);
        let first = id(&f.publish(msg(1)));
        assert_eq!(first, 1);
        for _ in 0..65_533 {
            let i = id(&f.publish(msg(1)));
            assert!(matches!(f.first_ack(i), AckOutcome::Completed(_)));
        }
        // Next id is 65535, then it wraps and must skip 1, still in flight.
        assert_eq!(id(&f.publish(msg(1))), 65_535);
        assert_eq!(id(&f.publish(msg(1))), 2);
        assert_eq!(f.len(), 3);
    }

    #[test]
    fn qos2_handshake_and_resend_order() {
        let mut f = Inflight::new(10);
        let a = id(&f.publish(msg(2)));
        let b = id(&f.publish(msg(1)));
        assert!(f.complete(a).is_none());
        assert!(matches!(f.first_ack(a), AckOutcome::SendPubRel));
        // A repeated PUBREC gets PUBREL again.
        assert!(matches!(f.first_ack(a), AckOutcome::SendPubRel));
        let resend = f.resend(|p| p);
        assert!(matches!(resend[0], Outgoing::PubRel(x) if x == a));
        assert!(matches!(&resend[1], Outgoing::Publish(p) if p.pkid == b && p.dup));
        assert!(f.complete(a).is_some());
        assert!(matches!(f.first_ack(b), AckOutcome::Completed(p) if p.qos == 1));
        assert!(f.is_empty());
        assert!(matches!(f.first_ack(b), AckOutcome::Unknown));
    }

    #[test]
    fn request_ids_are_skipped_by_publishes() {
        let mut f = Inflight::<OutPublish>::new(10);
        let r = f.request_id();
        assert_eq!(r, 1);
        assert_eq!(id(&f.publish(msg(1))), 2);
        assert!(f.release(r));
        assert!(!f.release(r));
        assert!(f.requests().is_empty());
    }

    #[test]
    fn room_is_limited() {
        let mut f = Inflight::new(2);
        f.publish(msg(1));
        assert!(f.has_room());
        f.publish(msg(1));
        assert!(!f.has_room());
        assert_eq!(f.room(), 0);
        f.set_limit(5);
        assert_eq!(f.room(), 3);
    }

    #[test]
    fn values_come_back_with_their_acknowledgement() {
        let mut f: Inflight<u64> = Inflight::new(10);
        let a = f.insert(1, 100);
        let b = f.insert(2, 200);
        let c = f.insert(1, 300);
        assert_eq!(f.first_ack(a), AckOutcome::Completed(100));
        assert_eq!(f.first_ack(b), AckOutcome::SendPubRel);
        assert_eq!(f.complete(b), Some(200));
        assert_eq!(f.complete(b), None);
        assert_eq!(f.remove(c), Some(300));
        f.insert(1, 400);
        assert_eq!(f.clear(), 1);
        assert!(f.is_empty());
    }
}
