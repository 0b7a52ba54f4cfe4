//! Referrals as local users read them: one referral with its clocks and timeline, a page of
//! those the caller may see, and the same after sending one or taking a step.
use ipdr_domain::access::{Action, Principal, ReferralScope, Resource, authorize, referral_scope};
use ipdr_persistence::ConnectionTrait;
use ipdr_persistence::repo::federation::cooperation_agreements;
use ipdr_persistence::repo::federation::referrals::{self, Visible};
use uuid::Uuid;

pub use ipdr_persistence::repo::federation::referrals::{
    Referral, ReferralDeadline, ReferralEvent, ReferralFilter,
};
pub use ipdr_persistence::repo::{Page, PageRequest};

use super::{OpenCase, Sending, authorized, send, take_step};
use crate::federation::message::Step;
use crate::service::error::{AppError, AppResult, permit};
use crate::state::AppState;

/// A referral with its clocks and its timeline.
pub struct ReferralDetail {
    pub referral: Referral,
    pub clocks: Vec<ReferralDeadline>,
    pub events: Vec<ReferralEvent>,
}

/// A referral in a list: with its clocks, without its timeline.
pub struct ListedReferral {
    pub referral: Referral,
    pub clocks: Vec<ReferralDeadline>,
}

async fn detail(db: &impl ConnectionTrait, referral: Referral) -> AppResult<ReferralDetail> {
    let clocks = referrals::deadlines(db, referral.id).await?;
    let events = referrals::events(db, referral.id).await?;
    Ok(ReferralDetail {
        referral,
        clocks,
        events,
    })
}

/// Checks that `caller` may send referrals at all. Asked before an idempotent replay too, so
/// that an answer stored for a request is given only to a caller still allowed to make it.
///
/// # Errors
/// `Forbidden` for anyone but liaison officers and mediators.
pub fn may_send(caller: &Principal) -> AppResult<()> {
    permit(authorize(caller, Action::Create, &Resource::Referrals))
}

/// Sends a referral (see [`send`]) in `db`'s transaction, and reads it back with its clocks
/// and timeline in the same transaction.
///
/// # Errors
/// As [`send`]: `Forbidden`; `Invalid` naming the agreement clause that refuses it, an
/// unregistered partner, or bad fields; `NotFound` for a case the caller cannot see; `Internal`.
pub async fn send_referral(
    db: &impl ConnectionTrait,
    state: &AppState,
    caller: &Principal,
    sending: Sending,
) -> AppResult<ReferralDetail> {
    let referral = send(db, state, caller, sending).await?;
    detail(db, referral).await
}

/// One referral the caller may read, with its clocks and timeline.
///
/// # Errors
/// `NotFound` when missing or not the caller's to see; `Forbidden`; `Internal`.
pub async fn read_referral(
    state: &AppState,
    caller: &Principal,
    id: Uuid,
) -> AppResult<ReferralDetail> {
    let referral = authorized(&state.db, caller, id, Action::Read, false).await?;
    detail(&state.db, referral).await
}

/// Takes a step on a referral (see [`take_step`]) and reads it back with its clocks and
/// timeline.
///
/// # Errors
/// As [`take_step`]: `NotFound`/`Forbidden` by the policy; `Stale` when `if_match` is stale;
/// `Refused` when the step does not follow or is the other node's; `Invalid` for bad fields or
/// a case that cannot be opened; `Internal`.
pub async fn take_referral_step(
    state: &AppState,
    caller: &Principal,
    id: Uuid,
    if_match: Option<i64>,
    step: Step,
    open_case: Option<OpenCase>,
) -> AppResult<ReferralDetail> {
    let referral = take_step(state, caller, id, if_match, step, open_case).await?;
    detail(&state.db, referral).await
}

/// One page of the referrals the caller may see (the access policy's [`referral_scope`]),
/// oldest first, each with its clocks (read in one query for the page).
///
/// `page` is the page asked for, as the adapter read it: its own error for a malformed one is
/// returned as it is, once the caller is known to be allowed to list.
///
/// # Errors
/// `Forbidden` for anyone but liaison officers and mediators; then `page`'s error; `Internal`.
pub async fn list_referrals<E: From<AppError>>(
    state: &AppState,
    caller: &Principal,
    filter: &ReferralFilter,
    page: Result<PageRequest, E>,
) -> Result<Page<ListedReferral>, E> {
    permit(authorize(caller, Action::List, &Resource::Referrals))?;
    let page = page?;
    Ok(list_page(state, caller, filter, page).await?)
}

