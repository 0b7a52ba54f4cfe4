//! The audit trail on the HTTP side: a middleware that records every state-changing request
//! and every refusal, the task-local scope through which authentication names the caller, and
//! the background sealer.
//!
//! What is recorded: every call of a non-`GET` operation, whatever its outcome (logins and
//! failed logins, every state change, federation messages received), and every `GET` that was
//! refused (401, 403, or 404 to a caller who authenticated). Outgoing federation messages are
//! recorded by the outbox worker with [`append`]. A record holds who (account, partner node),
//! the role, the operation, the object (the path, or the `Location` of what was created), the
//! outcome and status, the UTC time, the client address and the request id — never a body, a
//! header, a query string, a password or a token.
//!
//! A change is recorded in its own transaction: the application layer's unit of work appends
//! the success record (from the scope this middleware opened: who, which operation, which
//! object) before it commits, so no committed change lacks its record. Everything else — a
//! refusal, invalid input, a failed login, a request that changed nothing — is recorded here
//! after the handler answered, in its own statement; a failure to write it is logged loudly.
use std::cell::RefCell;
use std::future::Future;
use std::time::Duration;

use ipdr_domain::audit::Outcome;
use ipdr_persistence::Db;
use ipdr_persistence::repo::audit::{self as repo, NewEvent};
use poem::http::{Method, StatusCode, header};
use poem::{Endpoint, IntoResponse, Request, Response};
use poem_openapi::OperationId;

use crate::clock::{Clock, SystemClock};
use crate::state::AppState;

/// Who is acting and on what, filled in while a request is handled.
#[derive(Debug, Default)]
struct Scope {
    actor: Option<String>,
    role: Option<String>,
    object: Option<String>,
    detail: Option<String>,
    /// The operation being called and the status it answers on success.
    operation: Option<(&'static str, u16)>,
    path: String,
    client: Option<String>,
    /// Set once the unit of work committed the request's success record.
    recorded: bool,
    /// Domain events emitted since the unit of work last committed.
    emitted: u32,
}

tokio::task_local! {
    static SCOPE: RefCell<Scope>;
}

/// Who acts through which operation, for a caller of the application layer that is not the
/// JSON API (the console, a test): its changes are recorded as the API's are.
#[derive(Debug, Clone)]
pub struct Acting {
    /// `account:<id>`.
    pub actor: String,
    pub role: Option<String>,
    /// The operation's stable name (`accept_case`).
    pub operation: &'static str,
    /// The object acted on, as records name it.
    pub object: String,
    pub client: Option<String>,
}

/// Runs `work` as `acting`: a change it commits carries `acting`'s record (status 0: no HTTP
/// exchange). Answers whether a record was committed, beside the work's output.
pub async fn acting<F: Future>(acting: Acting, work: F) -> (F::Output, bool) {
    let scope = Scope {
        actor: Some(acting.actor),
        role: acting.role,
        object: Some(acting.object.clone()),
        operation: Some((acting.operation, 0)),
        path: acting.object,
        client: acting.client,
        ..Scope::default()
    };
    SCOPE
        .scope(RefCell::new(scope), async move {
            let output = work.await;
            (output, SCOPE.with(|s| s.borrow().recorded))
        })
        .await
}

/// Runs a sign-in of the web console (`work`) and records it as the API records its logins:
/// action `login`, the account when one was named, the reason of a failure, the client.
/// `status` says what the console's answer amounts to (303 signed in, 401, 429).
pub async fn console_login<T, E>(
    state: &AppState,
    client: Option<String>,
    work: impl Future<Output = Result<T, E>>,
    status: impl FnOnce(&Result<T, E>) -> StatusCode,
) -> Result<T, E> {
    let scope = Scope {
        path: "/login".to_owned(),
        client: client.clone(),
        ..Scope::default()
    };
    let (result, scope) = SCOPE
        .scope(RefCell::new(scope), async move {
            let result = work.await;
            (result, SCOPE.with(RefCell::take))
        })
        .await;
    let status = status(&result);
    let mut record = event(
        "login",
        "/login".to_owned(),
        outcome(status, "login"),
        status.as_u16(),
    );
    record.actor = scope.actor;
    record.role = scope.role;
    record.client_address = client;
    record.detail = scope.detail;
    append(&state.db, record).await;
    result
}

/// Names the caller of the request being handled (authentication calls it). Outside a request
/// it does nothing.
pub fn identify(actor: String, role: Option<&str>) {
    let _ = SCOPE.try_with(|scope| {
        let mut scope = scope.borrow_mut();
        scope.actor = Some(actor);
        scope.role = role.map(str::to_owned);
    });
}

/// Names the object and a short machine reason when the path does not say enough (a
/// federation message names its referral). Never pass text from a request body.
pub fn describe(object: Option<String>, detail: Option<String>) {
    let _ = SCOPE.try_with(|scope| {
        let mut scope = scope.borrow_mut();
        if object.is_some() {
            scope.object = object;
        }
        if detail.is_some() {
            scope.detail = detail;
        }
    });
}

/// The success record of the request being handled, for the unit of work to write in the
/// change's transaction; `None` outside a request, for an operation that is not the API's, or
/// when the request's record was committed already (a second transaction of one request).
pub fn success_record() -> Option<NewEvent> {
    SCOPE
        .try_with(|scope| {
            let scope = scope.borrow();
            let (action, status) = scope.operation.filter(|_| !scope.recorded)?;
            let mut record = event(
                action,
                scope.object.clone().unwrap_or_else(|| scope.path.clone()),
                Outcome::Succeeded,
                status,
            );
            record.actor.clone_from(&scope.actor);
            record.role.clone_from(&scope.role);
            record.client_address.clone_from(&scope.client);
            record.detail.clone_from(&scope.detail);
            Some(record)
        })
        .ok()
        .flatten()
}

/// The operation being handled (`settle_case`), when there is one: what caused the events
/// its change emits.
pub fn operation() -> Option<&'static str> {
    SCOPE
        .try_with(|scope| scope.borrow().operation.map(|(name, _)| name))
        .ok()
        .flatten()
}

