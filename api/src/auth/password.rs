//! Password hashing: argon2id with m = 19 MiB, t = 2, p = 1 (OWASP's baseline), computed on the
//! blocking thread pool behind a small semaphore so a login flood cannot starve the async
//! workers or hold 19 MiB per waiting request.
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;

/// The memory cost in KiB (19 MiB).
pub const MEMORY_KIB: u32 = 19 * 1024;
pub const ITERATIONS: u32 = 2;
pub const PARALLELISM: u32 = 1;

fn argon2() -> anyhow::Result<Argon2<'static>> {
    let params = Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None)
        .map_err(|e| anyhow::anyhow!("argon2 parameters: {e}"))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes and verifies passwords, a few at a time.
pub struct PasswordHasher {
    permits: Semaphore,
    /// A hash of a random password with the current parameters: verifying against it costs what
    /// verifying a real account costs, so an unknown user answers in the same time.
    dummy_hash: String,
    verifications: AtomicU64,
}

impl PasswordHasher {
    /// # Errors
    /// The parameters are refused by argon2 (they are constants: a programming error).
    pub fn new(concurrency: usize) -> anyhow::Result<Self> {
        let mut random = [0u8; 32];
        rand::fill(&mut random);
        let dummy_hash = hash_blocking(&random)?;
        Ok(Self {
            permits: Semaphore::new(concurrency.max(1)),
            dummy_hash,
            verifications: AtomicU64::new(0),
        })
    }

    /// Hashes a new password into a PHC string.
    ///
    /// # Errors
    /// The hashing task failed (it does not, short of a panic).
    pub async fn hash(self: &Arc<Self>, password: String) -> anyhow::Result<String> {
        let _permit = self.permits.acquire().await?;
        tokio::task::spawn_blocking(move || hash_blocking(password.as_bytes())).await?
    }

    /// Whether `password` matches `stored`. With `None` (no such account) it verifies against the
    /// dummy hash and answers `false`, taking the same time as a wrong password.
    ///
    /// # Errors
    /// The hashing task failed (it does not, short of a panic).
    pub async fn verify(
        self: &Arc<Self>,
        password: String,
        stored: Option<String>,
    ) -> anyhow::Result<bool> {
        let _permit = self.permits.acquire().await?;
        self.verifications.fetch_add(1, Ordering::Relaxed);
        let known = stored.is_some();
        let hash = stored.unwrap_or_else(|| self.dummy_hash.clone());
        let matches = tokio::task::spawn_blocking(move || {
            argon2().is_ok_and(|a| {
                a.verify_password(password.as_bytes(), hash.as_str())
                    .is_ok()
            })
        })
        .await?;
        Ok(known && matches)
    }

    /// How many verifications ran since start-up (each costs one argon2 computation).
    pub fn verifications(&self) -> u64 {
        self.verifications.load(Ordering::Relaxed)
    }
}

fn hash_blocking(password: &[u8]) -> anyhow::Result<String> {
    let hash = argon2()?
        .hash_password(password)
        .map_err(|e| anyhow::anyhow!("argon2: {e}"))?;
    Ok(hash.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only_and_records_the_parameters() {
        let hasher = Arc::new(PasswordHasher::new(1).unwrap());
        let hash = hasher.hash("correct horse battery".into()).await.unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(
            hasher
                .verify("correct horse battery".into(), Some(hash.clone()))
                .await
                .unwrap()
        );
        assert!(
            !hasher
                .verify("wrong horse battery".into(), Some(hash))
                .await
                .unwrap()
        );
    }

    #[tokio::test]
    async fn an_unknown_account_costs_one_verification_and_never_matches() {
        let hasher = Arc::new(PasswordHasher::new(1).unwrap());
        let before = hasher.verifications();
        assert!(!hasher.verify("anything at all".into(), None).await.unwrap());
        assert_eq!(hasher.verifications(), before + 1);
    }
}
