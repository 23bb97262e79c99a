//! `mqtk pub`: publishes messages and waits until every QoS 1/2 message is acknowledged.

use crate::cli::PubArgs;

pub fn run(_args: PubArgs) -> anyhow::Result<()> {
    anyhow::bail!("pub: not implemented yet")
}
