//! Assembling and running the service: connect, migrate, bootstrap, bind, serve, shut down
//! gracefully.
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use poem::endpoint::make_sync;
use poem::listener::{Acceptor, Listener, TcpAcceptor, TcpListener};
use poem::middleware::CatchPanic;
use poem::web::Html;
use poem::{Endpoint, EndpointExt, IntoEndpoint, Response, Route, Server};

use crate::auth::password::PasswordHasher;
use crate::auth::throttle::LoginThrottle;
use crate::auth::tokens::KeyRing;
use crate::body::{BodyLimit, MAX_BODY_BYTES};
use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::federation::NodeIdentity;
use crate::federation::client::FederationClient;
use crate::federation::keys::NodeKeys;
use crate::notices::Notices;
use crate::notices::mail::Email;
use crate::notices::webhook::Webhooks;
use crate::state::AppState;
use crate::{audit, bootstrap, openapi, problem, request_id};

/// A ready-to-serve instance: database migrated, first admin and key in place, port bound.
pub struct Application {
    acceptor: TcpAcceptor,
    address: SocketAddr,
    state: AppState,
    shutdown_grace: Duration,
    deadline_sweep: Option<Duration>,
    audit_seal: Option<Duration>,
    outbox_poll: Option<Duration>,
    notice_poll: Option<Duration>,
}

