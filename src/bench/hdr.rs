//! Latency distributions in the result document: HdrHistogram's V2 serialisation in base64 (the
//! format other HdrHistogram tools read, so results can be merged later), and the views the
//! charts draw from it: log-scaled buckets and the percentile curve.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hdrhistogram::Histogram;
use hdrhistogram::serialization::{Deserializer, Serializer as _, V2Serializer};

/// Encodes a histogram (microseconds) as base64 of its V2 serialisation.
pub fn encode(h: &Histogram<u64>) -> Option<String> {
    let mut buf = Vec::new();
    V2Serializer::new().serialize(h, &mut buf).ok()?;
    Some(BASE64.encode(buf))
}

/// The most a decoded histogram may ask for: a result file is input, and its header alone would
/// otherwise size the counts array and the payload buffer (gigabytes for a crafted one, and
/// seconds to fill). mqtk writes uncompressed V2, 3 digits, up to 1 h.
const MAX_DIGITS: u32 = 3;
const MAX_HIGHEST_US: u64 = 1 << 40;
const V2_COOKIE: u32 = 0x1c84_9313;
const V2_HEADER_LEN: usize = 40;

/// Decodes [`encode`]'s text; `None` when it is not a V2 histogram within mqtk's bounds.
pub fn decode(text: &str) -> Option<Histogram<u64>> {
    let bytes = BASE64.decode(text.trim()).ok()?;
    // V2 header: cookie, payload length, offset, significant digits (u32s), lowest, highest
    // (u64s), conversion ratio; big-endian.
    let word = |at: usize| -> Option<u64> {
        Some(u64::from_be_bytes(bytes.get(at..at + 8)?.try_into().ok()?))
    };
    let half = |at: usize| -> Option<u32> {
        Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
    };
    let payload = half(4)? as usize;
    if half(0)? != V2_COOKIE
        || payload != bytes.len().checked_sub(V2_HEADER_LEN)?
        || half(12)? > MAX_DIGITS
        || word(16)? > word(24)?
        || word(24)? > MAX_HIGHEST_US
    {
        return None;
    }
    Deserializer::new()
        .deserialize(&mut std::io::Cursor::new(bytes))
        .ok()
}

/// Counts of one log-scaled latency bucket, `low_us <= v < high_us`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bucket {
    pub low_us: u64,
    pub high_us: u64,
    pub count: u64,
}

/// The bucket bounds of [`log_buckets`]: 1, 2, 5, 10, 20, 50, ... microseconds (three to a
/// decade, so every bound reads as a round figure).
fn bound(k: u32) -> u64 {
    [1, 2, 5][(k % 3) as usize] * 10u64.pow(k / 3)
}

/// The index of the bucket holding `v`: `bound(k) <= v < bound(k + 1)`.
pub fn bucket_index(v: u64) -> u32 {
    let mut k = 0;
    while k < 60 && bound(k + 1) <= v {
        k += 1;
    }
    k
}

/// Log-scaled buckets (bounds 1, 2, 5, 10, 20, 50, ... µs) from the one holding the smallest
/// value to the one holding the largest; empty buckets in between are kept so the axis stays
/// logarithmic.
pub fn log_buckets(h: &Histogram<u64>) -> Vec<Bucket> {
    if h.is_empty() {
        return Vec::new();
    }
    buckets_between(h, bucket_index(h.min()), bucket_index(h.max()))
}

/// The buckets with indexes `lo..=hi` (see [`bucket_index`]), so several histograms can share
/// one axis; values outside go to the first or last bucket.
pub fn buckets_between(h: &Histogram<u64>, lo: u32, hi: u32) -> Vec<Bucket> {
    let mut buckets: Vec<Bucket> = (lo..=hi)
        .map(|k| Bucket {
            low_us: bound(k),
            high_us: bound(k + 1),
            count: 0,
        })
        .collect();
    for v in h.iter_recorded() {
        let value = h.highest_equivalent(v.value_iterated_to()).min(h.max());
        let i = (bucket_index(value).clamp(lo, hi) - lo) as usize;
        buckets[i].count += v.count_at_value();
    }
    buckets
}

/// The percentile axis of an HDR latency chart: `1 / (1 - q)` runs from 2 (50%) to 100,000
/// (99.999%), drawn on a log scale.
pub const CURVE_FROM: f64 = 2.0;
pub const CURVE_TO: f64 = 100_000.0;

