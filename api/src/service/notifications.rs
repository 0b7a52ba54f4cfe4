//! Notices (issue 16): raised in the transaction of the change whose event they are of, and by
//! the deadline sweep; read and marked read by their recipients.
//!
//! Whom a notice goes to is the domain's table ([`ipdr_domain::notification`]); this module
//! resolves its audiences to the accounts that hold them at the time, leaves out the actor and
//! every account that is disabled or that the access policy does not let read the object, and
//! raises the notice once per recipient (the dedupe key: the event's place in the stream, or the
//! deadline's identity and lead).
use ipdr_domain::access::{Action, Decision, Principal, Resource, authorize};
use ipdr_domain::account::Role;
use ipdr_domain::case::confirmation::Application;
use ipdr_domain::case::stored::{Case, CaseDeadline};
use ipdr_domain::event::{By, DomainEvent, Subject};
use ipdr_domain::investigator::AssignmentStatus;
use ipdr_domain::notification::{self, Audience, Channel, NoticeKind};
use ipdr_domain::{AccountId, Status};
use ipdr_persistence::repo::accounts::{self, AccountFilter};
use ipdr_persistence::repo::cases::{self as case_repo, assignments, confirmations, investigators};
use ipdr_persistence::repo::federation::cooperation_agreements;
use ipdr_persistence::repo::federation::referrals::{self as referral_repo, Referral};
use ipdr_persistence::repo::notice_channels::{self as channels, NewDelivery};
use ipdr_persistence::repo::notifications::{self as repo, NewNotice};
use ipdr_persistence::{ConnectionTrait, begin_write};
use uuid::Uuid;

pub use ipdr_persistence::repo::notifications::Notice;

use crate::service::cases::case_ref;
use crate::service::error::{AppError, AppResult};
use crate::service::paging::{Page, PageRequest};
use crate::state::AppState;

/// What a notice is about, read in the change's transaction.
enum About {
    Case {
        case: Box<Case>,
        application: Option<Box<Application>>,
    },
    Referral(Box<Referral>),
}

impl About {
    async fn of(db: &impl ConnectionTrait, subject: &Subject) -> AppResult<Option<Self>> {
        Ok(match subject {
            Subject::Case(id) => case_repo::get(db, *id).await?.map(|case| Self::Case {
                case: Box::new(case),
                application: None,
            }),
            Subject::Application { id, case } => {
                let application = confirmations::get(db, *id).await?.map(Box::new);
                case_repo::get(db, *case).await?.map(|case| Self::Case {
                    case: Box::new(case),
                    application,
                })
            }
            Subject::Referral(id) => referral_repo::get(db, *id)
                .await?
                .map(|r| Self::Referral(Box::new(r))),
            _ => None,
        })
    }

    fn notice(&self, dedupe_key: String, kind: NoticeKind) -> NewNotice {
        match self {
            Self::Case { case, application } => NewNotice {
                dedupe_key,
                kind,
                case_id: Some(case.id),
                case_number: case.case_number.clone(),
                referral_id: None,
                rule: None,
                due_on: None,
                link: match application {
                    Some(a) => format!("/applications/{}", a.id),
                    None => format!("/cases/{}", case.id),
                },
            },
            Self::Referral(referral) => NewNotice {
                dedupe_key,
                kind,
                case_id: referral.case_id,
                case_number: None,
                referral_id: Some(referral.id),
                rule: None,
                due_on: None,
                link: format!("/referrals/{}", referral.id),
            },
        }
    }

    /// The accounts holding `audience` now (`concerned`: the one the event is about).
    async fn holders(
        &self,
        db: &impl ConnectionTrait,
        audience: Audience,
        concerned: Option<AccountId>,
    ) -> AppResult<Vec<AccountId>> {
        Ok(match (self, audience) {
            (_, Audience::Concerned) => concerned.into_iter().collect(),
            (Self::Case { case, .. }, Audience::CaseMediators) => assignments::of_case(db, case.id)
                .await?
                .into_iter()
                .map(|a| a.account_id)
                .collect(),
            (Self::Case { case, .. }, Audience::CaseInvestigators) => {
                investigators::assignments_of_case(db, case.id)
                    .await?
                    .into_iter()
                    .filter(|a| a.status != AssignmentStatus::Ended)
                    .map(|a| a.investigator_id)
                    .collect()
            }
            (Self::Case { case, application }, Audience::Court) => {
                let court = match application {
                    Some(a) => Some(a.court_id),
                    None => confirmations::pending_of_case(db, case.id)
                        .await?
                        .first()
                        .map(|a| a.court_id)
                        .or(case.referring_court_id),
                };
                match court {
                    Some(court) => court_accounts(db, court).await?,
                    None => Vec::new(),
                }
            }
            (Self::Referral(referral), Audience::LiaisonOfficers) => {
                cooperation_agreements::by_code(db, &referral.agreement_code)
                    .await?
                    .map(|a| a.liaisons)
                    .unwrap_or_default()
            }
            _ => Vec::new(),
        })
    }

