//! User accounts: one role, in one organisation.
use crate::organization::OrganizationKind;
use crate::validation::{Invalid, ValidationErrors, bounded_text};
use crate::{AccountId, OrganizationId};

/// What an account may do; exactly one per account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Manages organisations, accounts and reference data; reads no case contents.
    Admin,
    Mediator,
    /// A judge or clerk of a court.
    Court,
    /// A technical investigator (技术调查官).
    Investigator,
    /// Sends and answers referrals to and from partner cities.
    Liaison,
    /// Reads statistics and the audit trail, nothing confidential.
    Auditor,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Self::Admin,
        Self::Mediator,
        Self::Court,
        Self::Investigator,
        Self::Liaison,
        Self::Auditor,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Mediator => "mediator",
            Self::Court => "court",
            Self::Investigator => "investigator",
            Self::Liaison => "liaison",
            Self::Auditor => "auditor",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Whether an account with this role may belong to an organisation of `kind`.
    ///
    /// Mediators work for mediation bodies, court users for courts, administrators for the
    /// operator; investigators come from the pool, a court or the IP authority; liaison officers
    /// sit in a liaison office or the IP protection centre. Auditors may sit anywhere.
    pub fn allowed_in(self, kind: OrganizationKind) -> bool {
        use OrganizationKind as K;
        match self {
            Self::Admin => matches!(kind, K::Operator),
            Self::Mediator => matches!(
                kind,
                K::MediationCommittee | K::IpProtectionCentre | K::IndustryAssociation
            ),
            Self::Court => matches!(kind, K::Court(_)),
            Self::Investigator => {
                matches!(
                    kind,
                    K::InvestigatorPool | K::Court(_) | K::IpProtectionCentre
                )
            }
            Self::Liaison => matches!(kind, K::LiaisonOffice | K::IpProtectionCentre),
            Self::Auditor => true,
        }
    }
}

/// A login name: 3–64 characters of `a-z 0-9 . _ -`, starting with a letter or digit.
/// Case-insensitive: it is stored and compared in lower case.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Username(String);

