//! The small header every bench message starts with: publisher id, sequence number and send time,
//! so subscribers can measure end-to-end latency, loss, duplicates and reordering per publisher.
//!
//! Layout (big-endian, 24 bytes): magic `mq` (2), version (1), reserved (1), publisher id (4),
//! sequence number (8), send time in nanoseconds since the Unix epoch (8). The send time is wall
//! clock so that `bench sub` in another process on the same machine can still compute latency.

/// Bytes taken by the header; the smallest allowed `--size`.
pub const HEADER_LEN: usize = 24;

const MAGIC: [u8; 2] = *b"mq";
const VERSION: u8 = 1;

/// The decoded header of one bench message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    pub publisher: u32,
    pub seq: u64,
    /// Nanoseconds since the Unix epoch: when the message was meant to be sent.
    pub sent_ns: u64,
}

impl Header {
    /// Writes the header into the first [`HEADER_LEN`] bytes of `buf`.
    ///
    /// `buf` must be at least [`HEADER_LEN`] long; the CLI guarantees it by rejecting smaller
    /// `--size` values before anything runs.
    pub fn write(&self, buf: &mut [u8]) {
        debug_assert!(buf.len() >= HEADER_LEN);
        buf[0..2].copy_from_slice(&MAGIC);
        buf[2] = VERSION;
        buf[3] = 0;
        buf[4..8].copy_from_slice(&self.publisher.to_be_bytes());
        buf[8..16].copy_from_slice(&self.seq.to_be_bytes());
        buf[16..24].copy_from_slice(&self.sent_ns.to_be_bytes());
    }

    /// The header at the start of `payload`, or `None` when the payload is not a bench message
    /// (too short, other magic or version): such messages are only counted.
    pub fn read(payload: &[u8]) -> Option<Header> {
        let h = payload.get(..HEADER_LEN)?;
        if h[0..2] != MAGIC || h[2] != VERSION {
            return None;
        }
        Some(Header {
            publisher: u32::from_be_bytes(h[4..8].try_into().ok()?),
            seq: u64::from_be_bytes(h[8..16].try_into().ok()?),
            sent_ns: u64::from_be_bytes(h[16..24].try_into().ok()?),
        })
    }
}

/// Checks `--size` against the header length (a usage error when too small).
pub fn check_size(size: usize) -> anyhow::Result<()> {
    if size < HEADER_LEN {
        return Err(crate::error::usage(format!(
            "--size {size} is smaller than the {HEADER_LEN}-byte bench header (publisher id, \
             sequence number, send time)"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let h = Header {
            publisher: 7,
            seq: 1 << 40,
            sent_ns: 1_700_000_000_123_456_789,
        };
        let mut buf = vec![0xAA; 64];
        h.write(&mut buf);
        assert_eq!(Header::read(&buf), Some(h));
        assert_eq!(
            buf[HEADER_LEN], 0xAA,
            "bytes after the header are left alone"
        );
    }

    #[test]
    fn foreign_payloads_are_not_headers() {
        assert_eq!(Header::read(b"hello"), None);
        assert_eq!(Header::read(&[0u8; 64]), None);
        let mut buf = [0u8; HEADER_LEN];
        Header {
            publisher: 1,
            seq: 2,
            sent_ns: 3,
        }
        .write(&mut buf);
        buf[2] = 9;
        assert_eq!(Header::read(&buf), None);
        assert_eq!(Header::read(&buf[..HEADER_LEN - 1]), None);
    }

    #[test]
    fn size_check() {
        assert!(check_size(HEADER_LEN).is_ok());
        let err = check_size(10).unwrap_err();
        assert_eq!(crate::error::exit_code(&err), 2);
    }
}