    /// Whether `reader` may read what the notice is about (the access policy, as for a read).
    async fn readable_by(&self, db: &impl ConnectionTrait, reader: &Principal) -> AppResult<bool> {
        let resource = match self {
            Self::Case { case, .. } => Resource::Case(case_ref(db, reader, case).await?),
            Self::Referral(referral) => Resource::Referral(
                crate::service::referrals::referral_ref(db, reader, referral).await?,
            ),
        };
        Ok(authorize(reader, Action::Read, &resource) == Decision::Allow)
    }

    /// The holders of `audiences`, once each, without `actor`, active, and allowed to read it.
    async fn recipients(
        &self,
        db: &impl ConnectionTrait,
        audiences: &[Audience],
        concerned: Option<AccountId>,
        actor: Option<AccountId>,
    ) -> AppResult<Vec<Principal>> {
        let mut candidates = Vec::new();
        for audience in audiences {
            for account in self.holders(db, *audience, concerned).await? {
                if Some(account) != actor && !candidates.contains(&account) {
                    candidates.push(account);
                }
            }
        }
        let mut recipients = Vec::new();
        for account in candidates {
            let Some(auth) = accounts::load_auth(db, account).await? else {
                continue;
            };
            if auth.active && self.readable_by(db, &auth.principal).await? {
                recipients.push(auth.principal);
            }
        }
        Ok(recipients)
    }
}

/// The active court accounts of `court`.
async fn court_accounts(
    db: &impl ConnectionTrait,
    court: ipdr_domain::OrganizationId,
) -> AppResult<Vec<AccountId>> {
    let filter = AccountFilter {
        role: Some(Role::Court),
        organization_id: Some(court),
        status: Some(Status::Active),
    };
    let mut found = Vec::new();
    let mut after = None;
    loop {
        let page = accounts::list(db, &filter, PageRequest { after, limit: 200 }).await?;
        found.extend(page.items.iter().map(|a| a.id));
        match page.next_after {
            Some(next) => after = Some(next),
            None => return Ok(found),
        }
    }
}

/// A notice as it is e-mailed and posted to webhooks: what it is of and where to look, never
/// anything personal.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NoticePayload {
    /// `NoticeKind::as_str()`
    pub kind: String,
    pub case_id: Option<Uuid>,
    pub case_number: Option<String>,
    pub referral_id: Option<Uuid>,
    /// The deadline's rule (`R8` …), for a deadline's notice.
    pub rule: Option<String>,
    /// The deadline's last day (`2026-10-09`), for a deadline's notice.
    pub due_on: Option<String>,
    /// The console path it links to.
    pub link: String,
}

impl NoticePayload {
    fn of(notice: &NewNotice) -> Self {
        Self {
            kind: notice.kind.as_str().to_owned(),
            case_id: notice.case_id.map(|c| c.as_uuid()),
            case_number: notice.case_number.clone(),
            referral_id: notice.referral_id,
            rule: notice.rule.map(|r| r.as_str().to_owned()),
            due_on: notice.due_on.map(|d| d.to_string()),
            link: notice.link.clone(),
        }
    }
}

/// The choices of `owner` as the domain's preference rule reads them.
async fn choices_of(
    db: &impl ConnectionTrait,
    owner: Uuid,
) -> AppResult<Vec<(NoticeKind, Channel, bool)>> {
    Ok(channels::preferences(db, owner)
        .await?
        .into_iter()
        .map(|p| (p.kind, p.channel, p.enabled))
        .collect())
}

