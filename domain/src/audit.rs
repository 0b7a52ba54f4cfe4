//! The audit trail: what one record says, its canonical bytes, and the hash chain over them.
//!
//! Records are written as they happen (one insert, no lock); a sealer later appends them, in an
//! order it fixes, to one chain: `h_i = SHA-256(h_{i-1} ‖ canonical(record_i))`, `h_0` = 32 zero
//! bytes. Changing any byte of a sealed record, or of a stored hash, breaks the link at that
//! record and [`Verifier`] names it. A record never holds a password, a token, or the text of an
//! agreement or opinion: only who, what, which object, the outcome, when, from where, and a short
//! machine reason.
use chrono::{DateTime, SecondsFormat, Utc};
use sha2::{Digest, Sha256};

named_enum! {
    /// How an audited action ended.
    pub enum Outcome {
        Succeeded = "succeeded",
        /// Credentials were wrong (a failed login).
        Failed = "failed",
        /// No valid token or signature.
        Unauthenticated = "unauthenticated",
        /// Authenticated, but the policy refused.
        Denied = "denied",
        /// The object does not exist or the caller may not know it does.
        NotFound = "not_found",
        /// A rule or a concurrent change refused the action.
        Refused = "refused",
        /// The input was invalid.
        Invalid = "invalid",
        Throttled = "throttled",
        /// The service failed.
        Error = "error",
        /// A federation message will be retried.
        Retrying = "retrying",
    }
}

/// One audit record as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub id: i64,
    /// UTC, microsecond precision (what both databases keep).
    pub occurred_at: DateTime<Utc>,
    /// `account:<uuid>`, `partner:<node id>`, `node:<own id>`, `cli`, or none (anonymous).
    pub actor: Option<String>,
    pub role: Option<String>,
    /// The operation, e.g. `create_case`, `login`, `federation.deliver`.
    pub action: String,
    /// What it acted on: a path such as `/api/v1/cases/<id>`, or `referral:<id>`.
    pub object: String,
    /// An [`Outcome`] name. Kept as text so that a record altered to an unknown outcome still
    /// reads, and fails its link, instead of failing to load.
    pub outcome: String,
    /// The HTTP status answered (or received, for outgoing federation messages); 0 when none.
    pub status: i32,
    pub client_address: Option<String>,
    pub request_id: Option<String>,
    /// A short machine reason (`wrong_password`, `message <id>`), never free text from a body.
    pub detail: Option<String>,
}

/// A chain hash.
pub type Hash = [u8; 32];

/// The hash before the first record.
pub const GENESIS: Hash = [0; 32];

impl Record {
    /// The bytes the chain hashes: every field in a fixed order, each as a 4-byte big-endian
    /// length and its UTF-8 bytes (`0xFFFFFFFF` for an absent field), so no two different
    /// records share an encoding.
    pub fn canonical(&self) -> Vec<u8> {
        let id = self.id.to_string();
        let at = self
            .occurred_at
            .to_rfc3339_opts(SecondsFormat::Micros, true);
        let status = self.status.to_string();
        let fields: [Option<&str>; 11] = [
            Some(&id),
            Some(&at),
            self.actor.as_deref(),
            self.role.as_deref(),
            Some(&self.action),
            Some(&self.object),
            Some(&self.outcome),
            Some(&status),
            self.client_address.as_deref(),
            self.request_id.as_deref(),
            self.detail.as_deref(),
        ];
        let mut out = Vec::with_capacity(128);
        for field in fields {
            match field {
                Some(text) => {
                    let len = u32::try_from(text.len()).unwrap_or(u32::MAX - 1);
                    out.extend_from_slice(&len.to_be_bytes());
                    out.extend_from_slice(&text.as_bytes()[..len as usize]);
                }
                None => out.extend_from_slice(&u32::MAX.to_be_bytes()),
            }
        }
        out
    }
}

