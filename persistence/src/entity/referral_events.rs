//! `referral_events`: a referral's timeline, the same steps on both nodes.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "referral_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub referral_id: Uuid,
    pub at: DateTimeUtc,
    /// The local date of the step at the node that took it: the clocks count from it.
    pub on_date: Date,
    /// The node that took the step.
    pub node: String,
    /// The role of the person who took it (no account ids cross nodes).
    pub role: String,
    /// `StepKind::as_str()`
    pub step: String,
    /// JSON object: the step's reason, note, question, answer, outcome, milestone.
    pub detail: String,
}

impl ActiveModelBehavior for ActiveModel {}
