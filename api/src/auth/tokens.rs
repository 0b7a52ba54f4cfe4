//! Access tokens: JWTs signed with HS256 by a key kept in the database.
//!
//! The algorithm is pinned; `kid`, `iss`, `aud`, `sub`, `exp` and `nbf` are required and checked
//! with 30 s of leeway. The newest unretired key signs and every unretired key verifies, so keys
//! rotate without logging anyone out (`ipdr keys rotate`, later `ipdr keys retire KID`). Running
//! processes re-read the keys periodically and when they meet an unknown `kid`.
//!
//! HS256 is right here because the only verifier is this service itself (all its processes
//! share the database); it costs ~2 µs a request against ~49 µs for EdDSA. Partner nodes use
//! Ed25519 federation tokens, a different kind.
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use chrono::Utc;
use ipdr_domain::AccountId;
use ipdr_persistence::Db;
use ipdr_persistence::repo::signing_keys;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::config::TokenSettings;

/// The only algorithm user tokens are signed or accepted with.
pub const ALGORITHM: Algorithm = Algorithm::HS256;
/// How user-token keys are marked in `signing_keys` (node keys are `EdDSA`).
const ALGORITHM_NAME: &str = "HS256";
/// Clock skew tolerated on `exp` and `nbf`.
pub const LEEWAY_SECONDS: u64 = 30;
/// Never re-read the keys for an unknown `kid` more often than this (a flood of forged `kid`s
/// must not become a flood of queries).
const MIN_REFRESH_INTERVAL: Duration = Duration::from_secs(1);

/// The claims of an access token.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    /// The account id.
    pub sub: String,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
    /// Unique per token.
    pub jti: String,
    /// The account's `auth_version` when issued; a later password change or disabling bumps
    /// it and so revokes the token.
    pub ver: i64,
}

/// A freshly issued token.
pub struct IssuedToken {
    pub token: String,
    pub expires_in: u64,
}

struct Keys {
    signing: Option<(String, EncodingKey)>,
    verifying: HashMap<String, DecodingKey>,
}

/// The signing keys of the instance, cached and refreshed.
pub struct KeyRing {
    db: Db,
    settings: TokenSettings,
    validation: Validation,
    keys: RwLock<Arc<Keys>>,
    last_refresh: std::sync::Mutex<Instant>,
}

/// Why a token was refused (logged at debug level, never returned: every refusal is a plain 401).
#[derive(Debug, thiserror::Error)]
pub enum Rejection {
    #[error("malformed or unsigned token: {0}")]
    Malformed(jsonwebtoken::errors::Error),
    #[error("algorithm {0:?} is not accepted")]
    Algorithm(Algorithm),
    #[error("no kid")]
    NoKid,
    #[error("unknown or retired kid")]
    UnknownKid,
    #[error("invalid: {0}")]
    Invalid(jsonwebtoken::errors::Error),
}

impl KeyRing {
    /// Loads the keys.
    ///
    /// # Errors
    /// Database errors.
    pub async fn load(db: Db, settings: TokenSettings) -> anyhow::Result<Arc<Self>> {
        let mut validation = Validation::new(ALGORITHM);
        validation.leeway = LEEWAY_SECONDS;
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.set_issuer(&[&settings.issuer]);
        validation.set_audience(&[&settings.audience]);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        let ring = Arc::new(Self {
            db,
            settings,
            validation,
            keys: RwLock::new(Arc::new(Keys {
                signing: None,
                verifying: HashMap::new(),
            })),
            last_refresh: std::sync::Mutex::new(Instant::now()),
        });
        ring.refresh().await?;
        Ok(ring)
    }