/// `SHA-256(prev ‖ canonical(record))`.
pub fn link(prev: &Hash, record: &Record) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update(prev);
    hasher.update(record.canonical());
    hasher.finalize().into()
}

/// The first link of the chain that does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Break {
    #[error("seal {found} follows seal {expected_after}: seals are missing")]
    Gap { expected_after: i64, found: i64 },
    #[error("seal {seq} names record {record_id}, which no longer exists")]
    Missing { seq: i64, record_id: i64 },
    #[error("seal {seq} does not match record {record_id}: the record or its hash was changed")]
    Mismatch { seq: i64, record_id: i64 },
    #[error("seal {seq} holds a malformed hash")]
    Malformed { seq: i64 },
}

/// Walks the chain seal by seal, in order.
#[derive(Debug, Clone)]
pub struct Verifier {
    prev: Hash,
    last_seq: i64,
    checked: u64,
}

impl Default for Verifier {
    fn default() -> Self {
        Self {
            prev: GENESIS,
            last_seq: 0,
            checked: 0,
        }
    }
}

impl Verifier {
    /// Checks the next seal: it must follow the last one (sequence numbers start at 1 and have no
    /// gaps), its record must exist, and its stored hash (hex) must be the link of the previous
    /// stored hash and the record as it reads now.
    ///
    /// # Errors
    /// The [`Break`] found; the verifier should not be used after one.
    pub fn check(
        &mut self,
        seq: i64,
        record_id: i64,
        record: Option<&Record>,
        stored_hash: &str,
    ) -> Result<(), Break> {
        if seq != self.last_seq + 1 {
            return Err(Break::Gap {
                expected_after: self.last_seq,
                found: seq,
            });
        }
        let record = record.ok_or(Break::Missing { seq, record_id })?;
        let stored = parse_hash(stored_hash).ok_or(Break::Malformed { seq })?;
        if record.id != record_id || link(&self.prev, record) != stored {
            return Err(Break::Mismatch { seq, record_id });
        }
        self.prev = stored;
        self.last_seq = seq;
        self.checked += 1;
        Ok(())
    }

    /// Seals checked so far.
    pub fn checked(&self) -> u64 {
        self.checked
    }
}

/// A hash from its lower-case hex form.
pub fn parse_hash(hex_text: &str) -> Option<Hash> {
    let bytes = hex::decode(hex_text).ok()?;
    bytes.try_into().ok()
}

