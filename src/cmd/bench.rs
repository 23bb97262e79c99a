//! `mqtk bench`: checks the flags into a plan, runs it, prints the report (and writes the HTML
//! one with `--report`) and maps the outcome (Ctrl-C, errors, loss at QoS 1/2, failed
//! assertions) to the exit code.

use std::fs::File;
use std::io::Write;
use std::path::Path;

use crate::bench::control::AgentLink;
use crate::bench::export::charts::{self, Style};
use crate::bench::export::compare::Run;
use crate::bench::export::{csv, html, json, text};
use crate::bench::plan::Plan;
use crate::bench::result::BenchResult;
use crate::bench::{assert, coordinator};

/// How long an agent waits for the control broker to acknowledge its result.
const RESULT_WAIT: std::time::Duration = std::time::Duration::from_secs(30);
use crate::cli::BenchArgs;
use crate::cli::bench::{BenchCommand, ChartsChoice};
use crate::error;
use crate::signals::interrupted;

#[inline(never)] // see `cmd::run`
pub fn run(mut args: BenchArgs) -> anyhow::Result<()> {
    match args.command.take() {
        Some(BenchCommand::Report(a)) => return super::bench_report::run(a),
        Some(BenchCommand::Merge(a)) => return super::bench_merge::run(*a),
        Some(BenchCommand::Plan(a)) => return super::bench_plan::run(*a),
        Some(BenchCommand::Coordinate(a)) => return super::bench_coordinate::run(*a),
        None => {}
    }
    let plan = Plan::from_args(&args)?;
    // Kept alive until the bench is over; dropping it stops the broker.
    let _broker = embedded_broker(&mut args)?;
    let opts = crate::cli::connect::connect_options(&args.connect)?;
    // Created before connecting, so a long run never ends unable to save its report.
    let report_file = match &args.report {
        Some(path) => Some((path.clone(), create_report(path)?)),
        None => None,
    };
    let mut builder = if plan.threads == 1 {
        tokio::runtime::Builder::new_current_thread()
    } else {
        let mut b = tokio::runtime::Builder::new_multi_thread();
        b.worker_threads(plan.threads);
        b
    };
    builder.enable_all();
    let coalesce = plan.coalesce;
    if !coalesce.is_zero() {
        // Batching like a NIC's interrupt coalescing: a worker that sleeps on the network wakes
        // for every segment the broker writes (one per acknowledgement or message), and at QoS
        // 1/2 that wake and the small write answering it cost as much CPU as the broker's own
        // work. A plain sleep takes no wake-ups; what arrived meanwhile is then handled at once.
        builder.on_thread_park(move || std::thread::sleep(coalesce));
    }
    let rt = builder.build()?;
    let asserts = plan.asserts.clone();
    let (json, csv) = (plan.json, plan.csv);
    // --control: announced (with its last will) before the bench clients connect.
    let link = match (&plan.control, plan.shard) {
        (Some(control), Some(shard)) => Some(rt.block_on(AgentLink::join(control.clone(), shard))?),
        _ => None,
    };
    let coordinator::Outcome {
        mut result,
        signal,
        delivery_failed,
    } = match rt.block_on(coordinator::execute_linked(plan, opts, link.clone())) {
        Ok(outcome) => outcome,
        Err(e) => {
            // Nothing ran: no empty report left behind.
            if let Some((path, _)) = &report_file {
                let _ = std::fs::remove_file(path);
            }
            return Err(e);
        }
    };
    result.assertions = assert::evaluate(&asserts, &result);
    if let Some(link) = &link {
        let doc = bytes::Bytes::from(json::json(&result));
        rt.block_on(link.send_result(doc, RESULT_WAIT))?;
    }
    // Client tasks still closing must not hold the process.
    rt.shutdown_timeout(std::time::Duration::from_millis(200));

    if let Some((path, file)) = report_file {
        write_report(&path, file, &result)?;
    }
    let text = if json {
        json::json(&result)
    } else if csv {
        let mut text = format!("{}{}", csv::csv_header(), csv::csv_row(&result));
        if !result.clients.is_empty() {
            text.push('\n');
            text.push_str(&csv::csv_clients(&result));
        }
        text
    } else {
        summary_with_charts(&result, args.charts)
    };
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()?;

    if let Some(sig) = signal {
        return Err(interrupted(sig, "bench stopped early (summary printed)"));
    }
    if !result.errors.is_empty() {
        let list: Vec<String> = result
            .errors
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect();
        let msg = format!("bench ended with errors ({})", list.join(", "));
        return Err(if delivery_failed {
            error::delivery(msg)
        } else {
            anyhow::anyhow!(msg)
        });
    }
    if result.connect.failed > 0 {
        return Err(anyhow::anyhow!(
            "{} of {} connections failed",
            result.connect.failed,
            result.connect.attempted
        ));
    }
    assert::verdict(&result, "")
}

/// The text summary, followed by the charts when `--charts` and the terminal call for them.
pub fn summary_with_charts(result: &BenchResult, choice: ChartsChoice) -> String {
    let mut text = text::human(result);
    let draw = match choice {
        ChartsChoice::Always => true,
        ChartsChoice::Never => false,
        ChartsChoice::Auto => crate::output::stdout_is_terminal(),
    };
    if draw {
        text.push_str(&charts::render(
            result,
            Style {
                width: crate::output::stdout_columns(),
                unicode: crate::output::utf8_locale(),
            },
        ));
    }
    text
}

fn create_report(path: &Path) -> anyhow::Result<File> {
    File::create(path).map_err(|e| {
        error::usage(format!(
            "--report {}: cannot create the file: {e}",
            path.display()
        ))
    })
}

fn write_report(path: &Path, mut file: File, result: &BenchResult) -> anyhow::Result<()> {
    let run = Run {
        name: "this run".into(),
        result: result.clone(),
    };
    file.write_all(html::report(std::slice::from_ref(&run)).as_bytes())
        .and_then(|()| file.flush())
        .map_err(|e| anyhow::anyhow!("cannot write the report to {}: {e}", path.display()))
}

/// `--embedded-broker`: starts one on its own runtime and threads (as many as a standalone
/// `mqtk broker` has, none shared with the generator's runtime) and points the connection flags
/// at it.
#[cfg(feature = "broker")]
fn embedded_broker(
    args: &mut BenchArgs,
) -> anyhow::Result<Option<crate::broker::BackgroundBroker>> {
    use crate::broker::{BackgroundBroker, BrokerOptions};
    if !args.embedded_broker {
        return Ok(None);
    }
    let listen = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    let workers = crate::broker::worker_threads();
    let broker = BackgroundBroker::start(BrokerOptions::loopback(listen), workers)?;
    let addr = broker.local_addr();
    args.connect.host = addr.ip().to_string();
    args.connect.port = Some(addr.port());
    if !args.connect.quiet {
        crate::output::info(&format!(
            "bench: started an embedded broker (mqtk broker) on mqtt://{addr}"
        ));
    }
    Ok(Some(broker))
}

#[cfg(not(feature = "broker"))]
fn embedded_broker(args: &mut BenchArgs) -> anyhow::Result<Option<()>> {
    if args.embedded_broker {
        return Err(error::usage(
            "--embedded-broker: this mqtk was built without the `broker` feature",
        ));
    }
    Ok(None)
}
