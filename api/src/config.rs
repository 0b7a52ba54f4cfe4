//! Configuration, read from `IPDR_*` environment variables. Every setting has a documented
//! default ([`SETTINGS`], also printed by `ipdr --help`); secrets are never logged.
use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{Context, bail};
use ipdr_persistence::ConnectSettings;

/// Every environment variable the service reads: name, default, meaning.
pub const SETTINGS: &[(&str, &str, &str)] = &[
    (
        "IPDR_LISTEN",
        "127.0.0.1:8080",
        "address and port to serve HTTP on",
    ),
    (
        "IPDR_DATABASE_URL",
        "sqlite://ipdr.db",
        "sqlite://FILE (created if missing) or postgres://USER[:PASSWORD]@HOST[:PORT]/DB",
    ),
    (
        "IPDR_DATABASE_MAX_CONNECTIONS",
        "10",
        "size of the database connection pool",
    ),
    (
        "IPDR_CITY",
        "local",
        "the city this instance serves (大连, Weihai …); the operator organisation created on first start sits there",
    ),
    (
        "IPDR_PUBLIC_URL",
        "(unset)",
        "the address people reach this instance at (https://ipdr.example.cn); when https, the console's cookie is Secure",
    ),
    (
        "IPDR_ADMIN_USERNAME",
        "admin",
        "name of the administrator created on first start",
    ),
    (
        "IPDR_ADMIN_PASSWORD",
        "(generated)",
        "password of that administrator (12+ characters); when unset, one is generated and logged once",
    ),
    (
        "IPDR_TOKEN_ISSUER",
        "ipdr",
        "`iss` of the access tokens this instance issues and accepts",
    ),
    (
        "IPDR_TOKEN_AUDIENCE",
        "ipdr-api",
        "`aud` of the access tokens this instance issues and accepts",
    ),
    (
        "IPDR_TOKEN_TTL_SECONDS",
        "3600",
        "lifetime of an access token",
    ),
    (
        "IPDR_KEY_REFRESH_SECONDS",
        "30",
        "how often a running process re-reads the signing keys (rotation, retirement)",
    ),
    (
        "IPDR_LOGIN_MAX_FAILURES",
        "5",
        "failed logins per account name within the window before 429",
    ),
    (
        "IPDR_LOGIN_MAX_FAILURES_PER_ADDRESS",
        "20",
        "failed logins per client address within the window before 429",
    ),
    (
        "IPDR_LOGIN_WINDOW_SECONDS",
        "900",
        "the login-throttle window",
    ),
    (
        "IPDR_PASSWORD_HASH_CONCURRENCY",
        "2",
        "password hashes computed at once (each takes ~19 MiB and one core for ~25 ms)",
    ),
    (
        "IPDR_MAX_DOCUMENT_BYTES",
        "10485760",
        "largest document accepted for upload, in bytes (other request bodies: 1 MiB)",
    ),
    (
        "IPDR_SHUTDOWN_GRACE_SECONDS",
        "30",
        "how long in-flight requests may take to finish after SIGTERM / Ctrl-C",
    ),
    (
        "IPDR_DEADLINE_SWEEP_SECONDS",
        "60",
        "how often the platform's deadline work runs: court-referred cases whose R15 term ran out return to their court, breached referral deadlines are escalated (0: never)",
    ),
    (
        "IPDR_AUDIT_SEAL_MILLIS",
        "1000",
        "how often new audit records are sealed into the hash chain (0: never; `ipdr audit seal` does it by hand)",
    ),
    (
        "IPDR_NODE_ID",
        "local",
        "this instance's node id in the federation (`dalian`, `weihai` …): lower-case letters, digits, `-`",
    ),
    (
        "IPDR_NODE_NAME",
        "IPDR",
        "this node's display name, shown to partner nodes",
    ),
    (
        "IPDR_OUTBOX_POLL_MILLIS",
        "1000",
        "how often the outbox is checked for messages to partner nodes, besides every local change (0: no delivery from this process)",
    ),
    (
        "IPDR_OUTBOX_MAX_ATTEMPTS",
        "12",
        "delivery attempts of a federation message, e-mail or webhook before it is dead-lettered (admins can retry it)",
    ),
    (
        "IPDR_OUTBOX_BACKOFF_BASE_MILLIS",
        "1000",
        "first retry wait of a failed delivery; it doubles per attempt, with full jitter",
    ),
    (
        "IPDR_OUTBOX_BACKOFF_CAP_SECONDS",
        "600",
        "longest wait between two delivery attempts (a partner's Retry-After may ask for more)",
    ),
    (
        "IPDR_FEDERATION_TIMEOUT_SECONDS",
        "10",
        "time limit of one request to a partner node (connect and answer)",
    ),
    (
        "IPDR_SMTP_URL",
        "(unset: e-mail is off)",
        "the SMTP server notices are e-mailed through: smtps://USER:PASSWORD@HOST:465 (TLS), smtp://USER:PASSWORD@HOST:587?tls=required (STARTTLS), smtp://HOST:25 (plain, for a local relay)",
    ),
    (
        "IPDR_SMTP_FROM",
        "IPDR <noreply@localhost>",
        "the From of notice e-mails",
    ),
    (
        "IPDR_NOTICE_LEAD_DAYS",
        "2,0",
        "when a deadline is told: working days before its last day, comma-separated (0: on the day); a breach is told the day after",
    ),
    (
        "IPDR_NOTICE_POLL_MILLIS",
        "1000",
        "how often the e-mail and webhook queues are checked (0: no notice delivery from this process); retries follow the IPDR_OUTBOX_* settings",
    ),
    (
        "IPDR_BUSINESS_DATE",
        "(unset: today)",
        "for training and test instances only: the business clock stands still at noon (China time) of this day (YYYY-MM-DD), so deadlines, notices and sweeps act as on that day",
    ),
    (
        "IPDR_LOG",
        "info",
        "log filter (tracing-subscriber EnvFilter syntax, e.g. `info,ipdr_api=debug`)",
    ),
    (
        "IPDR_LOG_FORMAT",
        "text",
        "`text` for people, `json` for log collectors",
    ),
];