/// Notes that the change being made emitted a domain event.
pub fn note_event() {
    let _ = SCOPE.try_with(|scope| scope.borrow_mut().emitted += 1);
}

/// How many domain events the change emitted since the last commit; starts the count again.
pub fn take_emitted() -> u32 {
    SCOPE
        .try_with(|scope| std::mem::take(&mut scope.borrow_mut().emitted))
        .unwrap_or(0)
}

/// Notes that the request's success record was committed with its change, so the middleware
/// does not write a second one.
pub fn recorded() {
    let _ = SCOPE.try_with(|scope| scope.borrow_mut().recorded = true);
}

/// The outcome an HTTP status stands for; `login` turns 401 into a failed login.
pub fn outcome(status: StatusCode, action: &str) -> Outcome {
    match status.as_u16() {
        100..=399 => Outcome::Succeeded,
        401 if action == "login" => Outcome::Failed,
        401 => Outcome::Unauthenticated,
        403 => Outcome::Denied,
        404 => Outcome::NotFound,
        409 | 412 | 428 => Outcome::Refused,
        429 => Outcome::Throttled,
        400..=499 => Outcome::Invalid,
        _ => Outcome::Error,
    }
}

fn worth_recording(method: &Method, status: StatusCode, identified: bool) -> bool {
    if !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return true;
    }
    matches!(status.as_u16(), 401 | 403) || (status == StatusCode::NOT_FOUND && identified)
}

/// Appends one record; a failure is logged, never returned (the action it records happened).
pub async fn append(db: &Db, event: NewEvent) {
    let action = event.action.clone();
    if let Err(e) = repo::append(db, event).await {
        tracing::error!(error = %e, action, "audit record NOT written");
    }
}

/// A record with the time and request id filled in.
pub fn event(action: &str, object: String, outcome: Outcome, status: u16) -> NewEvent {
    NewEvent {
        occurred_at: SystemClock.now(),
        actor: None,
        role: None,
        action: action.to_owned(),
        object,
        outcome,
        status: i32::from(status),
        client_address: None,
        request_id: crate::request_id::try_current(),
        detail: None,
    }
}

/// Middleware: runs the request inside an audit scope and records it when it is worth it.
/// Sits inside the request-id middleware and outside problem rendering, so it sees the
/// operation id and the status of errors too.
pub async fn track<E: Endpoint>(next: E, req: Request) -> poem::Result<Response> {
    let Some(db) = req.data::<AppState>().map(|state| state.db.clone()) else {
        return next.call(req).await.map(IntoResponse::into_response);
    };
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let client = req
        .remote_addr()
        .as_socket_addr()
        .map(|a| a.ip().to_string());
    let scope = Scope {
        operation: crate::openapi::operation(method.as_str(), &path),
        path: path.clone(),
        client: client.clone(),
        ..Scope::default()
    };
    let (result, scope) = SCOPE
        .scope(RefCell::new(scope), async move {
            let result = next.call(req).await.map(IntoResponse::into_response);
            (result, SCOPE.with(RefCell::take))
        })
        .await;
    let (status, operation, location) = match &result {
        Ok(response) => (
            response.status(),
            response.data::<OperationId>().map(|o| o.0),
            response
                .headers()
                .get(header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
        ),
        Err(err) => (err.status(), err.data::<OperationId>().map(|o| o.0), None),
    };
    // Only the API's own operations: a probe of an unknown path is not an event.
    let Some(action) = operation else {
        return result;
    };
    // A committed change carries its record already (written in its transaction).
    if !scope.recorded && worth_recording(&method, status, scope.actor.is_some()) {
        let object = scope
            .object
            .or(location.filter(|_| status.is_success()))
            .unwrap_or(path);
        let mut record = event(action, object, outcome(status, action), status.as_u16());
        record.actor = scope.actor;
        record.role = scope.role;
        record.client_address = client;
        record.detail = scope.detail;
        append(&db, record).await;
    }
    result
}

/// Seals new records into the chain every `every` until `stop` resolves.
pub async fn seal_periodically(state: AppState, every: Duration, stop: impl Future<Output = ()>) {
    tokio::pin!(stop);
    let mut interval = tokio::time::interval(every);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = &mut stop => break,
            _ = interval.tick() => {}
        }
        // Not raced against `stop`: a round is short and is never cut between its statements.
        if let Err(e) = seal_all(&state.db).await {
            tracing::warn!(error = %e, "audit sealing failed; retrying on the next tick");
        }
    }
}

/// Records sealed per transaction.
const SEAL_BATCH: u64 = 1000;

/// Seals everything sealable now, batch by batch, and answers how many records it sealed.
///
/// # Errors
/// Database errors (a concurrent sealer included).
pub async fn seal_all(db: &Db) -> Result<usize, ipdr_persistence::repo::RepoError> {
    let mut total = 0;
    loop {
        let sealed = repo::seal(db, SystemClock.now(), SEAL_BATCH).await?;
        total += sealed;
        if (sealed as u64) < SEAL_BATCH {
            return Ok(total);
        }
    }
}
