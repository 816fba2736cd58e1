//! leernet: the command-line program. Thin wiring: every command parses its arguments,
//! calls the library crates and maps their errors onto the contract's exit codes
//! (see `cli_error`).

mod args;
mod cli_error;
mod cmd_audit;
mod cmd_backup;
mod cmd_config;
mod cmd_document;
mod cmd_instrument;
mod cmd_io;
mod cmd_notify;
mod cmd_privacy;
mod cmd_qda;
mod cmd_registry;
mod cmd_stats;
mod cmd_study;
mod cmd_token;
mod cmd_typology;
mod cmd_user;
mod cmd_wave;
mod csv_table;
mod demo;
mod logging;
mod project;
mod settings;

use clap::{Parser, Subcommand};
use cli_error::{CliError, CliResult};
use std::path::PathBuf;

/// mimalloc instead of the system allocator: imports and analyses allocate many small
/// strings on several threads, where glibc's malloc spent a third of an import's time
/// (bench/io/RESULTS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// leernet — practice-based research on learning networks in the social domain.
#[derive(Parser)]
#[command(name = "leernet", version, about, long_about = None)]
struct Cli {
    /// The project folder (holding leernet.toml).
    #[arg(long, global = true, default_value = ".")]
    project: PathBuf,
    /// The study of the installation a command is for (`leernet study list`); may be left
    /// out while the installation has one active study.
    #[arg(long, global = true, value_name = "SLUG")]
    study: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the fictional demo study, analyse it and write its report.
    Demo {
        /// Where to build it.
        #[arg(long, default_value = "leernet-demo")]
        dir: PathBuf,
    },
    /// Make a new, empty project (leernet.toml and an SQLite database).
    Init {
        /// The new project's folder.
        dir: PathBuf,
    },
    /// Instruments (XLSForm questionnaires).
    Instrument {
        #[command(subcommand)]
        command: InstrumentCommand,
    },
    /// Run the study analysis; print a summary, and write every figure as JSON.
    Analyse {
        /// Write the figures as JSON to this file.
        #[arg(long)]
        json: Option<PathBuf>,
        /// The wave the figures rest on (a wave's name, `latest` for the latest answer per
        /// network, `all` for all answers); the study's current waves when not given.
        #[arg(long)]
        wave: Option<String>,
    },
    /// Write the study report.
    Report {
        /// The folder to write into.
        #[arg(long)]
        out: PathBuf,
        /// html, docx, md or pdf; all four when not given.
        #[arg(long)]
        format: Option<project::ReportFormat>,
        /// The report's language.
        #[arg(long, value_enum, default_value = "nl")]
        lang: args::LangArg,
        /// The wave the report rests on (a wave's name, `latest`, `all`); the study's
        /// current waves when not given.
        #[arg(long)]
        wave: Option<String>,
    },
    /// The typology's types, and the names researchers give them.
    Typology {
        #[command(subcommand)]
        command: TypologyCommand,
    },
    /// The study's waves per questionnaire, and which one the figures rest on.
    Wave {
        #[command(subcommand)]
        command: WaveCommand,
    },
    /// Werkplaatsen (regional partnerships that networks belong to).
    Workplace {
        #[command(subcommand)]
        command: WorkplaceCommand,
    },
    /// Learning networks, each of one Werkplaats.
    Network {
        #[command(subcommand)]
        command: NetworkCommand,
    },
    /// The statistics engine on any CSV file (JSON with --json).
    Stats(cmd_stats::StatsArgs),
    /// The studies of this installation, each with its own database.
    Study {
        #[command(subcommand)]
        command: StudyCommand,
    },
    /// Administrators of the installation: they make studies and appoint their lead
    /// researchers in the browser (/admin/studies).
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Roles of accounts in a study (--study SLUG).
    Role {
        #[command(subcommand)]
        command: RoleCommand,
    },
    /// Personal access tokens of the JSON API (/api/v1, docs/api.md).
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Accounts that may log in to the web app.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Export: responses as csv (with FILE.codebook.csv), xlsx or sav; the coding as
    /// REFI-QDA qdc (the codebook) or qdpx (the coded project).
    Export(cmd_io::ExportArgs),
    /// Import responses from other tools, or a REFI-QDA codebook or coded project.
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// Documents as sources of coding (import them with `leernet import document`).
    Document {
        #[command(subcommand)]
        command: DocumentCommand,
    },
    /// Privacy tools: export, erase or pseudonymise personal data (docs/privacy.md).
    Privacy {
        #[command(subcommand)]
        command: PrivacyCommand,
    },
    /// How long each wave keeps its personal data.
    Retention {
        #[command(subcommand)]
        command: RetentionCommand,
    },
    /// The audit log: who exported, erased, pseudonymised, changed roles, opened or closed waves.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Workspace e-mails (a vote opened, a session planned) to the members who opted in.
    Notify {
        #[command(subcommand)]
        command: NotifyCommand,
    },
    /// Serve the web app.
    Serve {
        /// Address to listen on (overrides server.addr and LEERNET_ADDR).
        #[arg(long)]
        addr: Option<String>,
    },
    /// The settings: their documented defaults, or the values in force for a project.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// Write a consistent copy of the project's database (also while the app runs).
    Backup {
        /// The backup file to write.
        #[arg(long)]
        out: PathBuf,
        /// The whole installation: its accounts, roles and registry, and every study
        /// (archived ones too), in one file that `leernet restore` brings back into an
        /// empty project.
        #[arg(long)]
        all_studies: bool,
    },
    /// Bring a backup back into an empty project (SQLite or PostgreSQL, whichever made it).
    Restore {
        /// The backup file.
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum ConfigCommand {
    /// Print every setting with its meaning, environment variable and default.
    Default,
    /// Print the settings in force for the project (secrets as ***).
    Show,
}

#[derive(Subcommand)]
enum WaveCommand {
    /// Every wave per questionnaire, with its responses and whether the figures rest on it.
    List(cmd_wave::ListArgs),
    /// Show or set the wave a questionnaire's figures rest on (a study setting).
    Current(cmd_wave::CurrentArgs),
    /// Print a new test link of a questionnaire: answers given through it never count.
    TestLink(cmd_wave::TestLinkArgs),
    /// Wipe the test answers (of one questionnaire, or of all); nothing else changes.
    WipeTests(cmd_wave::WipeTestsArgs),
}

#[derive(Subcommand)]
enum TypologyCommand {
    /// The types with their names, sizes and networks.
    List(cmd_typology::ListArgs),
    /// Name a type (it keeps the name when the numbering changes), or give it back the
    /// name of the typology's rules with --reset.
    Name(cmd_typology::NameArgs),
}

#[derive(Subcommand)]
enum WorkplaceCommand {
    /// Add a Werkplaats; its slug must be new.
    Add(cmd_registry::WorkplaceAddArgs),
}

#[derive(Subcommand)]
enum NetworkCommand {
    /// Add a network to an existing Werkplaats; its slug must be new.
    Add(cmd_registry::NetworkAddArgs),
    /// The networks with their Werkplaats, in the order they were added.
    List(cmd_registry::NetworkListArgs),
}

#[derive(Subcommand)]
enum StudyCommand {
    /// Make a study with its own database and register it; its slug must be new.
    Add(cmd_study::AddArgs),
    /// The studies, in the order they were made, with their state.
    List(cmd_study::ListArgs),
    /// Archive a study: its data stays and can be read (export, backup), but not changed;
    /// a command without --study no longer picks it, and the web app no longer serves it.
    Archive(cmd_study::ArchiveArgs),
    /// Make an archived study active again.
    Activate(cmd_study::ArchiveArgs),
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Make a token for an account and print it (once: only its hash is kept).
    Create(cmd_token::CreateArgs),
    /// An account's tokens: scope, dates, last use, revoked.
    List(cmd_token::ListArgs),
    /// Revoke a token by its number.
    Revoke(cmd_token::RevokeArgs),
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Make an account an administrator of the installation.
    Give(cmd_study::AdminArgs),
    /// Take that away (their roles in studies stay).
    Take(cmd_study::AdminArgs),
}

#[derive(Subcommand)]
enum RoleCommand {
    /// Give an account a role in the study, for the networks given (an unknown address
    /// gets an account without a password).
    Give(cmd_study::GiveArgs),
    /// Take an account's role in the study; what they contributed stays.
    Take(cmd_study::TakeArgs),
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add an account (or set an existing person's password and role); the password is
    /// read from standard input.
    Add(cmd_user::AddArgs),
}

#[derive(Subcommand)]
enum DocumentCommand {
    /// A document's speakers with their turns and roles, or one speaker's role set with
    /// --speaker NAME --role ROLE (`none` clears it); passages are filtered by it.
    Speaker(cmd_document::SpeakerArgs),
}

#[derive(Subcommand)]
enum PrivacyCommand {
    /// Everything leernet holds about one person, as JSON.
    Export(cmd_privacy::ExportArgs),
    /// Erase one person (says what would happen; erases with --yes).
    Erase(cmd_privacy::EraseArgs),
    /// Replace the people in a closed wave by stable codes; the key goes to a file.
    Pseudonymise(cmd_privacy::PseudonymiseArgs),
}

#[derive(Subcommand)]
enum RetentionCommand {
    /// Set the last day a wave keeps its personal data.
    Set(cmd_privacy::RetentionSetArgs),
    /// Remove the personal data of every wave whose date has passed (for cron; idempotent).
    Apply(cmd_privacy::RetentionApplyArgs),
}

#[derive(Subcommand)]
// `[smtp]` is the settings section, shown as is by `--help`, not a link.
#[allow(rustdoc::broken_intra_doc_links)]
enum NotifyCommand {
    /// Send what waits in the outbox through [smtp] (for cron; what fails waits for the next run).
    Send,
}

#[derive(Subcommand)]
enum AuditCommand {
    /// The audit log, oldest first.
    List(cmd_audit::ListArgs),
}

#[derive(Subcommand)]
enum InstrumentCommand {
    /// Check an XLSForm: every problem with its sheet, row and column.
    Check(cmd_instrument::CheckArgs),
    /// Store an XLSForm in the project (versioned by its form_id and version).
    Add {
        /// The .xlsx, .xls or .ods file.
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Responses exported by KoboToolbox, ODK Central, LimeSurvey, Qualtrics, Microsoft
    /// Forms, or a plain CSV/XLSX; all or nothing.
    Responses(cmd_io::ImportArgs),
    /// A REFI-QDA codebook (.qdc) as a new codebook.
    Codebook {
        /// The .qdc file.
        file: PathBuf,
    },
    /// Documents as sources of coding: a .txt, .md, .docx, .odt, .vtt or .srt file (a
    /// transcript keeps its speaker turns), or a folder of them; all or nothing.
    Document(cmd_document::DocumentArgs),
    /// A REFI-QDA project (.qdpx): its codebook and the codings of answers this project holds.
    Qdpx {
        /// The .qdpx file.
        file: PathBuf,
    },
}

fn main() {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            std::process::exit(code);
        }
    };
    // The one system clock: everything below is given it (`leernet_core::clock`).
    let clock = leernet_core::SystemClock::shared();
    logging::init(
        &settings::Settings::log_for_startup(&cli.project),
        clock.clone(),
    );
    settings::choose_study(cli.study.clone());
    settings::use_clock(clock.clone());
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("leernet: cannot start: {e}");
            std::process::exit(2);
        }
    };
    let result = runtime.block_on(run(cli, clock));
    if let Err(e) = result {
        eprintln!("leernet: {e}");
        std::process::exit(e.exit_code());
    }
}