/// A hash in lower-case hex, as stored.
pub fn hash_hex(hash: &Hash) -> String {
    hex::encode(hash)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn record(id: i64) -> Record {
        Record {
            id,
            occurred_at: Utc.with_ymd_and_hms(2026, 11, 21, 8, 30, 0).unwrap(),
            actor: Some("account:0193".into()),
            role: Some("mediator".into()),
            action: "create_case".into(),
            object: "/api/v1/cases/0193".into(),
            outcome: Outcome::Succeeded.as_str().into(),
            status: 201,
            client_address: Some("127.0.0.1".into()),
            request_id: Some("r-1".into()),
            detail: None,
        }
    }

    fn chain(records: &[Record]) -> Vec<String> {
        let mut prev = GENESIS;
        records
            .iter()
            .map(|r| {
                prev = link(&prev, r);
                hash_hex(&prev)
            })
            .collect()
    }

    fn verify(records: &[Option<Record>], ids: &[i64], hashes: &[String]) -> Result<u64, Break> {
        let mut verifier = Verifier::default();
        for (i, (record, hash)) in records.iter().zip(hashes).enumerate() {
            let seq = i64::try_from(i).unwrap() + 1;
            verifier.check(seq, ids[i], record.as_ref(), hash)?;
        }
        Ok(verifier.checked())
    }

    #[test]
    fn an_untouched_chain_verifies() {
        let records: Vec<Record> = (1..=5).map(record).collect();
        let hashes = chain(&records);
        let stored: Vec<Option<Record>> = records.iter().cloned().map(Some).collect();
        assert_eq!(verify(&stored, &[1, 2, 3, 4, 5], &hashes), Ok(5));
    }

    #[test]
    fn the_first_changed_record_is_named_even_when_later_ones_change_too() {
        let records: Vec<Record> = (1..=5).map(record).collect();
        let hashes = chain(&records);
        let mut stored: Vec<Option<Record>> = records.iter().cloned().map(Some).collect();
        if let Some(r) = stored[2].as_mut() {
            r.outcome = Outcome::Denied.as_str().into();
        }
        if let Some(r) = stored[4].as_mut() {
            r.status = 500;
        }
        assert_eq!(
            verify(&stored, &[1, 2, 3, 4, 5], &hashes),
            Err(Break::Mismatch {
                seq: 3,
                record_id: 3
            })
        );
    }

    #[test]
    fn a_changed_hash_a_deleted_record_and_a_missing_seal_are_each_found() {
        let records: Vec<Record> = (1..=4).map(record).collect();
        let mut hashes = chain(&records);
        let stored: Vec<Option<Record>> = records.iter().cloned().map(Some).collect();
        hashes[1] = chain(&[record(9)])[0].clone();
        assert_eq!(
            verify(&stored, &[1, 2, 3, 4], &hashes),
            Err(Break::Mismatch {
                seq: 2,
                record_id: 2
            })
        );

        let hashes = chain(&records);
        let mut deleted = stored.clone();
        deleted[3] = None;
        assert_eq!(
            verify(&deleted, &[1, 2, 3, 4], &hashes),
            Err(Break::Missing {
                seq: 4,
                record_id: 4
            })
        );

        let mut verifier = Verifier::default();
        assert_eq!(verifier.check(1, 1, stored[0].as_ref(), &hashes[0]), Ok(()));
        assert_eq!(
            verifier.check(3, 3, stored[2].as_ref(), &hashes[2]),
            Err(Break::Gap {
                expected_after: 1,
                found: 3
            })
        );
        assert_eq!(
            Verifier::default().check(1, 1, stored[0].as_ref(), "zz"),
            Err(Break::Malformed { seq: 1 })
        );
    }

    #[test]
    fn a_seal_pointing_at_another_record_does_not_verify() {
        let records: Vec<Record> = (1..=2).map(record).collect();
        let hashes = chain(&records);
        let mut verifier = Verifier::default();
        assert_eq!(
            verifier.check(1, 2, Some(&records[0]), &hashes[0]),
            Err(Break::Mismatch {
                seq: 1,
                record_id: 2
            })
        );
    }

    #[test]
    fn absent_and_empty_fields_encode_differently() {
        let mut a = record(1);
        let mut b = record(1);
        a.detail = None;
        b.detail = Some(String::new());
        assert_ne!(a.canonical(), b.canonical());
    }

    proptest! {
        /// Moving text between adjacent fields never yields the same bytes (length prefixes).
        #[test]
        fn field_boundaries_are_unambiguous(action in "[a-z_]{0,12}", object in "[a-z/]{0,12}", cut in 0usize..12) {
            let a = Record { action: action.clone(), object: object.clone(), ..record(1) };
            let cut = cut.min(object.len());
            let b = Record {
                action: format!("{action}{}", &object[..cut]),
                object: object[cut..].to_owned(),
                ..record(1)
            };
            prop_assert_eq!(a.canonical() == b.canonical(), cut == 0);
        }

        /// Any single-byte change of any text field breaks that record's link.
        #[test]
        fn any_one_byte_change_is_detected(pos in 0usize..64, byte in 0u8..128) {
            let original = record(7);
            let mut changed = original.clone();
            let mut object = changed.object.clone().into_bytes();
            let pos = pos % object.len();
            prop_assume!(object[pos] != byte);
            object[pos] = byte;
            changed.object = String::from_utf8(object).unwrap();
            prop_assert_ne!(link(&GENESIS, &original), link(&GENESIS, &changed));
        }
    }
}