/// Raises `notice` for `recipients` on every channel they want it on: in the app, by e-mail
/// when the account has an address, and to each of their organisations' webhooks. In the
/// caller's transaction; each (notice, recipient, channel) once, however often it is raised.
/// Returns how many notices and deliveries it wrote (0 when all were raised before).
async fn dispatch(
    db: &impl ConnectionTrait,
    notice: &NewNotice,
    recipients: &[Principal],
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<u64> {
    let kind = notice.kind;
    let payload = serde_json::to_string(&NoticePayload::of(notice))
        .map_err(|e| AppError::internal(e.to_string()))?;
    let mut in_app = Vec::new();
    let mut deliveries = Vec::new();
    let mut organizations: Vec<ipdr_domain::OrganizationId> = Vec::new();
    for principal in recipients {
        let account = choices_of(db, principal.account_id.as_uuid()).await?;
        let organization = choices_of(db, principal.organization_id.as_uuid()).await?;
        if notification::wanted(&account, &organization, kind, Channel::InApp) {
            in_app.push(principal.account_id);
        }
        let addressed = channels::settings(db, principal.account_id)
            .await?
            .is_some_and(|s| s.email.is_some());
        if addressed && notification::wanted(&account, &organization, kind, Channel::Email) {
            deliveries.push(NewDelivery {
                dedupe_key: notice.dedupe_key.clone(),
                channel: Channel::Email,
                recipient: principal.account_id.as_uuid(),
                kind,
                payload: payload.clone(),
            });
        }
        if !organizations.contains(&principal.organization_id) {
            organizations.push(principal.organization_id);
        }
    }
    for organization in organizations {
        let choices = choices_of(db, organization.as_uuid()).await?;
        if channels::webhook(db, organization).await?.is_some()
            && notification::wanted(&[], &choices, kind, Channel::Webhook)
        {
            deliveries.push(NewDelivery {
                dedupe_key: notice.dedupe_key.clone(),
                channel: Channel::Webhook,
                recipient: organization.as_uuid(),
                kind,
                payload: payload.clone(),
            });
        }
    }
    let raised = repo::raise(db, notice, &in_app, now).await?;
    // Operational time, not the business clock: the workers compare with the real now.
    let queued = channels::enqueue(db, &deliveries, chrono::Utc::now()).await?;
    Ok(raised + queued)
}

/// Raises the notices `event` calls for (stream position `seq`), in the transaction of its
/// change: nothing is told of a change that does not commit, and a change is never committed
/// without its notices.
///
/// # Errors
/// `Internal`; the change then commits nothing.
pub async fn on_event(db: &impl ConnectionTrait, event: &DomainEvent, seq: i64) -> AppResult<()> {
    let Some(row) = notification::raised(event.kind(), &event.by) else {
        return Ok(());
    };
    let Some(about) = About::of(db, event.subject()).await? else {
        return Ok(());
    };
    let actor = match event.by {
        By::Account { id, .. } => Some(id),
        By::Platform | By::Partner { .. } => None,
    };
    let recipients = about
        .recipients(db, row.audience, event.concerns, actor)
        .await?;
    let notice = about.notice(format!("event:{seq}"), row.notice);
    dispatch(db, &notice, &recipients, event.at).await?;
    Ok(())
}

/// The key of a case deadline's notice: the deadline's identity (case, rule, subject) and the
/// notice's own key (its lead or the breach, with the due day).
fn deadline_key(deadline: &CaseDeadline, notice: notification::DeadlineNotice) -> String {
    format!(
        "deadline:{}:{}:{}:{}",
        deadline.case_id,
        deadline.rule,
        deadline.subject.as_deref().unwrap_or("-"),
        notice.key(deadline.due_on)
    )
}

/// How many calendar days after its last day a breached deadline is still told.
pub const BREACH_WINDOW: u64 = 30;

/// What one run of the deadline sweep did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Swept {
    /// Open deadlines looked at.
    pub deadlines: usize,
    /// Notices due in this run; one raised by an earlier run writes no row again.
    pub notices: usize,
    /// Notices and deliveries this run wrote: 0 when earlier runs raised all that was due.
    pub written: u64,
}