    /// Re-reads the unretired keys from the database.
    ///
    /// # Errors
    /// Database errors; the previous keys stay in use.
    pub async fn refresh(&self) -> anyhow::Result<()> {
        let rows = signing_keys::unretired(&self.db).await?;
        let signing = rows
            .iter()
            .find(|k| k.algorithm == ALGORITHM_NAME)
            .map(|k| (k.kid.clone(), EncodingKey::from_secret(&k.secret)));
        let verifying = rows
            .iter()
            .filter(|k| k.algorithm == ALGORITHM_NAME)
            .map(|k| (k.kid.clone(), DecodingKey::from_secret(&k.secret)))
            .collect();
        *self
            .keys
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) =
            Arc::new(Keys { signing, verifying });
        *self
            .last_refresh
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Instant::now();
        Ok(())
    }

    fn current(&self) -> Arc<Keys> {
        self.keys
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Signs a token for `account`.
    ///
    /// # Errors
    /// No signing key exists (start-up creates one) or encoding failed.
    pub fn issue(&self, account: AccountId, auth_version: i64) -> anyhow::Result<IssuedToken> {
        let keys = self.current();
        let (kid, key) = keys
            .signing
            .as_ref()
            .ok_or_else(|| anyhow::anyhow!("no signing key; run `ipdr keys rotate`"))?;
        let now = Utc::now().timestamp();
        let ttl = i64::try_from(self.settings.ttl.as_secs()).unwrap_or(i64::MAX);
        let claims = Claims {
            iss: self.settings.issuer.clone(),
            aud: self.settings.audience.clone(),
            sub: account.to_string(),
            iat: now,
            nbf: now,
            exp: now.saturating_add(ttl),
            jti: uuid::Uuid::now_v7().to_string(),
            ver: auth_version,
        };
        let mut header = Header::new(ALGORITHM);
        header.kid = Some(kid.clone());
        Ok(IssuedToken {
            token: jsonwebtoken::encode(&header, &claims, key)?,
            expires_in: self.settings.ttl.as_secs(),
        })
    }

    /// Verifies signature, algorithm, `kid`, `iss`, `aud`, `exp`, `nbf` and returns the claims.
    ///
    /// # Errors
    /// Why the token is refused.
    pub async fn verify(&self, token: &str) -> Result<Claims, Rejection> {
        // `none` and unknown algorithms fail to parse here.
        let header = jsonwebtoken::decode_header(token).map_err(Rejection::Malformed)?;
        if header.alg != ALGORITHM {
            return Err(Rejection::Algorithm(header.alg));
        }
        let kid = header.kid.ok_or(Rejection::NoKid)?;
        let mut keys = self.current();
        if !keys.verifying.contains_key(&kid) && self.may_refresh() {
            if let Err(e) = self.refresh().await {
                tracing::warn!(error = %e, "could not re-read signing keys");
            }
            keys = self.current();
        }
        let key = keys.verifying.get(&kid).ok_or(Rejection::UnknownKid)?;
        jsonwebtoken::decode::<Claims>(token, key, &self.validation)
            .map(|data| data.claims)
            .map_err(Rejection::Invalid)
    }

    fn may_refresh(&self) -> bool {
        self.last_refresh
            .lock()
            .map(|at| at.elapsed() >= MIN_REFRESH_INTERVAL)
            .unwrap_or(true)
    }

    /// Re-reads the keys every `key_refresh`, so retirements and rotations made by another
    /// process or the CLI take effect here; stops when `shutdown` resolves.
    pub async fn refresh_periodically(
        self: Arc<Self>,
        shutdown: impl std::future::Future<Output = ()>,
    ) {
        let mut interval = tokio::time::interval(self.settings.key_refresh);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tokio::pin!(shutdown);
        loop {
            tokio::select! {
                () = &mut shutdown => return,
                _ = interval.tick() => {
                    if let Err(e) = self.refresh().await {
                        tracing::warn!(error = %e, "could not re-read signing keys");
                    }
                }
            }
        }
    }
}

/// A new random 256-bit HS256 secret and a `kid` for it.
pub fn generate_key() -> (String, Vec<u8>) {
    let mut secret = vec![0u8; 32];
    rand::fill(secret.as_mut_slice());
    let kid = format!("k{}", Utc::now().format("%Y%m%d%H%M%S"));
    let mut suffix = [0u8; 3];
    rand::fill(&mut suffix);
    let kid = format!("{kid}-{:02x}{:02x}{:02x}", suffix[0], suffix[1], suffix[2]);
    (kid, secret)
}

/// Makes sure a signing key exists; returns the new `kid` if one had to be created.
///
/// # Errors
/// Database errors.
pub async fn ensure_key(db: &Db) -> anyhow::Result<Option<String>> {
    if signing_keys::unretired(db)
        .await?
        .iter()
        .any(|k| k.algorithm == ALGORITHM_NAME)
    {
        return Ok(None);
    }
    Ok(Some(rotate(db).await?))
}

/// Adds a new signing key; the previous ones keep verifying until retired.
///
/// # Errors
/// Database errors.
pub async fn rotate(db: &Db) -> anyhow::Result<String> {
    let (kid, secret) = generate_key();
    signing_keys::insert(db, kid.clone(), ALGORITHM_NAME, secret, Utc::now()).await?;
    Ok(kid)
}
