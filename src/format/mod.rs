//! Message -> bytes for printing: plain payload, `-v`, `-F` format strings, NDJSON.
//! (Interim: plain and `-v` only; the full format layer replaces this.)

use crate::cli::OutputArgs;
use crate::message::Message;

pub struct Formatter {
    verbose: bool,
    eol: bool,
}

impl Formatter {
    pub fn new(args: &OutputArgs, _color: bool) -> anyhow::Result<Formatter> {
        Ok(Formatter {
            verbose: args.verbose,
            eol: !args.no_eol,
        })
    }

    pub fn write(&self, msg: &Message, out: &mut Vec<u8>) {
        if self.verbose {
            out.extend_from_slice(msg.topic.as_bytes());
            out.push(b' ');
        }
        out.extend_from_slice(&msg.payload);
        if self.eol {
            out.push(b'\n');
        }
    }
}
