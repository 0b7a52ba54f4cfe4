//! The `ipdr` command line: `serve` (the default), `migrate`, `openapi`, `user add`, `keys …`,
//! `audit …`.
use std::io::{BufRead, Write};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, bail};
use chrono::Utc;
use clap::{Parser, Subcommand};
use ipdr_domain::account::{NewAccount, Role};
use ipdr_domain::organization::OrganizationCode;
use ipdr_persistence::repo::{organizations, signing_keys};

use crate::auth::password::PasswordHasher;
use crate::auth::tokens;
use crate::clock::{Clock, SystemClock};
use crate::config::{Config, settings_help};
use crate::server::{Application, shutdown_signal};
use crate::{bootstrap, openapi, provisioning, telemetry};

/// IPDR — intellectual-property dispute mediation and cross-region referral.
#[derive(Parser)]
#[command(name = "ipdr", version, after_help = settings_help())]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the service (the default). Migrates the database and creates the first admin if needed.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Print the OpenAPI document to standard output.
    Openapi,
    /// Manage accounts from the command line.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage the keys that sign access tokens.
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// Check and seal the tamper-evident audit trail.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Walk the hash chain from its first record; report the first broken link and fail if
    /// there is one.
    Verify,
    /// Seal every record not yet sealed (the running service does this every
    /// IPDR_AUDIT_SEAL_MILLIS).
    Seal,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account. Prints its id, and the password when one was generated.
    Add {
        #[arg(long)]
        username: String,
        /// admin, mediator, court, investigator, liaison or auditor
        #[arg(long)]
        role: String,
        /// The organisation's code (e.g. DLIPMC); administrators belong to OPERATOR.
        #[arg(long)]
        organization: String,
        #[arg(long)]
        display_name: Option<String>,
        /// Read the password from the first line of standard input instead of generating one.
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Subcommand)]
enum KeysCommand {
    /// List the signing keys.
    List,
    /// Add a new signing key; tokens signed by the previous ones stay valid until retired.
    Rotate {
        /// Rotate the node's Ed25519 federation key instead of the user-token key; the previous
        /// one stays published to partners until retired.
        #[arg(long)]
        node: bool,
    },
    /// Retire a key: tokens it signed stop working (within IPDR_KEY_REFRESH_SECONDS everywhere).
    Retire { kid: String },
}

