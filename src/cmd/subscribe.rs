//! `mqtk sub`: subscribes and prints messages.

use crate::cli::SubArgs;

pub fn run(_args: SubArgs) -> anyhow::Result<()> {
    anyhow::bail!("sub: not implemented yet")
}
