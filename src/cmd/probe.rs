//! `mqtk sys probe`: what a broker supports and how exposed it is.

use crate::cli::sys::ProbeArgs;

pub fn run(_args: ProbeArgs) -> anyhow::Result<()> {
    anyhow::bail!("sys probe is not implemented yet")
}
