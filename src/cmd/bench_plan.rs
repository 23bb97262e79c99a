//! `mqtk bench plan k8s|nomad`: checks the bench flags as a one-machine run would (so a job
//! never starts agents that all fail on a typo), fixes the run id and start instant, and prints
//! the engine's job on stdout.

use std::io::Write;
use std::time::SystemTime;

use chrono::{DateTime, SecondsFormat, Utc};
use clap::Parser;

use crate::bench::deploy::{self, Job};
use crate::bench::plan::Plan;
use crate::bench::shard::{self, Shard};
use crate::cli::bench::{BenchPlanArgs, Engine};
use crate::cli::{Cli, Command};
use crate::error::usage;

/// Flags the plan sets itself on every agent.
const OWN_FLAGS: [&str; 7] = [
    "--shard",
    "--start-at",
    "--run-id",
    "--json",
    "--csv",
    "--report",
    "--embedded-broker",
];

pub fn run(args: BenchPlanArgs) -> anyhow::Result<()> {
    for flag in &args.bench {
        let name = flag.split('=').next().unwrap_or(flag);
        if OWN_FLAGS.contains(&name) {
            return Err(usage(format!(
                "bench plan: {name} is set by the plan itself (each agent gets --shard auto, \
                 one --run-id and --start-at, and writes --json); leave it out"
            )));
        }
    }
    if !args.cpu.is_finite() || args.cpu <= 0.0 || args.cpu > 1024.0 {
        return Err(usage("--cpu must be a number of cores above 0"));
    }
    if args.memory == 0 {
        return Err(usage("--memory must be at least 1 MiB"));
    }
    let run_id: u32 = rand::random();
    let start: DateTime<Utc> = (SystemTime::now() + args.start_in).into();
    // Whole seconds: readable in the job, and every agent parses the same instant.
    let start_at = DateTime::from_timestamp(start.timestamp() + 1, 0)
        .unwrap_or(start)
        .to_rfc3339_opts(SecondsFormat::Secs, true);
    let mut agent: Vec<String> = vec!["bench".into()];
    agent.extend(args.bench.iter().cloned());
    agent.extend(
        [
            "--shard",
            "auto",
            "--run-id",
            &run_id.to_string(),
            "--start-at",
            &start_at,
            "--json",
            "--quiet",
        ]
        .map(String::from),
    );
    // The agents' command line, checked as shard 0 of N exactly as an agent will check it.
    let mut check: Vec<String> = vec!["mqtk".into()];
    check.extend(agent.iter().cloned());
    // The last shard: never empty while the run has a client (the first one can be).
    if let Some(i) = check.iter().position(|a| a == "auto") {
        check[i] = format!("{}/{}", args.shards - 1, args.shards);
    }
    let cli = Cli::try_parse_from(&check).map_err(|e| {
        let text = e.to_string();
        let first = text
            .lines()
            .next()
            .unwrap_or("")
            .trim_start_matches("error: ");
        usage(format!("bench plan: the bench flags: {first}"))
    })?;
    let Command::Bench(bench) = cli.command else {
        return Err(usage(
            "bench plan: the bench flags do not describe a bench run",
        ));
    };
    if bench.command.is_some() {
        return Err(usage(
            "bench plan: give bench flags, not another bench subcommand",
        ));
    }
    let checked = Plan::from_args(&bench)
        .map_err(|e| usage(format!("bench plan: {}", crate::error::one_line(&e))))?;
    let t = checked.totals;
    let empty = (0..args.shards).find(|&index| {
        let s = Shard {
            index,
            count: args.shards,
        };
        [t.publishers, t.subscribers, t.connections]
            .iter()
            .all(|&total| shard::slice(total, s).1 == 0)
    });
    if let Some(i) = empty {
        return Err(usage(format!(
            "bench plan: with --shards {} agent {i} would run no client: give at least as many \
             publishers (or subscribers, connections) as shards",
            args.shards
        )));
    }
    let name = args
        .name
        .clone()
        .unwrap_or_else(|| format!("mqtk-bench-{run_id:08x}"));
    let dns_label = !name.is_empty()
        && name.len() <= 63
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.starts_with('-')
        && !name.ends_with('-');
    if !dns_label {
        return Err(usage(format!(
            "--name '{name}' must be a DNS label (lower-case letters, digits and '-', at most 63)"
        )));
    }
    let job = Job {
        name,
        namespace: args.namespace.clone(),
        image: args.image.clone(),
        shards: args.shards,
        args: agent,
        run_id,
        start_at: start_at.clone(),
        cpu_cores: args.cpu,
        memory_mib: args.memory,
        datacenters: args.datacenters.clone(),
    };
    let text = match args.engine {
        Engine::K8s => {
            let mut text = format!(
                "# mqtk bench plan k8s: {} agents of run {run_id:08x}, starting at {start_at}.\n",
                args.shards
            );
            for line in deploy::k8s_collect(&job) {
                text.push_str(&format!("#   {line}\n"));
            }
            text.push_str(&deploy::yaml(&deploy::k8s(&job)));
            text
        }
        Engine::Nomad => {
            let mut doc = deploy::nomad(&job);
            doc["Job"]["Meta"]["mqtk_collect"] = deploy::nomad_collect(&job).join(" && ").into();
            let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
            text.push('\n');
            text
        }
    };
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()?;
    Ok(())
}
