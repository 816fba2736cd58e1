//! leernet: the command-line program.
mod cli_error;
mod cmd_instrument;

use clap::{Parser, Subcommand};

/// leernet: research on learning networks in the social domain.
#[derive(Debug, Parser)]
#[command(name = "leernet", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Questionnaires (XLSForm).
    #[command(subcommand)]
    Instrument(InstrumentCommand),
}

#[derive(Debug, Subcommand)]
enum InstrumentCommand {
    /// Validates an XLSForm workbook.
    Check(cmd_instrument::CheckArgs),
}

fn main() {
    let cli = Cli::parse();
    let mut out = std::io::stdout().lock();
    let result = match &cli.command {
        Command::Instrument(InstrumentCommand::Check(a)) => cmd_instrument::check(a, &mut out),
    };
    if let Err(e) = result {
        drop(out);
        eprintln!("error: {e}");
        std::process::exit(e.exit_code());
    }
}
