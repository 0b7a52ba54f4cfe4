//! `/api/v1/cases/{id}/assignments`: the mediators working on a case.
use chrono::{DateTime, Utc};
use ipdr_domain::access::Action;
use ipdr_domain::case::stored::Assignment;
use ipdr_domain::{AccountId, CaseId};
use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::BearerAuth;
use crate::body::JsonBody;
use crate::error::{ApiResult, status};
use crate::service;
use crate::state::AppState;
use crate::v1::ApiTags;

#[derive(Default)]
pub struct CaseAssignmentsApi;

/// A mediator to assign.
#[derive(Object, Deserialize)]
#[oai(deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct AssignRequest {
    /// An active mediator of the organisation handling the case.
    pub account_id: Uuid,
}

/// A mediator assigned to the case.
#[derive(Object)]
pub struct AssignmentView {
    pub account_id: Uuid,
    pub assigned_by: Uuid,
    pub assigned_at: DateTime<Utc>,
}

/// The mediators now assigned.
#[derive(Object)]
pub struct AssignmentsView {
    pub case_id: Uuid,
    pub assignments: Vec<AssignmentView>,
}

#[derive(ApiResponse)]
pub enum AssignmentsChanged {
    /// The mediators now assigned.
    #[oai(status = 200)]
    Ok(Json<AssignmentsView>),
}

fn view(case_id: CaseId, all: Vec<Assignment>) -> AssignmentsChanged {
    AssignmentsChanged::Ok(Json(AssignmentsView {
        case_id: case_id.as_uuid(),
        assignments: all
            .into_iter()
            .map(|a| AssignmentView {
                account_id: a.account_id.as_uuid(),
                assigned_by: a.assigned_by.as_uuid(),
                assigned_at: a.assigned_at,
            })
            .collect(),
    }))
}

#[OpenApi(prefix_path = "/api/v1/cases", tag = "ApiTags::Cases")]
impl CaseAssignmentsApi {
    /// Assign a mediator.
    ///
    /// Adds a mediator of the handling organisation to the case (a case may have several; the
    /// mediator who opened it is assigned from the start). Refused on a closed case (R5).
    #[oai(
        path = "/:id/assignments",
        method = "post",
        operation_id = "assign_mediator"
    )]
    async fn assign_mediator(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
        body: JsonBody<AssignRequest>,
    ) -> ApiResult<
        AssignmentsChanged,
        {
            status::AUTHENTICATED
                | status::FORBIDDEN
                | status::NOT_FOUND
                | status::CONFLICT
                | status::JSON_BODY
        },
    > {
        let case =
            service::cases::authorized(&state, &caller.0, CaseId::from(id.0), Action::Update)
                .await?;
        let all =
            service::files::assign(&state, &caller.0, &case, AccountId::from(body.0.account_id))
                .await?;
        Ok(view(case.id, all))
    }

    /// Unassign a mediator.
    ///
    /// Removes a mediator from the case; 404 when they were not assigned.
    #[oai(
        path = "/:id/assignments/:account_id",
        method = "delete",
        operation_id = "unassign_mediator"
    )]
    async fn unassign_mediator(
        &self,
        state: Data<&AppState>,
        caller: BearerAuth,
        id: Path<Uuid>,
        account_id: Path<Uuid>,
    ) -> ApiResult<
        AssignmentsChanged,
        { status::AUTHENTICATED | status::FORBIDDEN | status::NOT_FOUND | status::CONFLICT },
    > {
        let case =
            service::cases::authorized(&state, &caller.0, CaseId::from(id.0), Action::Update)
                .await?;
        let all = service::files::unassign(&state, &caller.0, &case, AccountId::from(account_id.0))
            .await?;
        Ok(view(case.id, all))
    }
}
