//! Hidden `mqtk generate`: writes shell completions and man pages from the clap definition.

use crate::cli::GenerateArgs;

pub fn run(_args: &GenerateArgs) -> anyhow::Result<()> {
    anyhow::bail!("generate: not implemented yet")
}
