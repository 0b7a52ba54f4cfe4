//! The node's Ed25519 keys, and the short-lived federation tokens signed with them.
//!
//! The newest unretired node key signs; every unretired one is published at
//! `GET /federation/v1/node`, so a rotated key keeps verifying at partners until it is retired
//! (`ipdr keys rotate --node`, later `ipdr keys retire KID`). A federation token says who sends
//! (`iss`), to whom (`aud`), which message (`jti`) and the SHA-256 of the exact body
//! (`body_sha256`), lives at most [`MAX_LIFETIME_SECONDS`], and is only ever accepted on
//! `/federation/v1/messages` — user routes pin HS256 and refuse it, and this verifier pins
//! EdDSA and refuses user tokens.
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;
use ed25519_dalek::SigningKey;
use ed25519_dalek::pkcs8::EncodePrivateKey;
use ipdr_persistence::Db;
use ipdr_persistence::repo::federation::partners::{self, Partner, PublicKey};
use ipdr_persistence::repo::signing_keys;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::auth::tokens::LEEWAY_SECONDS;

/// The algorithm of node keys, pinned.
pub const ALGORITHM: Algorithm = Algorithm::EdDSA;
/// How the node keys are marked in `signing_keys`.
pub const KEY_ALGORITHM: &str = "EdDSA";
/// Lifetime of the tokens this node signs.
pub const TOKEN_SECONDS: i64 = 60;
/// The longest lifetime accepted from a partner.
pub const MAX_LIFETIME_SECONDS: i64 = 300;

/// The claims of a federation token.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PeerClaims {
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
    /// The message id.
    pub jti: String,
    /// SHA-256 (hex) of the request body the token was signed for.
    pub body_sha256: String,
}

/// Why a federation token was refused (logged, never returned: every refusal is a plain 401).
#[derive(Debug, thiserror::Error)]
pub enum PeerRejection {
    #[error("malformed token: {0}")]
    Malformed(jsonwebtoken::errors::Error),
    #[error("algorithm {0:?} is not accepted")]
    Algorithm(Algorithm),
    #[error("no kid")]
    NoKid,
    #[error("issuer is not an active partner")]
    UnknownPartner,
    #[error("the partner has no key with this kid")]
    UnknownKid,
    #[error("invalid: {0}")]
    Invalid(jsonwebtoken::errors::Error),
    #[error("lifetime too long")]
    TooLong,
    #[error("the body is not the one signed")]
    BodyMismatch,
    #[error("database: {0}")]
    Database(#[from] ipdr_persistence::RepoError),
}

struct Keys {
    signing: Option<(String, EncodingKey)>,
    published: Vec<PublicKey>,
}

/// This node's keys, cached and re-read every `refresh` (rotations by the CLI or another
/// process take effect without a restart).
pub struct NodeKeys {
    db: Db,
    refresh: Duration,
    keys: RwLock<(Instant, Arc<Keys>)>,
}

/// A fresh Ed25519 key: its `kid` and its 32-byte seed (what `signing_keys` stores).
pub fn generate() -> (String, Vec<u8>) {
    let (kid, seed) = crate::auth::tokens::generate_key();
    (format!("n{}", &kid[1..]), seed)
}

/// The public half of a stored seed, as a JWK `x`.
///
/// # Errors
/// The seed is not 32 bytes.
pub fn public_key(seed: &[u8]) -> anyhow::Result<String> {
    let seed: [u8; 32] = seed
        .try_into()
        .map_err(|_| anyhow::anyhow!("a node key seed has 32 bytes"))?;
    Ok(URL_SAFE_NO_PAD.encode(SigningKey::from_bytes(&seed).verifying_key().to_bytes()))
}

pub fn encoding_key(seed: &[u8]) -> anyhow::Result<EncodingKey> {
    let seed: [u8; 32] = seed
        .try_into()
        .map_err(|_| anyhow::anyhow!("a node key seed has 32 bytes"))?;
    let der = SigningKey::from_bytes(&seed)
        .to_pkcs8_der()
        .map_err(|e| anyhow::anyhow!("encoding the node key: {e}"))?;
    Ok(EncodingKey::from_ed_der(der.as_bytes()))
}

/// Signs a federation token for one message body.
///
/// # Errors
/// Encoding failed.
pub fn sign(
    kid: &str,
    key: &EncodingKey,
    issuer: &str,
    audience: &str,
    message_id: uuid::Uuid,
    body: &[u8],
) -> anyhow::Result<String> {
    let now = Utc::now().timestamp();
    let claims = PeerClaims {
        iss: issuer.to_owned(),
        aud: audience.to_owned(),
        iat: now,
        nbf: now,
        exp: now + TOKEN_SECONDS,
        jti: message_id.to_string(),
        body_sha256: ipdr_domain::sha256_hex(body),
    };
    let mut header = Header::new(ALGORITHM);
    header.kid = Some(kid.to_owned());
    Ok(jsonwebtoken::encode(&header, &claims, key)?)
}

impl NodeKeys {
    /// Loads the node keys, creating the first one on a fresh database.
    ///
    /// # Errors
    /// Database errors, a corrupt key.
    pub async fn load(db: Db, refresh: Duration) -> anyhow::Result<Arc<Self>> {
        let keys = Self::read(&db).await?;
        let keys = if keys.signing.is_none() {
            let kid = rotate(&db).await?;
            tracing::info!(%kid, "node signing key created");
            Self::read(&db).await?
        } else {
            keys
        };
        Ok(Arc::new(Self {
            db,
            refresh,
            keys: RwLock::new((Instant::now(), Arc::new(keys))),
        }))
    }

