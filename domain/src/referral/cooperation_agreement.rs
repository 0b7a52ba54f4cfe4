//! Cooperation agreements as data (R28): which partner, which IP types and kinds of referral,
//! how fast the partner must answer, and for how long the agreement holds.
use chrono::NaiveDate;

use super::ReferralKind;
use crate::case::IpType;
use crate::{Invalid, ValidationErrors};

/// A node's id (`dalian`, `weihai` …): 2–32 lower-case letters, digits or `-`, starting with a
/// letter. It is the `iss`/`aud` of federation tokens.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(String);

impl NodeId {
    /// # Errors
    /// `invalid_format` for anything but a node id.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let ok = (2..=32).contains(&input.len())
            && input.starts_with(|c: char| c.is_ascii_lowercase())
            && input
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if ok {
            Ok(Self(input.to_owned()))
        } else {
            Err(Invalid::new(
                "invalid_format",
                "2 to 32 lower-case letters, digits or `-`, starting with a letter",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for NodeId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

named_enum! {
    /// An agreement's status. `expired` is never stored: an active agreement past its last
    /// valid day reads as expired.
    pub enum AgreementStatus {
        Draft = "draft",
        Active = "active",
        Suspended = "suspended",
        Expired = "expired",
    }
}

/// How many working days the partner has to acknowledge, decide and report progress (R28).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResponseDays {
    pub acknowledge: u32,
    pub decide: u32,
    pub report: u32,
}

impl ResponseDays {
    /// R28 asks for "prompt" feedback without a number; these are the suggested defaults.
    pub const R28_DEFAULTS: Self = Self {
        acknowledge: 2,
        decide: 5,
        report: 30,
    };
    /// No period may exceed a year.
    pub const MAX_DAYS: u32 = 365;

    /// # Errors
    /// Each period outside 1..=365, named by its field.
    pub fn parse(acknowledge: u32, decide: u32, report: u32) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        for (field, days) in [
            ("acknowledge_days", acknowledge),
            ("decide_days", decide),
            ("report_days", report),
        ] {
            if !(1..=Self::MAX_DAYS).contains(&days) {
                errors.push(field, Invalid::new("out_of_range", "1 to 365 working days"));
            }
        }
        if errors.is_empty() {
            Ok(Self {
                acknowledge,
                decide,
                report,
            })
        } else {
            Err(errors)
        }
    }
}

/// What an agreement allows, as the referral check needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreementScope {
    /// The stored status (never `expired`).
    pub status: AgreementStatus,
    pub valid_from: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub ip_types: Vec<IpType>,
    pub kinds: Vec<ReferralKind>,
}

impl AgreementScope {
    /// The status as of `today`: an active agreement past `valid_until` is expired.
    pub fn status_on(&self, today: NaiveDate) -> AgreementStatus {
        match (self.status, self.valid_until) {
            (AgreementStatus::Active, Some(until)) if today > until => AgreementStatus::Expired,
            (status, _) => status,
        }
    }

