//! leernet: the command-line program.

mod cli_error;
mod cmd_stats;
mod csv_table;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "leernet", version, about = "Research on learning networks")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// The statistics engine on any CSV file.
    Stats(cmd_stats::StatsArgs),
}

fn main() {
    let cli = Cli::parse();
    let mut out = std::io::stdout().lock();
    let result = match &cli.command {
        Command::Stats(args) => cmd_stats::run(args, &mut out),
    };
    if let Err(e) = result {
        eprintln!("error: {e}");
        std::process::exit(e.exit_code());
    }
}