/// A secret string whose `Debug` does not show it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone)]
pub struct TokenSettings {
    pub issuer: String,
    pub audience: String,
    pub ttl: Duration,
    pub key_refresh: Duration,
}

/// The federation: who this node is and how it delivers to partners.
#[derive(Debug, Clone)]
pub struct FederationSettings {
    pub node_id: ipdr_domain::referral::NodeId,
    pub node_name: String,
    /// `None`: this process delivers nothing (another one does).
    pub outbox_poll: Option<Duration>,
    pub retry: crate::federation::worker::RetryPolicy,
    pub timeout: Duration,
}

#[derive(Debug, Clone)]
pub struct LoginSettings {
    pub max_failures_per_account: u32,
    pub max_failures_per_address: u32,
    pub window: Duration,
    pub hash_concurrency: usize,
}

/// The whole configuration of a process.
#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub database: ConnectSettings,
    pub city: String,
    /// Where people reach this instance; `None` when unset.
    pub public_url: Option<String>,
    pub admin_username: String,
    pub admin_password: Option<Secret>,
    pub token: TokenSettings,
    pub login: LoginSettings,
    pub max_document_bytes: usize,
    pub shutdown_grace: Duration,
    /// How often to return court-referred cases whose term ran out (R15); `None`: never.
    pub deadline_sweep: Option<Duration>,
    /// How often to seal new audit records into the chain; `None`: never (another process does).
    pub audit_seal: Option<Duration>,
    pub federation: FederationSettings,
    pub notices: crate::notices::NoticeSettings,
    /// The day the business clock stands at; `None`: the real clock.
    pub business_date: Option<chrono::NaiveDate>,
    pub log_filter: String,
    pub log_format: LogFormat,
}

impl Config {
    /// Reads the process environment.
    ///
    /// # Errors
    /// A variable is set to something that does not parse; the message names it.
    pub fn from_env() -> anyhow::Result<Self> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads settings through `lookup` (the environment, or a map in tests). Unset and empty
    /// values take their default.
    ///
    /// # Errors
    /// A value does not parse; the message names the variable.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> anyhow::Result<Self> {
        let get = |name: &str| -> String {
            lookup(name)
                .filter(|v| !v.trim().is_empty())
                .unwrap_or_else(|| {
                    SETTINGS
                        .iter()
                        .find(|(n, _, _)| *n == name)
                        .map(|(_, default, _)| (*default).to_owned())
                        .unwrap_or_default()
                })
        };
        let number = |name: &str| -> anyhow::Result<u64> {
            let raw = get(name);
            raw.trim()
                .parse::<u64>()
                .with_context(|| format!("{name}: expected a whole number, got `{raw}`"))
        };
        let positive = |name: &str| -> anyhow::Result<u64> {
            match number(name)? {
                0 => bail!("{name}: must be at least 1"),
                n => Ok(n),
            }
        };
        let seconds = |name: &str| positive(name).map(Duration::from_secs);
        let small = |name: &str| -> anyhow::Result<u32> {
            u32::try_from(positive(name)?).with_context(|| format!("{name}: too large"))
        };