impl Application {
    /// Prepares everything short of serving. `IPDR_LISTEN` may use port 0 (tests): the bound
    /// address is [`Application::address`].
    ///
    /// # Errors
    /// The database is unreachable or a migration fails, the configuration is unusable, or the
    /// address cannot be bound.
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        Self::build_with_clock(config, Arc::new(SystemClock)).await
    }

    /// [`Application::build`] with the clock the business logic sees (tests pin it).
    ///
    /// # Errors
    /// As [`Application::build`].
    pub async fn build_with_clock(config: Config, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        let db = ipdr_persistence::connect(&config.database)
            .await
            .with_context(|| {
                format!(
                    "connecting to {}",
                    ipdr_persistence::redact_url(&config.database.url)
                )
            })?;
        let applied = ipdr_persistence::migrate(&db)
            .await
            .context("applying migrations")?;
        tracing::info!(
            backend = ipdr_persistence::backend_name(&db),
            database = %ipdr_persistence::redact_url(&config.database.url),
            migrations_applied = applied,
            "database ready"
        );
        let hasher = Arc::new(PasswordHasher::new(config.login.hash_concurrency)?);
        bootstrap::prepare(&db, &config, &hasher).await?;
        let keys = KeyRing::load(db.clone(), config.token.clone()).await?;
        let node_keys = NodeKeys::load(db.clone(), config.token.key_refresh).await?;
        // Links in notices: the public address, or this process's own until one is set.
        let public_url = config
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", config.listen));
        let state = AppState {
            db,
            keys,
            hasher,
            throttle: Arc::new(LoginThrottle::new(&config.login)),
            clock,
            max_document_bytes: config.max_document_bytes,
            node: Arc::new(NodeIdentity {
                id: config.federation.node_id.clone(),
                name: config.federation.node_name.clone(),
                city: config.city.clone(),
            }),
            node_keys,
            federation_client: FederationClient::new(config.federation.timeout)?,
            retry: config.federation.retry,
            outbox_wake: Arc::new(tokio::sync::Notify::new()),
            notices: Arc::new(Notices::new(
                &config.notices,
                public_url.clone(),
                config.federation.node_id.as_str(),
            )?),
            notice_wake: Arc::new(tokio::sync::Notify::new()),
            secure_cookies: config
                .public_url
                .as_deref()
                .is_some_and(|u| u.starts_with("https://")),
        };
        let acceptor = TcpListener::bind(config.listen)
            .into_acceptor()
            .await
            .with_context(|| format!("binding {}", config.listen))?;
        let address = acceptor
            .local_addr()
            .first()
            .and_then(|a| a.as_socket_addr().copied())
            .context("the listener has no address")?;
        Ok(Self {
            acceptor,
            address,
            state,
            shutdown_grace: config.shutdown_grace,
            deadline_sweep: config.deadline_sweep,
            audit_seal: config.audit_seal,
            outbox_poll: config.federation.outbox_poll,
            notice_poll: config.notices.poll,
        })
    }

    /// Where the service listens.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` resolves, then lets in-flight requests finish (up to the grace
    /// period) before returning.
    ///
    /// # Errors
    /// The server failed to accept connections.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        // Background work stops when the server has finished its in-flight requests.
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let until_stopped = move || {
            let mut stopped = stopped.clone();
            async move {
                let _ = stopped.wait_for(|stop| *stop).await;
            }
        };
        let mut workers = vec![tokio::spawn(
            self.state
                .keys
                .clone()
                .refresh_periodically(until_stopped()),
        )];
        if let Some(every) = self.deadline_sweep {
            workers.push(tokio::spawn(
                crate::service::court_terms::sweep_periodically(
                    self.state.clone(),
                    every,
                    until_stopped(),
                ),
            ));
        }
        if let Some(every) = self.audit_seal {
            workers.push(tokio::spawn(crate::audit::seal_periodically(
                self.state.clone(),
                every,
                until_stopped(),
            )));
        }
        if let Some(poll) = self.outbox_poll {
            workers.push(tokio::spawn(crate::federation::worker::run(
                self.state.clone(),
                poll,
                until_stopped(),
            )));
        }
        if let Some(poll) = self.notice_poll {
            let state = &self.state;
            let wake = state.notice_wake.clone();
            workers.push(tokio::spawn(crate::delivery::run(
                state.db.clone(),
                Webhooks(state.clone()),
                state.retry,
                wake.clone(),
                poll,
                until_stopped(),
            )));
            match state.notices.mailer.clone() {
                Some(mailer) => workers.push(tokio::spawn(crate::delivery::run(
                    state.db.clone(),
                    Email {
                        state: state.clone(),
                        mailer,
                    },
                    state.retry,
                    wake,
                    poll,
                    until_stopped(),
                ))),
                None => tracing::warn!(
                    "e-mail is off (IPDR_SMTP_URL is not set): notices are in the app and on webhooks only; e-mails queued meanwhile wait for a process with an SMTP server"
                ),
            }
        }
        tracing::info!(address = %self.address, node = %self.state.node.id, "serving; API documentation at /docs");
        let result = Server::new_with_acceptor(self.acceptor)
            .run_with_graceful_shutdown(routes(self.state), shutdown, Some(self.shutdown_grace))
            .await;
        let _ = stop.send(true);
        for worker in workers {
            let _ = worker.await;
        }
        tracing::info!("stopped");
        result
    }
}

/// Every route with its middleware: request id and access log outermost, then panic capture,
/// problem rendering, the audit trail, and the body limit.
pub fn routes(state: AppState) -> impl Endpoint<Output = Response> {
    let limits = BodyLimit {
        default: MAX_BODY_BYTES,
        documents: state.max_document_bytes,
    };
    let spec = openapi::spec_json();
    let docs = openapi::docs_html();
    // The API's paths sit under these prefixes; the console has the rest of the site.
    let mut api = Route::new();
    for prefix in ["/api", "/federation", "/healthz", "/readyz"] {
        api = api.nest_no_strip(prefix, openapi::service().into_endpoint());
    }
    crate::console::mount(api)
        .at(
            "/openapi.json",
            make_sync(move |_| {
                Response::builder()
                    .content_type("application/json")
                    .body(spec.clone())
            }),
        )
        .at("/docs", make_sync(move |_| Html(docs.clone())))
        .with(limits)
        .around(audit::track)
        .data(state)
        .around(problem::render_errors)
        .with(CatchPanic::new().with_handler(problem::panic_response))
        .around(request_id::track)
        .map_to_response()
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => tracing::info!("Ctrl-C received; finishing in-flight requests"),
        () = terminate => tracing::info!("SIGTERM received; finishing in-flight requests"),
    }
}