impl Username {
    /// # Errors
    /// `invalid_format` with the rule in the message.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let name = input.trim().to_ascii_lowercase();
        let well_formed = (3..=64).contains(&name.len())
            && name.starts_with(|c: char| c.is_ascii_alphanumeric())
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
        if well_formed {
            Ok(Self(name))
        } else {
            Err(Invalid::new(
                "invalid_format",
                "must be 3 to 64 characters of a-z, 0-9, '.', '_' or '-', starting with a letter or digit",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The name shown for a person, e.g. 王调解员.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    /// # Errors
    /// Blank, longer than 100 characters, or containing control characters.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        bounded_text(input, 100).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password acceptable as a new password: 12 to 128 characters, not only white space.
///
/// Length beats composition rules (NIST SP 800-63B); the upper bound keeps hashing cheap.
/// `Debug` never shows the value.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl NewPassword {
    pub const MIN_CHARS: usize = 12;
    pub const MAX_CHARS: usize = 128;

    /// # Errors
    /// `too_short`, `too_long` or `invalid_format` (white space only).
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let chars = input.chars().count();
        if chars < Self::MIN_CHARS {
            Err(Invalid::new(
                "too_short",
                format!("must be at least {} characters", Self::MIN_CHARS),
            ))
        } else if chars > Self::MAX_CHARS {
            Err(Invalid::new(
                "too_long",
                format!("must be at most {} characters", Self::MAX_CHARS),
            ))
        } else if input.trim().is_empty() {
            Err(Invalid::new(
                "invalid_format",
                "must not be only white space",
            ))
        } else {
            Ok(Self(input.to_owned()))
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

/// An account as stored, without its password hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: AccountId,
    pub username: Username,
    pub display_name: DisplayName,
    pub role: Role,
    pub organization_id: OrganizationId,
    pub status: crate::Status,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub last_login_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// A validated request to create an account (the organisation is checked against `role` by
/// [`NewAccount::check_organization`] once it is loaded).
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub username: Username,
    pub display_name: DisplayName,
    pub role: Role,
    pub organization_id: OrganizationId,
    pub password: NewPassword,
}

impl NewAccount {
    /// # Errors
    /// One entry per bad field (`username`, `display_name`, `password`).
    pub fn parse(
        username: &str,
        display_name: &str,
        role: Role,
        organization_id: OrganizationId,
        password: &str,
    ) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let username = errors.check("username", Username::parse(username));
        let display_name = errors.check("display_name", DisplayName::parse(display_name));
        let password = errors.check("password", NewPassword::parse(password));
        match (username, display_name, password) {
            (Some(username), Some(display_name), Some(password)) => Ok(Self {
                username,
                display_name,
                role,
                organization_id,
                password,
            }),
            _ => Err(errors),
        }
    }

    /// The account's organisation must exist, be active and be of a kind the role belongs to.
    ///
    /// # Errors
    /// An `organization_id` field error saying which.
    pub fn check_organization(
        &self,
        organization: Option<(OrganizationKind, crate::Status)>,
    ) -> Result<(), ValidationErrors> {
        crate::organization::check_named(organization, |kind| {
            (!self.role.allowed_in(kind)).then(|| {
                Invalid::new(
                    "role_not_allowed",
                    format!(
                        "a {} account cannot belong to a {} organisation",
                        self.role.as_str(),
                        kind.name()
                    ),
                )
            })
        })
    }
}

/// Why an administrator may not disable an account or organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DisableError {
    #[error("you cannot disable your own account")]
    OwnAccount,
    #[error("you cannot disable the organisation your own account belongs to")]
    OwnOrganization,
    #[error("this is the last active administrator; enable or create another one first")]
    LastAdmin,
}

impl DisableError {
    /// The refusal, with one stable code per reason wherever it arises.
    pub fn refusal(self) -> crate::case::Refusal {
        let code = match self {
            Self::OwnAccount => "cannot_disable_self",
            Self::OwnOrganization => "cannot_disable_own_organization",
            Self::LastAdmin => "last_admin",
        };
        crate::case::Refusal {
            code,
            rule: None,
            message: self.to_string(),
        }
    }
}

/// An administrator may disable any account but their own, and never the last active admin,
/// so the instance can always be administered.
///
/// # Errors
/// [`DisableError::OwnAccount`] or [`DisableError::LastAdmin`].
pub fn check_disable_account(
    actor: AccountId,
    target: AccountId,
    target_role: Role,
    other_active_admins: u64,
) -> Result<(), DisableError> {
    if actor == target {
        Err(DisableError::OwnAccount)
    } else if target_role == Role::Admin && other_active_admins == 0 {
        Err(DisableError::LastAdmin)
    } else {
        Ok(())
    }
}

/// An administrator may disable any organisation but their own (which would lock them out).
///
/// # Errors
/// [`DisableError::OwnOrganization`].
pub fn check_disable_organization(
    actor_organization: OrganizationId,
    target: OrganizationId,
) -> Result<(), DisableError> {
    if actor_organization == target {
        Err(DisableError::OwnOrganization)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Status;

    #[test]
    fn each_reason_not_to_disable_has_one_code_wherever_it_arises() {
        let codes: Vec<_> = [
            DisableError::OwnAccount,
            DisableError::OwnOrganization,
            DisableError::LastAdmin,
        ]
        .into_iter()
        .map(|e| e.refusal().code)
        .collect();
        assert_eq!(
            codes,
            [
                "cannot_disable_self",
                "cannot_disable_own_organization",
                "last_admin"
            ]
        );
    }
    use crate::organization::CourtLevel;
    use uuid::Uuid;

    fn org_id() -> OrganizationId {
        Uuid::from_u128(7).into()
    }

    #[test]
    fn usernames_are_lower_cased_and_shape_checked() {
        assert_eq!(Username::parse(" Wang.Li ").unwrap().as_str(), "wang.li");
        for bad in ["ab", "-abc", "wang li", "王丽", &"a".repeat(65)] {
            assert!(Username::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn passwords_need_twelve_to_128_characters_counted_as_characters() {
        assert_eq!(NewPassword::parse("short").unwrap_err().code, "too_short");
        assert!(NewPassword::parse("知识产权调解知识产权调解").is_ok()); // 12 characters, 36 bytes
        assert_eq!(
            NewPassword::parse(&"x".repeat(129)).unwrap_err().code,
            "too_long"
        );
        assert_eq!(
            NewPassword::parse(&" ".repeat(12)).unwrap_err().code,
            "invalid_format"
        );
    }

    #[test]
    fn password_debug_never_shows_the_secret() {
        let password = NewPassword::parse("correct horse battery").unwrap();
        assert!(!format!("{password:?}").contains("horse"));
    }

    #[test]
    fn new_account_names_every_bad_field() {
        let err = NewAccount::parse("x", "", Role::Mediator, org_id(), "short").unwrap_err();
        let fields: Vec<_> = err.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["username", "display_name", "password"]);
    }

    #[test]
    fn roles_only_fit_their_kinds_of_organisation() {
        use OrganizationKind as K;
        assert!(Role::Mediator.allowed_in(K::MediationCommittee));
        assert!(!Role::Mediator.allowed_in(K::Court(CourtLevel::Basic)));
        assert!(Role::Court.allowed_in(K::Court(CourtLevel::IpCourt)));
        assert!(!Role::Court.allowed_in(K::IpProtectionCentre));
        assert!(Role::Admin.allowed_in(K::Operator));
        assert!(!Role::Admin.allowed_in(K::MediationCommittee));
        assert!(
            OrganizationKind::ALL
                .iter()
                .all(|k| Role::Auditor.allowed_in(*k))
        );
    }

    #[test]
    fn the_organisation_must_exist_be_active_and_fit_the_role() {
        let account = NewAccount::parse(
            "wang",
            "王",
            Role::Mediator,
            org_id(),
            "long enough password",
        )
        .unwrap();
        let code = |org| account.check_organization(org).unwrap_err().0[0].code;
        assert_eq!(code(None), "not_found");
        assert_eq!(
            code(Some((
                OrganizationKind::MediationCommittee,
                Status::Disabled
            ))),
            "disabled"
        );
        assert_eq!(
            code(Some((
                OrganizationKind::Court(CourtLevel::Basic),
                Status::Active
            ))),
            "role_not_allowed"
        );
        assert_eq!(
            account
                .check_organization(Some((OrganizationKind::MediationCommittee, Status::Active))),
            Ok(())
        );
    }

    #[test]
    fn an_admin_cannot_disable_themselves_or_the_last_admin() {
        let (me, other) = (
            AccountId::from(Uuid::from_u128(1)),
            AccountId::from(Uuid::from_u128(2)),
        );
        assert_eq!(
            check_disable_account(me, me, Role::Admin, 5),
            Err(DisableError::OwnAccount)
        );
        assert_eq!(
            check_disable_account(me, other, Role::Admin, 0),
            Err(DisableError::LastAdmin)
        );
        assert_eq!(check_disable_account(me, other, Role::Admin, 1), Ok(()));
        assert_eq!(check_disable_account(me, other, Role::Mediator, 0), Ok(()));
        assert_eq!(
            check_disable_organization(org_id(), org_id()),
            Err(DisableError::OwnOrganization)
        );
    }
}