        let listen = get("IPDR_LISTEN");
        let node_id = get("IPDR_NODE_ID");
        let timeout = seconds("IPDR_FEDERATION_TIMEOUT_SECONDS")?;
        let federation = FederationSettings {
            node_id: ipdr_domain::referral::NodeId::parse(&node_id)
                .map_err(|e| anyhow::anyhow!("IPDR_NODE_ID: {}, got `{node_id}`", e.message))?,
            node_name: get("IPDR_NODE_NAME"),
            outbox_poll: match number("IPDR_OUTBOX_POLL_MILLIS")? {
                0 => None,
                n => Some(Duration::from_millis(n)),
            },
            retry: crate::federation::worker::RetryPolicy {
                base: Duration::from_millis(positive("IPDR_OUTBOX_BACKOFF_BASE_MILLIS")?),
                cap: seconds("IPDR_OUTBOX_BACKOFF_CAP_SECONDS")?,
                max_attempts: small("IPDR_OUTBOX_MAX_ATTEMPTS")?,
                // Three request timeouts: a claim outlives its attempt, and a crashed
                // process's claims return to the queue within seconds.
                lease: timeout.saturating_mul(3),
            },
            timeout,
        };
        let leads = get("IPDR_NOTICE_LEAD_DAYS");
        let notices = crate::notices::NoticeSettings {
            smtp_url: lookup("IPDR_SMTP_URL")
                .filter(|u| !u.trim().is_empty())
                .map(Secret::new),
            from: get("IPDR_SMTP_FROM"),
            leads: lead_days(&leads)?,
            poll: match number("IPDR_NOTICE_POLL_MILLIS")? {
                0 => None,
                n => Some(Duration::from_millis(n)),
            },
            timeout,
        };
        let log_format = match get("IPDR_LOG_FORMAT").as_str() {
            "text" => LogFormat::Text,
            "json" => LogFormat::Json,
            other => bail!("IPDR_LOG_FORMAT: expected `text` or `json`, got `{other}`"),
        };
        Ok(Self {
            listen: listen
                .parse()
                .with_context(|| format!("IPDR_LISTEN: expected HOST:PORT, got `{listen}`"))?,
            database: ConnectSettings {
                url: database_url(&get("IPDR_DATABASE_URL"))?,
                max_connections: small("IPDR_DATABASE_MAX_CONNECTIONS")?,
                schema: None,
            },
            city: get("IPDR_CITY"),
            public_url: lookup("IPDR_PUBLIC_URL").filter(|u| !u.trim().is_empty()),
            admin_username: get("IPDR_ADMIN_USERNAME"),
            admin_password: lookup("IPDR_ADMIN_PASSWORD")
                .filter(|p| !p.is_empty())
                .map(Secret::new),
            token: TokenSettings {
                issuer: get("IPDR_TOKEN_ISSUER"),
                audience: get("IPDR_TOKEN_AUDIENCE"),
                ttl: seconds("IPDR_TOKEN_TTL_SECONDS")?,
                key_refresh: seconds("IPDR_KEY_REFRESH_SECONDS")?,
            },
            login: LoginSettings {
                max_failures_per_account: small("IPDR_LOGIN_MAX_FAILURES")?,
                max_failures_per_address: small("IPDR_LOGIN_MAX_FAILURES_PER_ADDRESS")?,
                window: seconds("IPDR_LOGIN_WINDOW_SECONDS")?,
                hash_concurrency: usize::try_from(positive("IPDR_PASSWORD_HASH_CONCURRENCY")?)?,
            },
            max_document_bytes: usize::try_from(positive("IPDR_MAX_DOCUMENT_BYTES")?)?,
            shutdown_grace: seconds("IPDR_SHUTDOWN_GRACE_SECONDS")?,
            deadline_sweep: match number("IPDR_DEADLINE_SWEEP_SECONDS")? {
                0 => None,
                n => Some(Duration::from_secs(n)),
            },
            audit_seal: match number("IPDR_AUDIT_SEAL_MILLIS")? {
                0 => None,
                n => Some(Duration::from_millis(n)),
            },
            federation,
            notices,
            business_date: match lookup("IPDR_BUSINESS_DATE").filter(|d| !d.trim().is_empty()) {
                Some(day) => Some(day.trim().parse().with_context(|| {
                    format!("IPDR_BUSINESS_DATE: expected YYYY-MM-DD, got `{day}`")
                })?),
                None => None,
            },
            log_filter: get("IPDR_LOG"),
            log_format,
        })
    }
}