/// Points `(quantile, value in µs)` of the percentile curve, evenly spaced on the log axis.
pub fn percentile_curve(h: &Histogram<u64>, points: usize) -> Vec<(f64, u64)> {
    if h.is_empty() || points < 2 {
        return Vec::new();
    }
    let (a, b) = (CURVE_FROM.log10(), CURVE_TO.log10());
    (0..points)
        .map(|i| {
            let x = a + (b - a) * i as f64 / (points - 1) as f64;
            let q = 1.0 - 10f64.powf(-x);
            (q, h.value_at_quantile(q))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hist(values: &[(u64, u64)]) -> Histogram<u64> {
        let mut h = Histogram::new_with_bounds(1, 3_600_000_000, 3).unwrap();
        for &(v, n) in values {
            h.record_n(v, n).unwrap();
        }
        h
    }

    #[test]
    fn round_trips_and_rejects_garbage() {
        let h = hist(&[(40, 10), (120, 500), (3_000_000, 1)]);
        let text = encode(&h).unwrap();
        // V2 with run-length zeros: a sparse histogram stays small.
        assert!(text.len() < 200, "{}", text.len());
        let back = decode(&text).unwrap();
        assert_eq!(back.len(), 511);
        assert_eq!(back.max(), h.max());
        assert_eq!(back.value_at_quantile(0.5), h.value_at_quantile(0.5));
        assert!(decode("not base64!").is_none());
        assert!(decode("AAAA").is_none());
        // A header asking for a huge counts array is refused before anything is allocated.
        let mut bytes = BASE64.decode(&text).unwrap();
        bytes[24..32].copy_from_slice(&u64::MAX.to_be_bytes());
        assert!(decode(&BASE64.encode(&bytes)).is_none());
        let mut bytes = BASE64.decode(&text).unwrap();
        bytes[12..16].copy_from_slice(&5u32.to_be_bytes());
        assert!(decode(&BASE64.encode(&bytes)).is_none());
        // A payload length other than what follows the header (it sizes a buffer).
        let mut bytes = BASE64.decode(&text).unwrap();
        bytes[4..8].copy_from_slice(&u32::MAX.to_be_bytes());
        assert!(decode(&BASE64.encode(&bytes)).is_none());
        // Found by fuzzing: took 47 s to refuse before the header checks.
        let t = std::time::Instant::now();
        assert!(decode("HISTE5AAABAAAAAAAAAAAwAAAAAAAAABAAAAANaTpAA/8AAAAAAAAE8CnQECEQLRAgLpHgKAE8CnQEC1UgI=").is_none());
        assert!(t.elapsed() < std::time::Duration::from_secs(1));
    }

    #[test]
    fn buckets_cover_min_to_max_on_round_bounds() {
        let h = hist(&[(40, 10), (120, 500), (230, 5), (3_000, 1)]);
        let b = log_buckets(&h);
        assert_eq!(b.first().unwrap().low_us, 20);
        assert_eq!(b.last().unwrap().high_us, 5000);
        assert_eq!(b.iter().map(|b| b.count).sum::<u64>(), 516);
        assert_eq!(b.iter().find(|b| b.low_us == 100).unwrap().count, 500);
        assert_eq!(b.iter().find(|b| b.low_us == 200).unwrap().count, 5);
        assert_eq!(b.iter().find(|b| b.low_us == 500).unwrap().count, 0);
        assert_eq!(
            (bucket_index(1), bucket_index(4), bucket_index(5)),
            (0, 1, 2)
        );
        assert_eq!(bound(bucket_index(3_600_000_000)), 2_000_000_000);
        assert!(log_buckets(&hist(&[])).is_empty());
    }

    #[test]
    fn curve_spans_50_to_99999_percent() {
        let h = hist(&[(100, 999), (5_000, 1)]);
        let c = percentile_curve(&h, 50);
        assert_eq!(c.len(), 50);
        assert!((c[0].0 - 0.5).abs() < 1e-9);
        assert!((c[49].0 - 0.99999).abs() < 1e-9);
        assert!(c.windows(2).all(|w| w[0].1 <= w[1].1));
        assert_eq!(c[0].1, 100);
        assert!(c[49].1 >= 4_995);
    }
}