    /// Whether a referral of `kind` about `ip_type` may be sent or received under this
    /// agreement on `today`.
    ///
    /// # Errors
    /// One error per clause that refuses it, named `agreement.status`, `agreement.valid_from`,
    /// `agreement.kinds` or `agreement.ip_types`.
    pub fn check_referral(
        &self,
        kind: ReferralKind,
        ip_type: IpType,
        today: NaiveDate,
    ) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        match self.status_on(today) {
            AgreementStatus::Active => {}
            status => errors.push(
                "agreement.status",
                Invalid::new(
                    "agreement_not_active",
                    format!("the agreement is {status}; referrals need an active agreement"),
                ),
            ),
        }
        if today < self.valid_from {
            errors.push(
                "agreement.valid_from",
                Invalid::new(
                    "agreement_not_yet_valid",
                    format!("the agreement holds from {}", self.valid_from),
                ),
            );
        }
        if !self.kinds.contains(&kind) {
            errors.push(
                "agreement.kinds",
                Invalid::new(
                    "kind_not_covered",
                    format!("the agreement does not cover referrals of kind {kind}"),
                ),
            );
        }
        if !self.ip_types.contains(&ip_type) {
            errors.push(
                "agreement.ip_types",
                Invalid::new(
                    "ip_type_not_covered",
                    format!("the agreement does not cover {ip_type}"),
                ),
            );
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// Whether an administrator may set `status`: `expired` follows from the dates only.
///
/// # Errors
/// `not_settable` for `expired`.
pub fn check_settable(status: AgreementStatus) -> Result<(), Invalid> {
    if status == AgreementStatus::Expired {
        Err(Invalid::new(
            "not_settable",
            "an agreement expires by its dates; set valid_until instead",
        ))
    } else {
        Ok(())
    }
}

/// Checks the parts of an agreement that must agree with each other.
///
/// # Errors
/// `ip_types`/`kinds` empty, `valid_until` before `valid_from`, `status` `expired` (derived,
/// never set).
pub fn check_terms(
    ip_types: &[IpType],
    kinds: &[ReferralKind],
    valid_from: NaiveDate,
    valid_until: Option<NaiveDate>,
    status: AgreementStatus,
) -> Result<(), ValidationErrors> {
    let mut errors = ValidationErrors::default();
    if ip_types.is_empty() {
        errors.push(
            "ip_types",
            Invalid::new("required", "name at least one IP type"),
        );
    }
    if kinds.is_empty() {
        errors.push(
            "kinds",
            Invalid::new("required", "name at least one kind of referral"),
        );
    }
    if valid_until.is_some_and(|until| until < valid_from) {
        errors.push(
            "valid_until",
            Invalid::new("before_valid_from", "must not be before valid_from"),
        );
    }
    errors.check("status", check_settable(status));
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn gi_agreement() -> AgreementScope {
        AgreementScope {
            status: AgreementStatus::Active,
            valid_from: day("2025-01-01"),
            valid_until: Some(day("2027-12-31")),
            ip_types: vec![IpType::GeographicalIndication, IpType::Trademark],
            kinds: vec![ReferralKind::ClueTransfer, ReferralKind::CaseTransfer],
        }
    }

    fn fields(result: Result<(), ValidationErrors>) -> Vec<String> {
        result.unwrap_err().0.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn node_ids_are_short_lower_case_slugs() {
        assert_eq!(NodeId::parse("dalian").unwrap().as_str(), "dalian");
        assert!(NodeId::parse("xining-2").is_ok());
        for bad in [
            "",
            "d",
            "Dalian",
            "2dalian",
            "da lian",
            "大连",
            &"a".repeat(33),
        ] {
            assert!(NodeId::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_referral_inside_the_scope_of_an_active_agreement_passes() {
        assert!(
            gi_agreement()
                .check_referral(
                    ReferralKind::ClueTransfer,
                    IpType::GeographicalIndication,
                    day("2026-11-21")
                )
                .is_ok()
        );
    }

    #[test]
    fn each_clause_that_refuses_a_referral_is_named() {
        let today = day("2026-11-21");
        let a = gi_agreement();
        assert_eq!(
            fields(a.check_referral(ReferralKind::CrimeTransfer, IpType::Trademark, today)),
            ["agreement.kinds"]
        );
        assert_eq!(
            fields(a.check_referral(ReferralKind::ClueTransfer, IpType::Copyright, today)),
            ["agreement.ip_types"]
        );
        let suspended = AgreementScope {
            status: AgreementStatus::Suspended,
            ..gi_agreement()
        };
        assert_eq!(
            fields(suspended.check_referral(ReferralKind::ClueTransfer, IpType::Trademark, today)),
            ["agreement.status"]
        );
        let draft = AgreementScope {
            status: AgreementStatus::Draft,
            ..gi_agreement()
        };
        assert!(
            draft
                .check_referral(ReferralKind::ClueTransfer, IpType::Trademark, today)
                .is_err()
        );
        assert_eq!(
            fields(a.check_referral(
                ReferralKind::ClueTransfer,
                IpType::Trademark,
                day("2024-12-31")
            )),
            ["agreement.valid_from"]
        );
    }

    #[test]
    fn an_active_agreement_expires_the_day_after_its_last_valid_day() {
        let a = gi_agreement();
        assert_eq!(a.status_on(day("2027-12-31")), AgreementStatus::Active);
        assert_eq!(a.status_on(day("2028-01-01")), AgreementStatus::Expired);
        assert_eq!(
            fields(a.check_referral(
                ReferralKind::ClueTransfer,
                IpType::Trademark,
                day("2028-01-01")
            )),
            ["agreement.status"]
        );
        let open_ended = AgreementScope {
            valid_until: None,
            ..gi_agreement()
        };
        assert_eq!(
            open_ended.status_on(day("2099-01-01")),
            AgreementStatus::Active
        );
    }

    #[test]
    fn response_days_default_to_r28_and_stay_within_a_year() {
        assert_eq!(
            ResponseDays::parse(2, 5, 30).unwrap(),
            ResponseDays::R28_DEFAULTS
        );
        let errors = ResponseDays::parse(0, 5, 366).unwrap_err();
        let named: Vec<_> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(named, ["acknowledge_days", "report_days"]);
    }

    #[test]
    fn terms_must_name_types_and_kinds_and_dates_must_be_in_order() {
        let from = day("2026-01-01");
        assert!(
            check_terms(
                &[IpType::Trademark],
                &[ReferralKind::ClueTransfer],
                from,
                None,
                AgreementStatus::Draft
            )
            .is_ok()
        );
        let errors = check_terms(
            &[],
            &[],
            from,
            Some(day("2025-12-31")),
            AgreementStatus::Expired,
        )
        .unwrap_err();
        let named: Vec<_> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(named, ["ip_types", "kinds", "valid_until", "status"]);
    }
}