/// Runs the command line and reports failures on standard error.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(Command::Openapi) = cli.command {
        return match std::io::stdout().write_all(openapi::spec_json().as_bytes()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(_) => ExitCode::FAILURE,
        };
    }
    let result = Config::from_env().and_then(|config| {
        telemetry::init(&config.log_filter, config.log_format);
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .context("starting the async runtime")?
            .block_on(run(cli.command.unwrap_or(Command::Serve), config))
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = format!("{e:#}"), "ipdr failed");
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    match command {
        Command::Serve => {
            let app = match config.business_date {
                Some(day) => {
                    tracing::warn!(%day, "IPDR_BUSINESS_DATE is set: the business clock stands at this day (training and test instances only)");
                    let noon = day
                        .and_hms_opt(4, 0, 0)
                        .map(|t| t.and_utc())
                        .context("IPDR_BUSINESS_DATE out of range")?;
                    let clock = Arc::new(crate::clock::FixedClock::new(noon));
                    Application::build_with_clock(config, clock).await?
                }
                None => Application::build(config).await?,
            };
            app.run_until(shutdown_signal()).await?;
            Ok(())
        }
        Command::Migrate => {
            let db = ipdr_persistence::connect(&config.database).await?;
            let applied = ipdr_persistence::migrate(&db).await?;
            tracing::info!(applied, "migrations applied");
            Ok(())
        }
        Command::Openapi => unreachable!("handled before configuration is read"),
        Command::User {
            command:
                UserCommand::Add {
                    username,
                    role,
                    organization,
                    display_name,
                    password_stdin,
                },
        } => {
            let db = prepared_db(&config).await?;
            let role = Role::parse(&role).with_context(|| format!("unknown role `{role}`"))?;
            let code = OrganizationCode::parse(&organization)
                .map_err(|e| anyhow::anyhow!("--organization: {e}"))?;
            let org = organizations::find_by_code(&db, &code)
                .await?
                .with_context(|| format!("no organisation with code {}", code.as_str()))?;
            let (password, generated) = if password_stdin {
                let mut line = String::new();
                std::io::stdin().lock().read_line(&mut line)?;
                (line.trim_end_matches(['\r', '\n']).to_owned(), false)
            } else {
                (bootstrap::generate_password(), true)
            };
            let display_name = display_name.unwrap_or_else(|| username.clone());
            let new = NewAccount::parse(&username, &display_name, role, org.id, &password)
                .map_err(|e| anyhow::anyhow!("{}", describe(&e)))?;
            let hasher = Arc::new(PasswordHasher::new(1)?);
            let account = provisioning::create_account(&db, &hasher, &new, SystemClock.now())
                .await
                .map_err(|p| {
                    anyhow::anyhow!(
                        "{}",
                        if p.errors.is_empty() {
                            p.to_string()
                        } else {
                            describe_fields(&p.errors)
                        }
                    )
                })?;
            let mut out = std::io::stdout().lock();
            writeln!(
                out,
                "created account {} ({}) in {}",
                account.username.as_str(),
                account.id,
                code.as_str()
            )?;
            if generated {
                writeln!(out, "password: {password}")?;
            }
            Ok(())
        }
        Command::Keys { command } => {
            let db = prepared_db(&config).await?;
            let mut out = std::io::stdout().lock();
            match command {
                KeysCommand::List => {
                    for key in signing_keys::all(&db).await? {
                        let state = key
                            .retired_at
                            .map_or("active".to_owned(), |at| format!("retired {at}"));
                        writeln!(
                            out,
                            "{}\t{}\tcreated {}\t{state}",
                            key.kid, key.algorithm, key.created_at
                        )?;
                    }
                }
                KeysCommand::Rotate { node } => {
                    let kid = if node {
                        crate::federation::keys::rotate(&db).await?
                    } else {
                        tokens::rotate(&db).await?
                    };
                    writeln!(
                        out,
                        "new signing key {kid}; retire older keys once their tokens have expired"
                    )?;
                }
                KeysCommand::Retire { kid } => {
                    let unretired = signing_keys::unretired(&db).await?;
                    let algorithm = unretired
                        .iter()
                        .find(|k| k.kid == kid)
                        .map(|k| &k.algorithm);
                    let same_kind = unretired
                        .iter()
                        .filter(|k| Some(&k.algorithm) == algorithm)
                        .count();
                    if same_kind == 1 {
                        bail!("{kid} is the only active key of its kind; rotate first");
                    }
                    if !signing_keys::retire(&db, &kid, Utc::now()).await? {
                        bail!("no active key {kid}");
                    }
                    writeln!(out, "retired {kid}")?;
                }
            }
            Ok(())
        }
        Command::Audit { command } => {
            let mut out = std::io::stdout().lock();
            match command {
                AuditCommand::Seal => {
                    let db = prepared_db(&config).await?;
                    let sealed = crate::audit::seal_all(&db).await?;
                    writeln!(out, "sealed {sealed} audit records")?;
                }
                AuditCommand::Verify => {
                    // A verifier only reads: it may run with read-only credentials, so it never
                    // migrates, and it refuses a schema older than the code that reads it.
                    let db = ipdr_persistence::connect(&config.database).await?;
                    let pending = ipdr_persistence::pending_migrations(&db)
                        .await
                        .context("cannot read the database's schema version")?;
                    if let Some(first) = pending.first() {
                        bail!(
                            "the database schema is older than this binary: {} migration(s) \
                             pending, starting with {first}; run `ipdr migrate` (with an account \
                             that may change the schema) before verifying",
                            pending.len()
                        );
                    }
                    let report = ipdr_persistence::repo::audit::verify(&db, 1000).await?;
                    if let Some(broken) = report.broken {
                        writeln!(
                            out,
                            "audit chain BROKEN: {broken}; {} records before it verified",
                            report.verified
                        )?;
                        bail!("the audit chain is broken: {broken}");
                    }
                    writeln!(
                        out,
                        "audit chain intact: {} records verified, {} not yet sealed",
                        report.verified, report.unsealed
                    )?;
                }
            }
            Ok(())
        }
    }
}

async fn prepared_db(config: &Config) -> anyhow::Result<ipdr_persistence::Db> {
    let db = ipdr_persistence::connect(&config.database).await?;
    ipdr_persistence::migrate(&db).await?;
    Ok(db)
}

fn describe(errors: &ipdr_domain::ValidationErrors) -> String {
    errors
        .0
        .iter()
        .map(|e| format!("{}: {}", e.field, e.message))
        .collect::<Vec<_>>()
        .join("; ")
}

fn describe_fields(errors: &[crate::problem::ProblemField]) -> String {
    errors
        .iter()
        .map(|e| format!("{}: {}", e.field, e.message))
        .collect::<Vec<_>>()
        .join("; ")
}
