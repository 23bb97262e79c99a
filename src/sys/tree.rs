//! The raw `$SYS` tree as received: every topic's latest payload, when it arrived, whether it was
//! retained and how often it came. Nothing here interprets the values.

use std::collections::BTreeMap;
use std::time::{Instant, SystemTime};

/// One topic's latest message.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub payload: Vec<u8>,
    pub retained: bool,
    /// Arrival time (monotonic, for rates).
    pub at: Instant,
    /// Arrival time (wall clock, for `mqtk_sys_last_update_timestamp_seconds`).
    pub wall: SystemTime,
    /// Messages received on this topic so far (events such as client connects count here).
    pub count: u64,
}

impl Entry {
    /// The payload as text; `None` when it is not UTF-8.
    pub fn text(&self) -> Option<&str> {
        std::str::from_utf8(&self.payload).ok()
    }

    /// The payload as text with bytes that are not UTF-8 escaped as `\xNN` (lossless to read,
    /// and never silently replaced).
    pub fn display(&self) -> String {
        match self.text() {
            Some(t) => t.to_string(),
            None => self
                .payload
                .utf8_chunks()
                .flat_map(|c| {
                    let bad = c.invalid().iter().map(|b| format!("\\x{b:02x}"));
                    std::iter::once(c.valid().to_string()).chain(bad)
                })
                .collect(),
        }
    }
}

/// Topics in sorted order (what `--raw` and `--tree` print).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tree {
    entries: BTreeMap<String, Entry>,
}

impl Tree {
    pub fn new() -> Self {
        Tree::default()
    }

    /// Records a message: the latest payload wins; an empty retained payload (a cleared retained
    /// message) removes the topic.
    pub fn insert(&mut self, topic: &str, payload: &[u8], retained: bool, at: Instant) {
        self.insert_at(topic, payload, retained, at, SystemTime::now());
    }

    pub fn insert_at(
        &mut self,
        topic: &str,
        payload: &[u8],
        retained: bool,
        at: Instant,
        wall: SystemTime,
    ) {
        if payload.is_empty() && retained {
            self.entries.remove(topic);
            return;
        }
        let count = self.entries.get(topic).map_or(0, |e| e.count) + 1;
        self.entries.insert(
            topic.to_string(),
            Entry {
                payload: payload.to_vec(),
                retained,
                at,
                wall,
                count,
            },
        );
    }

    pub fn get(&self, topic: &str) -> Option<&Entry> {
        self.entries.get(topic)
    }

    pub fn text(&self, topic: &str) -> Option<&str> {
        self.get(topic).and_then(Entry::text)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &Entry)> {
        self.entries.iter().map(|(t, e)| (t.as_str(), e))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The latest arrival, if anything arrived.
    pub fn last_update(&self) -> Option<SystemTime> {
        self.entries.values().map(|e| e.wall).max()
    }

    /// Forgets everything (a broker restart: its retained tree is sent afresh).
    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latest_wins_counts_and_cleared_topics_go() {
        let mut t = Tree::new();
        let now = Instant::now();
        t.insert("$SYS/a", b"1", true, now);
        t.insert("$SYS/a", b"2", false, now);
        assert_eq!(t.text("$SYS/a"), Some("2"));
        assert_eq!(t.get("$SYS/a").unwrap().count, 2);
        t.insert("$SYS/a", b"", true, now);
        assert!(t.is_empty());
    }

    #[test]
    fn binary_payloads_are_escaped_not_replaced() {
        let mut t = Tree::new();
        t.insert("$SYS/b", b"ok\xff\x00", true, Instant::now());
        assert_eq!(t.get("$SYS/b").unwrap().display(), "ok\\xff\u{0}");
    }
}