/// The deadline sweep: for every open deadline whose lead day has come (or whose last day has
/// passed), the notice due today, to the people accountable for it. Idempotent: each notice
/// has its dedupe key, so a second run — after a restart, or on another replica at the same
/// time — raises nothing new.
///
/// # Errors
/// `Internal`.
pub async fn sweep_deadlines(state: &AppState) -> AppResult<Swept> {
    let today = state.clock.today();
    let now = state.clock.now();
    let calendar = ipdr_persistence::repo::calendar::load(&state.db).await?;
    let leads = state.notices.leads.as_slice();
    let furthest = leads.iter().copied().max().unwrap_or(0);
    // Every open deadline due within the longest lead: a lead of n working days is never more
    // than 3n + 14 calendar days before the last day (the longest holiday is 8–9 days).
    let horizon = today
        .checked_add_days(chrono::Days::new(u64::from(furthest) * 3 + 14))
        .unwrap_or(today);
    // A breach is told within BREACH_WINDOW days of the last day: a deadline long past when
    // notices began (or the sweep was down for longer) is not announced late.
    let since = today
        .checked_sub_days(chrono::Days::new(BREACH_WINDOW))
        .unwrap_or(today);
    let due = case_repo::deadlines::open_due_between(&state.db, since, horizon).await?;
    let clocks = referral_repo::running_due_between(&state.db, since, horizon).await?;
    let mut swept = Swept {
        deadlines: due.len() + clocks.len(),
        notices: 0,
        written: 0,
    };
    for deadline in &due {
        for notice in notification::due_notices(&calendar, deadline.due_on, today, leads) {
            // The notice and its deliveries together, or neither.
            let txn = begin_write(&state.db).await?;
            let Some(case) = case_repo::get(&txn, deadline.case_id).await? else {
                continue;
            };
            let about = About::Case {
                case: Box::new(case),
                application: None,
            };
            let audience = notification::deadline_audience(deadline.rule);
            let recipients = about.recipients(&txn, audience, None, None).await?;
            let mut raised = about.notice(deadline_key(deadline, notice), notice.kind());
            raised.rule = Some(deadline.rule);
            raised.due_on = Some(deadline.due_on);
            swept.written += dispatch(&txn, &raised, &recipients, now).await?;
            ipdr_persistence::commit(txn).await?;
            swept.notices += 1;
        }
    }
    // R26, R28: a referral's running clocks, to the liaison officers of its agreement.
    for clock in &clocks {
        for notice in notification::due_notices(&calendar, clock.due_on, today, leads) {
            let txn = begin_write(&state.db).await?;
            let Some(referral) = referral_repo::get(&txn, clock.referral_id).await? else {
                continue;
            };
            let about = About::Referral(Box::new(referral));
            let audience = notification::REFERRAL_CLOCK_AUDIENCE;
            let recipients = about.recipients(&txn, audience, None, None).await?;
            let key = format!(
                "clock:{}:{}:{}",
                clock.referral_id,
                clock.clock.as_str(),
                notice.key(clock.due_on)
            );
            let mut raised = about.notice(key, notice.kind());
            raised.due_on = Some(clock.due_on);
            swept.written += dispatch(&txn, &raised, &recipients, now).await?;
            ipdr_persistence::commit(txn).await?;
            swept.notices += 1;
        }
    }
    Ok(swept)
}

/// One page of the caller's notices, newest first, with how many are unread.
///
/// # Errors
/// `Internal`.
pub async fn list(
    state: &AppState,
    caller: &Principal,
    unread_only: bool,
    page: PageRequest,
) -> AppResult<(Page<Notice>, u64)> {
    let found = repo::list(&state.db, caller.account_id, unread_only, page).await?;
    let unread = repo::unread(&state.db, caller.account_id).await?;
    Ok((found, unread))
}

/// How many of the caller's notices are unread.
///
/// # Errors
/// `Internal`.
pub async fn unread(state: &AppState, caller: &Principal) -> AppResult<u64> {
    Ok(repo::unread(&state.db, caller.account_id).await?)
}

/// Marks one of the caller's notices read.
///
/// # Errors
/// `NotFound` when the caller has no such notice (another account's too); `Internal`.
pub async fn mark_read(state: &AppState, caller: &Principal, id: Uuid) -> AppResult<()> {
    if repo::mark_read(&state.db, caller.account_id, id, state.clock.now()).await? {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// Marks all of the caller's notices read; how many were unread.
///
/// # Errors
/// `Internal`.
pub async fn mark_all_read(state: &AppState, caller: &Principal) -> AppResult<u64> {
    Ok(repo::mark_all_read(&state.db, caller.account_id, state.clock.now()).await?)
}
