//! Password hashing: argon2id with m = 19 MiB, t = 2, p = 1 (OWASP's baseline), computed on the
//! blocking thread pool behind a small semaphore so a login flood cannot starve the async
//! workers or hold 19 MiB per waiting request. Verifications reuse one 19 MiB work area per
//! permit instead of allocating a fresh one each time: allocated per call, the areas stayed
//! cached in the allocator's per-thread arenas and a login flood grew the process by ~300 MiB
//! (BENCHMARKS.md); pooled, the memory is `permits × 19 MiB`, once.
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use argon2::password_hash::PasswordHasher as _;
use argon2::password_hash::phc::{Output, PasswordHash};
use argon2::{Algorithm, Argon2, Block, Params, Version};
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
    /// Work areas of finished verifications, reused by the next ones (at most one per permit).
    work_areas: Mutex<Vec<Vec<Block>>>,
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
            work_areas: Mutex::new(Vec::new()),
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
        let mut area = self.take_work_area();
        let (matches, area) = tokio::task::spawn_blocking(move || {
            let matches = verify_in(&mut area, password.as_bytes(), &hash);
            (matches, area)
        })
        .await?;
        self.return_work_area(area);
        Ok(known && matches)
    }

    fn take_work_area(&self) -> Vec<Block> {
        self.work_areas
            .lock()
            .map(|mut areas| areas.pop())
            .ok()
            .flatten()
            .unwrap_or_default()
    }

    fn return_work_area(&self, area: Vec<Block>) {
        if let Ok(mut areas) = self.work_areas.lock() {
            areas.push(area);
        }
    }

    /// How many verifications ran since start-up (each costs one argon2 computation).
    pub fn verifications(&self) -> u64 {
        self.verifications.load(Ordering::Relaxed)
    }
}

/// Whether `password` hashes to the PHC string `stored` (with the parameters `stored` names),
/// computed in `area`, which is grown to the memory cost as needed. Like `verify_password`, with
/// a constant-time comparison of the outputs; anything malformed is a mismatch.
fn verify_in(area: &mut Vec<Block>, password: &[u8], stored: &str) -> bool {
    let Ok(hash) = PasswordHash::new(stored) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (&hash.salt, &hash.hash) else {
        return false;
    };
    let (Ok(params), Ok(algorithm)) = (
        Params::try_from(&hash),
        Algorithm::try_from(hash.algorithm.as_str()),
    ) else {
        return false;
    };
    let version = match hash.version.map(Version::try_from).transpose() {
        Ok(version) => version.unwrap_or_default(),
        Err(_) => return false,
    };
    area.resize(params.block_count(), Block::default());
    let mut computed = vec![0_u8; expected.len()];
    Argon2::new(algorithm, version, params)
        .hash_password_into_with_memory(password, salt, &mut computed, &mut area[..])
        .is_ok()
        && Output::new(&computed).is_ok_and(|computed| &computed == expected)
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

    #[test]
    fn pooled_verification_agrees_with_the_library_on_right_wrong_and_malformed_hashes() {
        use argon2::password_hash::PasswordVerifier as _;
        let stored = hash_blocking(b"correct horse battery").unwrap();
        let mut area = Vec::new();
        for (password, stored) in [
            (&b"correct horse battery"[..], stored.as_str()),
            (b"correct horse batterz", stored.as_str()),
            (b"", stored.as_str()),
            (
                b"correct horse battery",
                "$argon2id$v=19$m=19456,t=2,p=1$bm9zYWx0",
            ),
            (b"correct horse battery", "not a hash"),
        ] {
            let library = argon2().unwrap().verify_password(password, stored).is_ok();
            assert_eq!(verify_in(&mut area, password, stored), library, "{stored}");
        }
        assert!(verify_in(&mut area, b"correct horse battery", &stored));
        // A hash made with other parameters (an older, cheaper one) verifies in the same area.
        let cheap = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(8 * 1024, 1, 1, None).unwrap(),
        )
        .hash_password(b"old password")
        .unwrap()
        .to_string();
        assert!(verify_in(&mut area, b"old password", &cheap));
        assert!(!verify_in(&mut area, b"old passwore", &cheap));
    }

    #[tokio::test]
    async fn an_unknown_account_costs_one_verification_and_never_matches() {
        let hasher = Arc::new(PasswordHasher::new(1).unwrap());
        let before = hasher.verifications();
        assert!(!hasher.verify("anything at all".into(), None).await.unwrap());
        assert_eq!(hasher.verifications(), before + 1);
    }
}
