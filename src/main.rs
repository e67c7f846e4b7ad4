//! The `gazette` binary: parse the command line, run, map to an exit code.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    ExitCode::from(cli::run(cli::Cli::parse()))
}