async fn list_page(
    state: &AppState,
    caller: &Principal,
    filter: &ReferralFilter,
    page: PageRequest,
) -> AppResult<Page<ListedReferral>> {
    let visible = match referral_scope(caller) {
        ReferralScope::Liaison(account) => Visible::Liaison {
            account,
            agreement_codes: cooperation_agreements::codes_for_liaison(&state.db, account).await?,
        },
        ReferralScope::Mediator {
            account,
            organization,
        } => Visible::Mediator {
            account,
            organization,
        },
        ReferralScope::Nothing => {
            return Ok(Page {
                items: Vec::new(),
                next_after: None,
            });
        }
    };
    let found = referrals::list(&state.db, &visible, filter, page).await?;
    let ids: Vec<Uuid> = found.items.iter().map(|r| r.id).collect();
    let mut clocks = referrals::deadlines_of(&state.db, &ids).await?;
    Ok(Page {
        items: found
            .items
            .into_iter()
            .map(|referral| ListedReferral {
                clocks: clocks.remove(&referral.id).unwrap_or_default(),
                referral,
            })
            .collect(),
        next_after: found.next_after,
    })
}

/// The referrals waiting for `caller`'s answer, at most `limit` of each status: those in a
/// status where the domain offers the caller's end a step ([`ipdr_domain::referral::offered`])
/// and the policy lets the caller take it.
///
/// # Errors
/// `Forbidden` for anyone who may not list referrals; `Internal`.
pub async fn awaiting_answer(
    state: &AppState,
    caller: &Principal,
    limit: u64,
) -> AppResult<Vec<ListedReferral>> {
    use ipdr_domain::referral::{End, ReferralStatus, offered};
    permit(authorize(caller, Action::List, &Resource::Referrals))?;
    let answerable = ReferralStatus::ALL.iter().copied().filter(|status| {
        [End::Sender, End::Receiver]
            .into_iter()
            .any(|end| !offered(*status, end).is_empty())
    });
    let mut waiting = Vec::new();
    for status in answerable {
        let filter = ReferralFilter {
            direction: None,
            status: Some(status),
            overdue_on: None,
        };
        let page = PageRequest { after: None, limit };
        for listed in list_page(state, caller, &filter, page).await?.items {
            let referral = &listed.referral;
            if !offered(referral.status, referral.direction.local_end()).is_empty()
                && may_answer(state, caller, referral).await?
            {
                waiting.push(listed);
            }
        }
    }
    Ok(waiting)
}

/// Whether `caller` may take steps on `referral` (the policy; which steps follow is the
/// domain's [`ipdr_domain::referral::offered`]).
///
/// # Errors
/// `Internal`.
pub async fn may_answer(
    state: &AppState,
    caller: &Principal,
    referral: &Referral,
) -> AppResult<bool> {
    let reference = super::referral_ref(&state.db, caller, referral).await?;
    Ok(
        authorize(caller, Action::Update, &Resource::Referral(reference))
            == ipdr_domain::access::Decision::Allow,
    )
}

/// The agreements `caller` may send a referral under today: in force, with a registered,
/// active partner (the scope of each is checked again when the referral is sent).
///
/// # Errors
/// `Forbidden` for anyone who may not send referrals; `Internal`.
pub async fn sendable_agreements(
    state: &AppState,
    caller: &Principal,
) -> AppResult<Vec<cooperation_agreements::CooperationAgreement>> {
    may_send(caller)?;
    let today = state.clock.today();
    let mut usable = Vec::new();
    for agreement in cooperation_agreements::list(&state.db).await? {
        let active =
            agreement.scope.status_on(today) == ipdr_domain::referral::AgreementStatus::Active;
        let partner =
            ipdr_persistence::repo::federation::partners::get(&state.db, &agreement.partner_node)
                .await?;
        if active && partner.is_some_and(|p| p.active) {
            usable.push(agreement);
        }
    }
    Ok(usable)
}

/// Sends a referral in its own unit of work (see [`send`]) and wakes the delivery worker: the
/// shape of a caller that has no idempotency key to honour (the console).
///
/// # Errors
/// As [`send`].
pub async fn send_new(
    state: &AppState,
    caller: &Principal,
    sending: Sending,
) -> AppResult<Referral> {
    may_send(caller)?;
    let txn = ipdr_persistence::begin_write(&state.db).await?;
    let referral = send(&txn, state, caller, sending).await?;
    crate::service::unit_of_work::commit(txn).await?;
    state.outbox_wake.notify_one();
    Ok(referral)
}

/// The active organisations here that handle cases, where accepting a referral may open one.
///
/// # Errors
/// `Forbidden` for anyone who may not work referrals; `Internal`.
pub async fn case_handlers(
    state: &AppState,
    caller: &Principal,
) -> AppResult<Vec<ipdr_domain::organization::Organization>> {
    permit(authorize(caller, Action::List, &Resource::Referrals))?;
    crate::service::organizations::handling(state, ipdr_domain::case::Track::ALL).await
}