    async fn read(db: &Db) -> anyhow::Result<Keys> {
        let rows: Vec<_> = signing_keys::unretired(db)
            .await?
            .into_iter()
            .filter(|k| k.algorithm == KEY_ALGORITHM)
            .collect();
        let signing = match rows.first() {
            Some(k) => Some((k.kid.clone(), encoding_key(&k.secret)?)),
            None => None,
        };
        let published = rows
            .iter()
            .map(|k| {
                Ok(PublicKey {
                    kid: k.kid.clone(),
                    x: public_key(&k.secret)?,
                })
            })
            .collect::<anyhow::Result<_>>()?;
        Ok(Keys { signing, published })
    }

    async fn current(&self) -> Arc<Keys> {
        let (read_at, keys) = {
            let guard = self
                .keys
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            (guard.0, guard.1.clone())
        };
        if read_at.elapsed() < self.refresh {
            return keys;
        }
        match Self::read(&self.db).await {
            Ok(fresh) => {
                let fresh = Arc::new(fresh);
                *self
                    .keys
                    .write()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) =
                    (Instant::now(), fresh.clone());
                fresh
            }
            Err(e) => {
                tracing::warn!(error = %e, "could not re-read the node keys");
                keys
            }
        }
    }

    /// The published public keys, newest first.
    pub async fn published(&self) -> Vec<PublicKey> {
        self.current().await.published.clone()
    }

    /// Signs a token from `issuer` to `audience` for one message body.
    ///
    /// # Errors
    /// Every node key is retired, or encoding failed.
    pub async fn sign(
        &self,
        issuer: &str,
        audience: &str,
        message_id: uuid::Uuid,
        body: &[u8],
    ) -> anyhow::Result<String> {
        let keys = self.current().await;
        let (kid, key) = keys
            .signing
            .as_ref()
            .ok_or_else(|| anyhow::anyhow!("no node key; run `ipdr keys rotate --node`"))?;
        sign(kid, key, issuer, audience, message_id, body)
    }
}

/// Adds a new node key; the previous ones stay published until retired.
///
/// # Errors
/// Database errors.
pub async fn rotate(db: &Db) -> anyhow::Result<String> {
    let (kid, seed) = generate();
    signing_keys::insert(db, kid.clone(), KEY_ALGORITHM, seed, Utc::now()).await?;
    Ok(kid)
}

#[derive(Deserialize)]
struct Issuer {
    iss: String,
}

/// Verifies a partner's token for a message addressed to `own_node`: the algorithm (EdDSA
/// only), the issuer (an active registered partner), its key (`kid`), the signature, `aud`,
/// `exp`/`nbf` with leeway, a short lifetime, and that `body` is what was signed.
///
/// # Errors
/// Why the token is refused.
pub async fn verify_peer(
    db: &Db,
    own_node: &str,
    token: &str,
    body: &[u8],
) -> Result<(Partner, PeerClaims), PeerRejection> {
    let header = jsonwebtoken::decode_header(token).map_err(PeerRejection::Malformed)?;
    if header.alg != ALGORITHM {
        return Err(PeerRejection::Algorithm(header.alg));
    }
    let kid = header.kid.ok_or(PeerRejection::NoKid)?;
    // The issuer only picks the key; the signature check below is what trusts it.
    let claimed: Issuer =
        jsonwebtoken::dangerous::insecure_decode_claims(token).map_err(PeerRejection::Malformed)?;
    let partner = partners::get(db, &claimed.iss)
        .await?
        .filter(|p| p.active)
        .ok_or(PeerRejection::UnknownPartner)?;
    let key = partner
        .keys
        .iter()
        .find(|k| k.kid == kid)
        .ok_or(PeerRejection::UnknownKid)?;
    let key = DecodingKey::from_ed_components(&key.x).map_err(PeerRejection::Malformed)?;
    let mut validation = Validation::new(ALGORITHM);
    validation.leeway = LEEWAY_SECONDS;
    validation.validate_exp = true;
    validation.validate_nbf = true;
    validation.set_issuer(&[&partner.node_id]);
    validation.set_audience(&[own_node]);
    validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud"]);
    let claims = jsonwebtoken::decode::<PeerClaims>(token, &key, &validation)
        .map_err(PeerRejection::Invalid)?
        .claims;
    if claims.exp - claims.iat > MAX_LIFETIME_SECONDS {
        return Err(PeerRejection::TooLong);
    }
    if claims.body_sha256 != ipdr_domain::sha256_hex(body) {
        return Err(PeerRejection::BodyMismatch);
    }
    Ok((partner, claims))
}
