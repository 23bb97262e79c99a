//! The CSV format for `--csv`: a header and one row per run, columns fixed.

use crate::bench::result::{BenchResult, Percentiles};

const CSV_COLUMNS: &[&str] = &[
    "mode",
    "start",
    "elapsed_s",
    "measured_s",
    "interrupted",
    "qos",
    "publishers",
    "subscribers",
    "connections",
    "size",
    "sent",
    "acked",
    "received",
    "lost",
    "duplicates",
    "out_of_order",
    "errors",
    "reconnects",
    "pub_rate",
    "recv_rate",
    "lat_min_us",
    "lat_p50_us",
    "lat_p90_us",
    "lat_p99_us",
    "lat_p999_us",
    "lat_max_us",
    "lat_mean_us",
    "ack_p50_us",
    "ack_p99_us",
    "connected",
    "connect_failed",
    "connect_p50_us",
    "connect_p99_us",
    "rss_bytes",
];

/// The CSV header line for `--csv`.
pub fn csv_header() -> String {
    let mut s = CSV_COLUMNS.join(",");
    s.push('\n');
    s
}

/// One CSV row (matching [`csv_header`]) for a run.
pub fn csv_row(r: &BenchResult) -> String {
    let p = r.publish.clone().unwrap_or_default();
    let rc = r.receive.clone().unwrap_or_default();
    let opt = |v: Option<u64>| v.map_or(String::new(), |v| v.to_string());
    let lat = |f: fn(&Percentiles) -> u64| opt(r.latency.as_ref().map(f));
    let ack = |f: fn(&Percentiles) -> u64| opt(r.ack_latency.as_ref().map(f));
    let con = |f: fn(&Percentiles) -> u64| opt(r.connect.time.as_ref().map(f));
    let fields = [
        r.mode.name().to_string(),
        r.start.clone(),
        format!("{:.3}", r.elapsed_s),
        format!("{:.3}", r.measured_s),
        r.interrupted.to_string(),
        r.settings.qos.to_string(),
        r.settings.publishers.to_string(),
        r.settings.subscribers.to_string(),
        r.settings.connections.to_string(),
        r.settings.size.to_string(),
        p.sent.to_string(),
        p.acked.to_string(),
        rc.received.to_string(),
        rc.lost.to_string(),
        rc.duplicates.to_string(),
        rc.out_of_order.to_string(),
        r.error_count().to_string(),
        r.reconnects.to_string(),
        format!("{:.1}", p.rate),
        format!("{:.1}", rc.rate),
        lat(|p| p.min_us),
        lat(|p| p.p50_us),
        lat(|p| p.p90_us),
        lat(|p| p.p99_us),
        lat(|p| p.p999_us),
        lat(|p| p.max_us),
        r.latency
            .as_ref()
            .map_or(String::new(), |p| format!("{:.1}", p.mean_us)),
        ack(|p| p.p50_us),
        ack(|p| p.p99_us),
        r.connect.connected.to_string(),
        r.connect.failed.to_string(),
        con(|p| p.p50_us),
        con(|p| p.p99_us),
        opt(r.connect.rss_bytes),
    ];
    let mut s = fields.map(|f| csv_field(&f)).join(",");
    s.push('\n');
    s
}

fn csv_field(f: &str) -> String {
    if f.contains([',', '"', '\n']) {
        format!("\"{}\"", f.replace('"', "\"\""))
    } else {
        f.to_string()
    }
}

/// `--csv --per-client`: a second table, one row per client, after the run's row and an empty
/// line.
pub fn csv_clients(r: &BenchResult) -> String {
    let mut s = String::from(
        "role,client_id,sent,acked,received,lost,duplicates,rate,errors,p50_us,p99_us\n",
    );
    let opt = |v: Option<u64>| v.map_or(String::new(), |v| v.to_string());
    for c in &r.clients {
        let fields = [
            c.role.name().to_string(),
            c.client_id.clone(),
            c.sent.to_string(),
            c.acked.to_string(),
            c.received.to_string(),
            c.lost.to_string(),
            c.duplicates.to_string(),
            format!("{:.1}", c.rate),
            c.errors.to_string(),
            opt(c.p50_us),
            opt(c.p99_us),
        ];
        s.push_str(&fields.map(|f| csv_field(&f)).join(","));
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::result::fixture;

    #[test]
    fn header_and_row_agree() {
        let r = fixture::sample();
        let header = csv_header();
        let row = csv_row(&r);
        assert_eq!(header.split(',').count(), row.split(',').count());
        assert_eq!(
            row,
            "pubsub,2026-01-02T03:04:05.000+00:00,2.000,2.000,false,1,2,1,0,64,1000,1000,998,2,1,0,1,0,\
             500.0,499.0,40,120,300,1500,2500,3000000,150.5,,,3,0,900,1000,\n"
        );
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("q\"x"), "\"q\"\"x\"");
        // Histograms do not change the columns.
        assert_eq!(
            csv_row(&fixture::with_histograms()).split(',').count(),
            header.split(',').count()
        );
    }
}
