//! `/api/v1/deadlines`: the deadlines of the caller's cases.
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::NaiveDate;
use ipdr_domain::case::deadlines::DeadlineRule;
use poem::web::Data;
use poem_openapi::param::Query;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};

use super::ApiTags;
use super::cases::views::DeadlineView;
use super::paging::{self, invalid_cursor};
use super::wire::DeadlineStatusName;
use crate::auth::BearerAuth;
use crate::error::{ApiResult, status};
use crate::problem::ApiProblem;
use crate::service::deadlines::{self, DeadlineCursor, DeadlineQuery};
use crate::state::AppState;

#[derive(Default)]
pub struct DeadlinesApi;

/// One page of deadlines, soonest first.
#[derive(Object)]
pub struct DeadlinePage {
    pub items: Vec<DeadlineView>,
    #[oai(skip_serializing_if_is_none)]
    pub next_cursor: Option<String>,
}

#[derive(ApiResponse)]
pub enum DeadlineList {
    /// Deadlines, soonest first.
    #[oai(status = 200)]
    Ok(Json<DeadlinePage>),
}

fn encode(cursor: &DeadlineCursor) -> String {
    URL_SAFE_NO_PAD.encode(format!(
        "{}|{}|{}|{}",
        cursor.due_on,
        cursor.case_id,
        cursor.rule.as_str(),
        cursor.subject
    ))
}

fn decode(raw: &str) -> Result<DeadlineCursor, ApiProblem> {
    let text = URL_SAFE_NO_PAD
        .decode(raw)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(invalid_cursor)?;
    let mut parts = text.splitn(4, '|');
    let due_on = parts
        .next()
        .and_then(|d| d.parse::<NaiveDate>().ok())
        .ok_or_else(invalid_cursor)?;
    let case_id = parts
        .next()
        .and_then(|c| c.parse::<uuid::Uuid>().ok())
        .ok_or_else(invalid_cursor)?;
    let rule = parts
        .next()
        .and_then(DeadlineRule::parse)
        .ok_or_else(invalid_cursor)?;
    let subject = parts.next().unwrap_or_default().to_owned();
    Ok(DeadlineCursor {
        due_on,
        case_id: case_id.into(),
        rule,
        subject,
    })
}

#[OpenApi(prefix_path = "/api/v1/deadlines", tag = "ApiTags::Deadlines")]
impl DeadlinesApi {
    /// List deadlines.
    ///
    /// The deadlines of the cases the caller may see (a mediator's or auditor's organisation,
    /// a court's referred cases), soonest first, each with its rule (R8, R15, R16, R19, R22, R24), its
    /// last day on the official working-day calendar and whether it is overdue. Filters:
    /// `status` (`open` by default — pass `met` for the met ones), `due_from` / `due_to`
    /// (inclusive dates), `overdue`.
    #[allow(
        clippy::too_many_arguments,
        reason = "poem-openapi takes one argument per query parameter"
    )]
    #[oai(path = "/", method = "get", operation_id = "list_deadlines")]
    async fn list_deadlines(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        status: Query<Option<DeadlineStatusName>>,
        due_from: Query<Option<NaiveDate>>,
        due_to: Query<Option<NaiveDate>>,
        overdue: Query<Option<bool>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] limit: Query<Option<u32>>,
        cursor: Query<Option<String>>,
    ) -> ApiResult<DeadlineList, { status::AUTHENTICATED | status::FORBIDDEN | status::BAD_REQUEST }>
    {
        let caller = caller.0;
        deadlines::may_list(&caller)?;
        let after = cursor.0.as_deref().map(decode).transpose()?;
        let query = DeadlineQuery {
            status: Some(status.0.unwrap_or(DeadlineStatusName::Open).into()),
            due_from: due_from.0,
            due_to: due_to.0,
            overdue: overdue.0,
        };
        let found = deadlines::list(
            &state,
            &caller,
            query,
            after.as_ref(),
            paging::limit(limit.0),
        )
        .await?;
        let today = found.today;
        Ok(DeadlineList::Ok(Json(DeadlinePage {
            items: found
                .items
                .into_iter()
                .map(|d| DeadlineView::new(d, today))
                .collect(),
            next_cursor: found.next.as_ref().map(encode),
        })))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deadline_cursor_round_trips() {
        let cursor = DeadlineCursor {
            due_on: NaiveDate::from_ymd_opt(2026, 2, 24).unwrap(),
            case_id: uuid::Uuid::now_v7().into(),
            rule: DeadlineRule::R24,
            subject: format!("{}/reconsideration", uuid::Uuid::now_v7()),
        };
        assert_eq!(decode(&encode(&cursor)).unwrap(), cursor);
        assert!(decode("bm9wZQ").is_err());
    }
}
