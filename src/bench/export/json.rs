//! The JSON document for `--json`: the result model as it is, pretty-printed.

use crate::bench::result::BenchResult;

/// The JSON document for `--json` (one object, pretty-printed, newline-terminated).
pub fn json(result: &BenchResult) -> String {
    // Serialising plain structs of numbers, strings and maps cannot fail.
    let mut s = serde_json::to_string_pretty(result).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::result::fixture;

    #[test]
    fn round_trips_through_the_strict_schema() {
        let r = fixture::sample();
        let text = json(&r);
        assert!(text.ends_with("}\n"));
        let back: BenchResult = serde_json::from_str(&text).unwrap();
        assert_eq!(back, r);
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["mode"], "pubsub");
        assert_eq!(v["receive"]["lost"], 2);
        assert_eq!(v["latency"]["p99_us"], 1500);
        assert_eq!(v["series"][1]["received"], 400);
    }

    #[test]
    fn histograms_travel_in_the_document() {
        let r = fixture::with_histograms();
        let back: BenchResult = serde_json::from_str(&json(&r)).unwrap();
        let text = back.latency.unwrap().histogram.unwrap();
        let h = crate::bench::hdr::decode(&text).unwrap();
        assert_eq!(h.len(), r.latency.unwrap().count);
    }

    #[test]
    fn documents_without_histograms_still_load() {
        let mut v: serde_json::Value = serde_json::from_str(&json(&fixture::sample())).unwrap();
        v["latency"].as_object_mut().unwrap().remove("histogram");
        let back: BenchResult = serde_json::from_value(v).unwrap();
        assert!(back.latency.unwrap().histogram.is_none());
    }
}