/// `IPDR_NOTICE_LEAD_DAYS`: whole numbers of working days, comma-separated, at most 30.
fn lead_days(raw: &str) -> anyhow::Result<Vec<u32>> {
    let mut leads = Vec::new();
    for part in raw.split(',') {
        let lead = part
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|d| *d <= 30)
            .with_context(|| {
                format!("IPDR_NOTICE_LEAD_DAYS: expected working days 0–30, comma-separated, got `{raw}`")
            })?;
        if !leads.contains(&lead) {
            leads.push(lead);
        }
    }
    Ok(leads)
}

/// Accepts `sqlite:`/`postgres:` URLs only, so a typo fails at start-up with a clear message.
fn database_url(url: &str) -> anyhow::Result<String> {
    let url = url.trim();
    if url.starts_with("sqlite:")
        || url.starts_with("postgres://")
        || url.starts_with("postgresql://")
    {
        Ok(url.to_owned())
    } else {
        bail!(
            "IPDR_DATABASE_URL: expected sqlite://FILE or postgres://…, got `{}`",
            ipdr_persistence::redact_url(url)
        )
    }
}

/// The help text listing every setting, for `ipdr --help`.
pub fn settings_help() -> String {
    let mut help = String::from("Configuration (environment variables, default in brackets):\n");
    for (name, default, meaning) in SETTINGS {
        help.push_str(&format!("  {name} [{default}]\n      {meaning}\n"));
    }
    help
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> anyhow::Result<Config> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Config::from_lookup(|name| vars.get(name).cloned())
    }

    #[test]
    fn defaults_give_a_local_sqlite_service() {
        let c = config(&[]).unwrap();
        assert_eq!(c.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(c.database.url, "sqlite://ipdr.db");
        assert_eq!(c.admin_password, None);
        assert_eq!(c.login.max_failures_per_account, 5);
        assert_eq!(c.token.ttl, Duration::from_secs(3600));
    }

    #[test]
    fn a_bad_value_names_its_variable() {
        let err = config(&[("IPDR_LOGIN_WINDOW_SECONDS", "soon")]).unwrap_err();
        assert!(
            err.to_string().contains("IPDR_LOGIN_WINDOW_SECONDS"),
            "{err}"
        );
        let err = config(&[("IPDR_DATABASE_URL", "mysql://u:pw@h/db")]).unwrap_err();
        assert!(err.to_string().contains("IPDR_DATABASE_URL"), "{err}");
        assert!(!err.to_string().contains("pw"), "{err}");
    }

    #[test]
    fn debug_output_hides_the_admin_password_and_database_password() {
        let c = config(&[
            ("IPDR_ADMIN_PASSWORD", "hunter2hunter2"),
            (
                "IPDR_DATABASE_URL",
                "postgres://ipdr:dbsecret@localhost/ipdr",
            ),
        ])
        .unwrap();
        let shown = format!("{c:?}");
        assert!(
            !shown.contains("hunter2") && !shown.contains("dbsecret"),
            "{shown}"
        );
    }

    #[test]
    fn the_readme_documents_every_setting_with_its_default() {
        let readme = include_str!("../../README.md");
        for (name, default, _) in SETTINGS {
            let row = if default.starts_with('(') {
                format!("| `{name}` |")
            } else {
                format!("| `{name}` | `{default}` |")
            };
            assert!(readme.contains(&row), "README.md lacks the row {row}");
        }
    }

    #[test]
    fn every_setting_is_documented_in_the_help() {
        let help = settings_help();
        assert!(SETTINGS.iter().all(|(name, _, _)| help.contains(name)));
    }
}
