//! The small header every bench message starts with, so subscribers can measure end-to-end
//! latency, loss, duplicates and reordering per publisher stream, even when several `bench`
//! processes publish into one subscriber.
//!
//! Layout (big-endian, 32 bytes): magic `mq` (2), version 2 (1), reserved (1), run id (4),
//! publisher index (4), sequence number (8), send time in nanoseconds since the Unix epoch (8),
//! messages the stream will send in all (4; 0 when not known, e.g. a run bounded by time). A
//! stream is (run id, publisher index): each process draws a random run id unless `--run-id`
//! gives one. The send time is wall clock so that `bench sub` in another process on the same
//! machine can still compute latency; the announced total lets it count missing messages at the
//! tail. Version 1 headers (24 bytes, no run id, no total) are still read, as run 0.

/// Bytes taken by the header; the smallest allowed `--size`.
pub const HEADER_LEN: usize = 32;

const V1_LEN: usize = 24;
const MAGIC: [u8; 2] = *b"mq";
const VERSION: u8 = 2;

/// The decoded header of one bench message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    pub run: u32,
    pub publisher: u32,
    pub seq: u64,
    /// Nanoseconds since the Unix epoch: when the message was meant to be sent.
    pub sent_ns: u64,
    /// Messages the stream sends in all (0: unknown).
    pub total: u32,
}

impl Header {
    /// The stream this message belongs to.
    pub fn stream(&self) -> Stream {
        Stream {
            run: self.run,
            publisher: self.publisher,
        }
    }

    /// Writes the header into the first [`HEADER_LEN`] bytes of `buf`.
    ///
    /// `buf` must be at least [`HEADER_LEN`] long; the CLI guarantees it by rejecting smaller
    /// `--size` values before anything runs.
    pub fn write(&self, buf: &mut [u8]) {
        debug_assert!(buf.len() >= HEADER_LEN);
        buf[0..2].copy_from_slice(&MAGIC);
        buf[2] = VERSION;
        buf[3] = 0;
        buf[4..8].copy_from_slice(&self.run.to_be_bytes());
        buf[8..12].copy_from_slice(&self.publisher.to_be_bytes());
        buf[12..20].copy_from_slice(&self.seq.to_be_bytes());
        buf[20..28].copy_from_slice(&self.sent_ns.to_be_bytes());
        buf[28..32].copy_from_slice(&self.total.to_be_bytes());
    }

    /// The header at the start of `payload`, or `None` when the payload is not a bench message
    /// (too short, other magic or version): such messages are only counted.
    pub fn read(payload: &[u8]) -> Option<Header> {
        let head = payload.get(..V1_LEN)?;
        if head[0..2] != MAGIC {
            return None;
        }
        let u32_at = |b: &[u8], i: usize| u32::from_be_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
        let u64_at =
            |b: &[u8], i: usize| (u64::from(u32_at(b, i)) << 32) | u64::from(u32_at(b, i + 4));
        match head[2] {
            1 => Some(Header {
                run: 0,
                publisher: u32_at(head, 4),
                seq: u64_at(head, 8),
                sent_ns: u64_at(head, 16),
                total: 0,
            }),
            VERSION => {
                let h = payload.get(..HEADER_LEN)?;
                Some(Header {
                    run: u32_at(h, 4),
                    publisher: u32_at(h, 8),
                    seq: u64_at(h, 12),
                    sent_ns: u64_at(h, 20),
                    total: u32_at(h, 28),
                })
            }
            _ => None,
        }
    }
}

/// One publisher's stream of messages: the unit loss, duplicates and order are counted in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Stream {
    pub run: u32,
    pub publisher: u32,
}

/// Checks `--size` against the header length (a usage error when too small).
pub fn check_size(size: usize) -> anyhow::Result<()> {
    if size < HEADER_LEN {
        return Err(crate::error::usage(format!(
            "--size {size} is smaller than the {HEADER_LEN}-byte bench header (run id, \
             publisher, sequence number, send time, total)"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Header {
        Header {
            run: 0xDEAD_BEEF,
            publisher: 7,
            seq: 1 << 40,
            sent_ns: 1_700_000_000_123_456_789,
            total: 1000,
        }
    }

    #[test]
    fn round_trip() {
        let h = sample();
        let mut buf = vec![0xAA; 64];
        h.write(&mut buf);
        assert_eq!(Header::read(&buf), Some(h));
        assert_eq!(
            buf[HEADER_LEN], 0xAA,
            "bytes after the header are left alone"
        );
        assert_eq!(
            h.stream(),
            Stream {
                run: 0xDEAD_BEEF,
                publisher: 7
            }
        );
    }

    #[test]
    fn version_1_headers_are_read_as_run_0() {
        let mut v1 = b"mq\x01\x00".to_vec();
        v1.extend_from_slice(&9u32.to_be_bytes());
        v1.extend_from_slice(&5u64.to_be_bytes());
        v1.extend_from_slice(&77u64.to_be_bytes());
        let h = Header::read(&v1).unwrap();
        assert_eq!(
            (h.run, h.publisher, h.seq, h.sent_ns, h.total),
            (0, 9, 5, 77, 0)
        );
    }

    #[test]
    fn foreign_payloads_are_not_headers() {
        assert_eq!(Header::read(b"hello"), None);
        assert_eq!(Header::read(&[0u8; 64]), None);
        let mut buf = [0u8; HEADER_LEN];
        sample().write(&mut buf);
        assert_eq!(Header::read(&buf[..HEADER_LEN - 1]), None);
        buf[2] = 9;
        assert_eq!(Header::read(&buf), None);
    }

    #[test]
    fn size_check() {
        assert!(check_size(HEADER_LEN).is_ok());
        let err = check_size(24).unwrap_err();
        assert_eq!(crate::error::exit_code(&err), 2);
    }
}