async fn run(cli: Cli, shared: leernet_core::SharedClock) -> CliResult {
    let clock = &*shared;
    let mut out = std::io::stdout();
    match cli.command {
        Command::Demo { dir } => project::demo(&dir, &mut out).await,
        Command::Init { dir } => project::init(&dir, &mut out).await,
        Command::Instrument {
            command: InstrumentCommand::Check(args),
        } => cmd_instrument::check(&args, &mut out),
        Command::Stats(args) => cmd_stats::run(&args, &mut out),
        Command::Workplace {
            command: WorkplaceCommand::Add(args),
        } => cmd_registry::workplace_add(&cli.project, &args, clock, &mut out).await,
        Command::Network {
            command: NetworkCommand::Add(args),
        } => cmd_registry::network_add(&cli.project, &args, clock, &mut out).await,
        Command::Network {
            command: NetworkCommand::List(args),
        } => cmd_registry::network_list(&cli.project, &args, &mut out).await,
        Command::Instrument {
            command: InstrumentCommand::Add { file },
        } => project::instrument_add(&cli.project, &file, &mut out).await,
        Command::Analyse { json, wave } => {
            project::analyse(&cli.project, json.as_deref(), wave.as_deref(), &mut out).await
        }
        Command::Report {
            out: dir,
            format,
            lang,
            wave,
        } => {
            project::report(
                &cli.project,
                &dir,
                format,
                lang.into(),
                wave.as_deref(),
                &mut out,
            )
            .await
        }
        Command::Typology {
            command: TypologyCommand::List(args),
        } => cmd_typology::list(&cli.project, &args, &mut out).await,
        Command::Typology {
            command: TypologyCommand::Name(args),
        } => cmd_typology::name(&cli.project, &args, clock, &mut out).await,
        Command::Wave {
            command: WaveCommand::List(args),
        } => cmd_wave::list(&cli.project, &args, &mut out).await,
        Command::Wave {
            command: WaveCommand::Current(args),
        } => cmd_wave::current(&cli.project, &args, clock, &mut out).await,
        Command::Wave {
            command: WaveCommand::TestLink(args),
        } => cmd_wave::test_link(&cli.project, &args, &mut out, &mut std::io::stderr()).await,
        Command::Wave {
            command: WaveCommand::WipeTests(args),
        } => cmd_wave::wipe_tests(&cli.project, &args, clock, &mut out).await,
        Command::Export(args) => match args.format {
            f if args.raw && f != args::ExportFormatArg::Csv => {
                Err(CliError::usage(anyhow::anyhow!(
                    "--raw applies to --format csv only (other formats hold no formulas)"
                )))
            }
            f if args.coder_emails && f != args::ExportFormatArg::Qdpx => Err(CliError::usage(
                anyhow::anyhow!("--coder-emails applies to --format qdpx only"),
            )),
            f @ (args::ExportFormatArg::Qdc | args::ExportFormatArg::Qdpx) => {
                let format = if f == args::ExportFormatArg::Qdc {
                    cmd_qda::QdaFormat::Qdc
                } else {
                    cmd_qda::QdaFormat::Qdpx
                };
                let settings = settings::Settings::load(&cli.project)?;
                let coders = if args.coder_emails {
                    leernet_qda::CoderNames::Emails
                } else {
                    leernet_qda::CoderNames::Names
                };
                cmd_qda::export_qda(&settings, format, &args.out, coders, clock, &mut out).await
            }
            _ => cmd_io::export(&cli.project, &args, clock, &mut out).await,
        },
        Command::Import {
            command: ImportCommand::Responses(args),
        } => cmd_io::import_responses(&cli.project, &args, clock, &mut out).await,
        Command::Study {
            command: StudyCommand::Add(args),
        } => cmd_study::add(&cli.project, &args, clock, &mut out).await,
        Command::Study {
            command: StudyCommand::List(args),
        } => cmd_study::list(&cli.project, &args, &mut out).await,
        Command::Study {
            command: StudyCommand::Archive(args),
        } => cmd_study::archive(&cli.project, &args, clock, &mut out).await,
        Command::Study {
            command: StudyCommand::Activate(args),
        } => cmd_study::activate(&cli.project, &args, clock, &mut out).await,
        Command::Admin {
            command: AdminCommand::Give(args),
        } => cmd_study::admin(&cli.project, &args, true, clock, &mut out).await,
        Command::Admin {
            command: AdminCommand::Take(args),
        } => cmd_study::admin(&cli.project, &args, false, clock, &mut out).await,
        Command::Role {
            command: RoleCommand::Give(args),
        } => cmd_study::give(&cli.project, &args, clock, &mut out).await,
        Command::Role {
            command: RoleCommand::Take(args),
        } => cmd_study::take(&cli.project, &args, clock, &mut out).await,
        Command::Token {
            command: TokenCommand::Create(args),
        } => cmd_token::create(&cli.project, &args, clock, &mut out).await,
        Command::Token {
            command: TokenCommand::List(args),
        } => cmd_token::list(&cli.project, &args, &mut out).await,
        Command::Token {
            command: TokenCommand::Revoke(args),
        } => cmd_token::revoke(&cli.project, &args, clock, &mut out).await,
        Command::User {
            command: UserCommand::Add(args),
        } => {
            cmd_user::add(
                &cli.project,
                &args,
                &mut std::io::stdin().lock(),
                clock,
                &mut out,
            )
            .await
        }
        Command::Import {
            command: ImportCommand::Codebook { file },
        } => {
            let settings = settings::Settings::load(&cli.project)?;
            cmd_qda::import_codebook(&settings, &file, &mut out).await
        }
        Command::Import {
            command: ImportCommand::Document(args),
        } => {
            let settings = settings::Settings::load(&cli.project)?;
            cmd_document::import_document(&settings, &args, &mut out).await
        }
        Command::Import {
            command: ImportCommand::Qdpx { file },
        } => {
            let settings = settings::Settings::load(&cli.project)?;
            cmd_qda::import_qdpx(&settings, &file, &mut out).await
        }
        Command::Document {
            command: DocumentCommand::Speaker(args),
        } => {
            let settings = settings::Settings::load(&cli.project)?;
            cmd_document::speaker(&settings, &args, &mut out).await
        }
        Command::Privacy {
            command: PrivacyCommand::Export(args),
        } => cmd_privacy::export(&cli.project, &args, clock, &mut out).await,
        Command::Privacy {
            command: PrivacyCommand::Erase(args),
        } => cmd_privacy::erase(&cli.project, &args, clock, &mut out).await,
        Command::Privacy {
            command: PrivacyCommand::Pseudonymise(args),
        } => cmd_privacy::pseudonymise(&cli.project, &args, clock, &mut out).await,
        Command::Retention {
            command: RetentionCommand::Set(args),
        } => cmd_privacy::retention_set(&cli.project, &args, clock, &mut out).await,
        Command::Retention {
            command: RetentionCommand::Apply(args),
        } => cmd_privacy::retention_apply(&cli.project, &args, clock, &mut out).await,
        Command::Audit {
            command: AuditCommand::List(args),
        } => cmd_audit::list(&cli.project, &args, &mut out).await,
        Command::Notify {
            command: NotifyCommand::Send,
        } => cmd_notify::send(&cli.project, clock, &mut out).await,
        Command::Serve { addr } => {
            project::serve(&cli.project, addr, shared.clone(), &mut out).await
        }
        Command::Config {
            command: ConfigCommand::Default,
        } => cmd_config::default(&mut out),
        Command::Config {
            command: ConfigCommand::Show,
        } => cmd_config::show(&cli.project, &mut out),
        Command::Backup {
            out: file,
            all_studies,
        } => cmd_backup::backup(&cli.project, &file, all_studies, &mut out).await,
        Command::Restore { file } => {
            cmd_backup::restore(&cli.project, &file, clock, &mut out).await
        }
    }
}
