//! The registry of partner nodes.
use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait, QueryOrder};
use serde::{Deserialize, Serialize};

use crate::entity::partner_nodes::{self, ActiveModel, Column, Entity};
use crate::repo::{Conflict, RepoError, json_text, parse_json, violates_unique};

/// One published Ed25519 public key of a node: its `kid` and the key as a JWK's `x`
/// (base64url, 32 bytes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicKey {
    pub kid: String,
    pub x: String,
}

/// A registered partner node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partner {
    pub node_id: String,
    pub name: String,
    pub city: String,
    pub base_url: String,
    pub keys: Vec<PublicKey>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn from_row(row: partner_nodes::Model) -> Result<Partner, RepoError> {
    Ok(Partner {
        keys: parse_json("partner keys", &row.public_keys)?,
        node_id: row.node_id,
        name: row.name,
        city: row.city,
        base_url: row.base_url,
        active: row.active,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

fn to_row(partner: &Partner) -> ActiveModel {
    ActiveModel {
        node_id: Set(partner.node_id.clone()),
        name: Set(partner.name.clone()),
        city: Set(partner.city.clone()),
        base_url: Set(partner.base_url.clone()),
        public_keys: Set(json_text(&partner.keys)),
        active: Set(partner.active),
        created_at: Set(partner.created_at),
        updated_at: Set(partner.updated_at),
    }
}

/// # Errors
/// [`Conflict::PartnerNode`] when the node is registered already; database errors.
pub async fn insert(db: &impl ConnectionTrait, partner: &Partner) -> Result<(), RepoError> {
    Entity::insert(to_row(partner))
        .exec_without_returning(db)
        .await
        .map_err(|e| {
            if violates_unique(&e, "partner_nodes_pkey", "partner_nodes", &["node_id"]) {
                RepoError::Conflict(Conflict::PartnerNode)
            } else {
                e.into()
            }
        })?;
    Ok(())
}

/// Replaces a registered node's details.
///
/// # Errors
/// Database errors.
pub async fn update(db: &impl ConnectionTrait, partner: &Partner) -> Result<(), RepoError> {
    Entity::update(to_row(partner)).exec(db).await?;
    Ok(())
}

/// # Errors
/// Database errors, corrupt rows.
pub async fn get(db: &impl ConnectionTrait, node_id: &str) -> Result<Option<Partner>, RepoError> {
    Entity::find_by_id(node_id.to_owned())
        .one(db)
        .await?
        .map(from_row)
        .transpose()
}

/// Every registered node, by id.
///
/// # Errors
/// Database errors, corrupt rows.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<Partner>, RepoError> {
    Entity::find()
        .order_by_asc(Column::NodeId)
        .all(db)
        .await?
        .into_iter()
        .map(from_row)
        .collect()
}
