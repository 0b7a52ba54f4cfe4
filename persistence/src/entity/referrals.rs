//! `referrals`: this node's copy of a referral it sent or received.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "referrals")]
pub struct Model {
    /// Chosen by the sending node; the same on both nodes.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// `outgoing` or `incoming`.
    pub direction: String,
    pub partner_node: String,
    pub agreement_code: String,
    pub kind: String,
    pub ip_type: String,
    pub right_identifier: Option<String>,
    pub summary: String,
    /// JSON array of `{side, name, credit_code}`: what the receiver needs of the parties.
    pub parties: String,
    /// JSON array of `{name, sha256, size}`: the documents' digests, not their content.
    pub documents: String,
    /// The local case it concerns: the one it was sent from, or the one opened on acceptance.
    pub case_id: Option<Uuid>,
    /// The receiving node's case number, once it opened a case for it.
    pub partner_case_number: Option<String>,
    /// The local account that sent it (outgoing only).
    pub sent_by: Option<Uuid>,
    pub sent_on: Date,
    pub status: String,
    pub decline_reason: Option<String>,
    pub outcome: Option<String>,
    /// The sequence number of the last message this node emitted about the referral.
    pub local_seq: i64,
    /// The sequence number of the last message applied from the partner.
    pub peer_seq: i64,
    pub version: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
