//! Intake: validating a new dispute before it becomes a case.
use crate::Status;
use crate::account::Role;
use chrono::NaiveDate;

use crate::case::identifiers::{
    CreditCode, IdDocumentKind, IdentityDocument, PatentKind, PatentNumber, trademark_number,
};
use crate::case::{CourtProcedure, IpType, PartyKind, Side, Track};
use crate::organization::{self, City, OrganizationKind};
use crate::validation::{Invalid, ValidationErrors, bounded_text};

pub const MAX_PARTIES: usize = 20;
pub const MAX_AGENTS: usize = 5;
pub const MAX_CLAIMS: usize = 20;

/// A party as submitted, before validation.
#[derive(Debug, Clone, Default)]
pub struct PartyDraft {
    pub side: Option<Side>,
    pub kind: Option<PartyKind>,
    pub name: String,
    /// The kind of identity document `id_number` comes from; a resident ID when not given.
    pub id_type: Option<IdDocumentKind>,
    pub id_number: Option<String>,
    pub credit_code: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub agents: Vec<AgentDraft>,
}

/// An agent (代理人) as submitted.
#[derive(Debug, Clone, Default)]
pub struct AgentDraft {
    pub name: String,
    pub phone: Option<String>,
    pub firm: Option<String>,
}

/// A validated party. Parties are numbered from 1 within their case, in the order given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    pub number: u32,
    pub side: Side,
    pub kind: PartyKind,
    pub name: String,
    /// Persons only: the identity document, its number checked for its kind.
    pub identity: Option<IdentityDocument>,
    /// Organisations only.
    pub credit_code: Option<CreditCode>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub agents: Vec<Agent>,
}

/// A validated agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agent {
    pub name: String,
    pub phone: Option<String>,
    /// The law firm or agency, if any.
    pub firm: Option<String>,
}

/// The right in dispute, normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Right {
    Patent(PatentNumber),
    /// A trademark registration number.
    Trademark(String),
    /// Any other right, described in words (a work's title, a GI's name, a variety …).
    Described(String),
}

impl Right {
    /// The form stored and shown.
    pub fn normalized(&self) -> String {
        match self {
            Self::Patent(p) => p.normalized(),
            Self::Trademark(t) | Self::Described(t) => t.clone(),
        }
    }
}

/// A dispute as submitted, before validation.
#[derive(Debug, Clone)]
pub struct CaseDraft {
    pub track: Track,
    pub ip_type: IpType,
    pub right: String,
    pub right_title: Option<String>,
    pub parties: Vec<PartyDraft>,
    pub claims: Vec<String>,
    pub amount_fen: Option<i64>,
    pub city: String,
    pub court_procedure: Option<CourtProcedure>,
}

/// A validated dispute, ready to be stored as a `submitted` case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCase {
    pub track: Track,
    pub ip_type: IpType,
    pub right: Right,
    pub right_title: Option<String>,
    pub parties: Vec<Party>,
    pub claims: Vec<String>,
    /// In fen (分), CNY.
    pub amount_fen: Option<i64>,
    pub city: City,
    pub court_procedure: Option<CourtProcedure>,
}

fn optional(
    errors: &mut ValidationErrors,
    field: &str,
    value: Option<&String>,
    max: usize,
) -> Option<String> {
    value.and_then(|v| errors.check(field, bounded_text(v, max)))
}

fn phone(value: &str) -> Result<String, Invalid> {
    let phone = value.trim();
    let digits = phone.bytes().filter(u8::is_ascii_digit).count();
    if (5..=20).contains(&digits)
        && phone
            .chars()
            .all(|c| c.is_ascii_digit() || " +-()".contains(c))
    {
        Ok(phone.to_owned())
    } else {
        Err(Invalid::new(
            "invalid_format",
            "a phone number has 5 to 20 digits, with optional + - ( ) and spaces",
        ))
    }
}

impl PartyDraft {
    fn parse(&self, number: u32, today: NaiveDate, errors: &mut ValidationErrors) -> Option<Party> {
        let at = |f: &str| format!("parties[{}].{f}", number - 1);
        let side = errors.check(
            &at("side"),
            self.side
                .ok_or_else(|| Invalid::new("required", "applicant or respondent")),
        );
        let kind = errors.check(
            &at("kind"),
            self.kind
                .ok_or_else(|| Invalid::new("required", "person or organization")),
        );
        let name = errors.check(&at("name"), bounded_text(&self.name, 200));
        let id_kind = self.id_type.unwrap_or(IdDocumentKind::ResidentId);
        let identity = self.id_number.as_ref().and_then(|n| {
            errors.check(&at("id_number"), IdentityDocument::parse(id_kind, n, today))
        });
        if self.id_type.is_some() && self.id_number.is_none() {
            errors.push(
                &at("id_number"),
                Invalid::new(
                    "required",
                    "the number of the identity document named in id_type",
                ),
            );
        }
        let credit_code = self
            .credit_code
            .as_ref()
            .and_then(|c| errors.check(&at("credit_code"), CreditCode::parse(c)));
        match kind {
            Some(PartyKind::Person) if self.credit_code.is_some() => {
                errors.push(
                    &at("credit_code"),
                    Invalid::new("not_allowed", "only organisations have a credit code"),
                );
            }
            Some(PartyKind::Organization) if self.id_number.is_some() || self.id_type.is_some() => {
                errors.push(
                    &at("id_number"),
                    Invalid::new("not_allowed", "only persons have an identity number"),
                );
            }
            _ => {}
        }
        let phone_number = self
            .phone
            .as_ref()
            .and_then(|p| errors.check(&at("phone"), phone(p)));
        let address = optional(errors, &at("address"), self.address.as_ref(), 200);
        if self.agents.len() > MAX_AGENTS {
            errors.push(
                &at("agents"),
                Invalid::new("too_many", format!("at most {MAX_AGENTS} agents per party")),
            );
        }
        let agents: Vec<Option<Agent>> = self
            .agents
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let at = |f: &str| format!("parties[{}].agents[{i}].{f}", number - 1);
                let name = errors.check(&at("name"), bounded_text(&a.name, 100));
                let phone = a
                    .phone
                    .as_ref()
                    .and_then(|p| errors.check(&at("phone"), phone(p)));
                let firm = optional(errors, &at("firm"), a.firm.as_ref(), 200);
                name.map(|name| Agent { name, phone, firm })
            })
            .collect();
        Some(Party {
            number,
            side: side?,
            kind: kind?,
            name: name?,
            identity,
            credit_code,
            phone: phone_number,
            address,
            agents: agents.into_iter().collect::<Option<Vec<_>>>()?,
        })
    }
}

fn right(ip_type: IpType, raw: &str) -> Result<Right, Invalid> {
    let expected = match ip_type {
        IpType::InventionPatent => Some(PatentKind::Invention),
        IpType::UtilityModel => Some(PatentKind::UtilityModel),
        IpType::DesignPatent => Some(PatentKind::Design),
        _ => None,
    };
    match (ip_type, expected) {
        (_, Some(kind)) => {
            let number = PatentNumber::parse(raw)?;
            if number.kind() == Some(kind) {
                Ok(Right::Patent(number))
            } else {
                Err(Invalid::new(
                    "type_mismatch",
                    format!(
                        "the number's type digit does not denote a {}",
                        ip_type.as_str().replace('_', " ")
                    ),
                ))
            }
        }
        (IpType::Trademark, _) => trademark_number(raw).map(Right::Trademark),
        _ => bounded_text(raw, 200).map(Right::Described),
    }
}

impl CaseDraft {
    /// Validates the dispute, as of `today` (China), and reports every bad field at once.
    ///
    /// # Errors
    /// One entry per bad field, with paths such as `parties[1].credit_code`.
    pub fn parse(&self, today: NaiveDate) -> Result<NewCase, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        match self.track {
            Track::AdminPatent if !self.ip_type.is_patent() => errors.push(
                "ip_type",
                Invalid::new(
                    "track_mismatch",
                    "administrative patent mediation concerns patents",
                ),
            ),
            Track::AdminTrademark if self.ip_type != IpType::Trademark => errors.push(
                "ip_type",
                Invalid::new(
                    "track_mismatch",
                    "administrative trademark mediation concerns trademarks",
                ),
            ),
            _ => {}
        }
        let right = errors.check("right", right(self.ip_type, &self.right));
        let right_title = optional(&mut errors, "right_title", self.right_title.as_ref(), 200);
        if self.parties.len() > MAX_PARTIES {
            errors.push(
                "parties",
                Invalid::new("too_many", format!("at most {MAX_PARTIES} parties")),
            );
        }
        let parties: Vec<Option<Party>> = (1..)
            .zip(&self.parties)
            .map(|(number, draft)| draft.parse(number, today, &mut errors))
            .collect();
        for side in Side::ALL {
            if !self.parties.iter().any(|p| p.side == Some(*side)) {
                errors.push(
                    "parties",
                    Invalid::new("required", format!("at least one {side} is needed")),
                );
            }
        }
        if self.claims.is_empty() || self.claims.len() > MAX_CLAIMS {
            errors.push(
                "claims",
                Invalid::new("required", format!("1 to {MAX_CLAIMS} claims")),
            );
        }
        let claims: Vec<Option<String>> = self
            .claims
            .iter()
            .enumerate()
            .map(|(i, c)| errors.check(&format!("claims[{i}]"), bounded_text(c, 2000)))
            .collect();
        if self.amount_fen.is_some_and(|a| a < 0) {
            errors.push(
                "amount_fen",
                Invalid::new("negative", "the amount in dispute cannot be negative"),
            );
        }
        let city = errors.check("city", City::parse(&self.city));
        match (self.track, self.court_procedure) {
            (Track::CourtEntrusted, None) => errors.push(
                "court_procedure",
                Invalid::new(
                    "required",
                    "an entrusted case comes from an ordinary or summary procedure (R15)",
                ),
            ),
            (Track::CourtEntrusted, Some(_)) | (_, None) => {}
            (_, Some(_)) => errors.push(
                "court_procedure",
                Invalid::new(
                    "not_allowed",
                    "only court_entrusted cases have a court procedure",
                ),
            ),
        }
        let parties = parties.into_iter().collect::<Option<Vec<_>>>();
        let claims = claims.into_iter().collect::<Option<Vec<_>>>();
        match (errors.is_empty(), right, parties, claims, city) {
            (true, Some(right), Some(parties), Some(claims), Some(city)) => Ok(NewCase {
                track: self.track,
                ip_type: self.ip_type,
                right,
                right_title,
                parties,
                claims,
                amount_fen: self.amount_fen,
                city,
                court_procedure: self.court_procedure,
            }),
            _ => Err(errors),
        }
    }
}

/// Who may open a case of which track: mediators the mediation tracks, court users the court
/// tracks (a court refers the dispute).
///
/// # Errors
/// A `track` field error.
pub fn check_opener(role: Role, track: Track) -> Result<(), ValidationErrors> {
    let allowed = match role {
        Role::Mediator => !track.is_court(),
        Role::Court => track.is_court(),
        _ => false,
    };
    if allowed {
        Ok(())
    } else {
        Err(ValidationErrors::one(
            "track",
            Invalid::new(
                "not_allowed_for_role",
                if track.is_court() {
                    "court tracks are opened by the referring court"
                } else {
                    "this track is opened by a mediator"
                },
            ),
        ))
    }
}

/// The handling organisation must exist, be active and handle the track.
///
/// # Errors
/// An `organization_id` field error.
pub fn check_handler(
    track: Track,
    handler: Option<(OrganizationKind, Status)>,
) -> Result<(), ValidationErrors> {
    organization::check_named(handler, |kind| {
        (!track.handled_by(kind)).then(|| {
            Invalid::new(
                "track_not_handled",
                format!("a {} does not handle {} cases", kind.name(), track.as_str()),
            )
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()
    }

    pub(crate) fn person(side: Side, name: &str) -> PartyDraft {
        PartyDraft {
            side: Some(side),
            kind: Some(PartyKind::Person),
            name: name.into(),
            ..Default::default()
        }
    }

    pub(crate) fn draft() -> CaseDraft {
        CaseDraft {
            track: Track::People,
            ip_type: IpType::InventionPatent,
            right: "201080063196.9".into(),
            right_title: Some("一种通信方法".into()),
            parties: vec![
                PartyDraft {
                    side: Some(Side::Applicant),
                    kind: Some(PartyKind::Organization),
                    name: "华为技术有限公司".into(),
                    credit_code: Some("914403001922038216".into()),
                    agents: vec![AgentDraft {
                        name: "李律师".into(),
                        phone: Some("0411-8888 6666".into()),
                        firm: None,
                    }],
                    ..Default::default()
                },
                person(Side::Respondent, "张三"),
            ],
            claims: vec!["停止侵权".into(), "赔偿损失".into()],
            amount_fen: Some(50_000_000),
            city: "大连".into(),
            court_procedure: None,
        }
    }

    #[test]
    fn a_well_formed_dispute_parses_with_numbered_parties_and_a_normalised_right() {
        let case = draft().parse(today()).unwrap();
        assert_eq!(case.right.normalized(), "201080063196.9");
        assert_eq!(
            case.parties.iter().map(|p| p.number).collect::<Vec<_>>(),
            [1, 2]
        );
        assert_eq!(
            case.parties[0].credit_code.as_ref().unwrap().as_str(),
            "914403001922038216"
        );
    }

    #[test]
    fn every_bad_field_is_named_with_its_path() {
        let mut d = draft();
        d.parties[0].credit_code = Some("914403001922038217".into());
        d.parties[1].phone = Some("call me".into());
        d.parties[0].agents[0].name = String::new();
        d.claims = vec![];
        d.amount_fen = Some(-1);
        let fields: Vec<String> = d
            .parse(today())
            .unwrap_err()
            .0
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            [
                "parties[0].credit_code",
                "parties[0].agents[0].name",
                "parties[1].phone",
                "claims",
                "amount_fen"
            ]
        );
    }

    #[test]
    fn the_right_must_fit_the_ip_type() {
        let mut d = draft();
        d.ip_type = IpType::UtilityModel; // 201080063196.9 is an invention application
        assert_eq!(d.parse(today()).unwrap_err().0[0].code, "type_mismatch");
        d.ip_type = IpType::Trademark;
        d.right = "12345678".into();
        assert_eq!(
            d.parse(today()).unwrap().right,
            Right::Trademark("12345678".into())
        );
    }

    #[test]
    fn both_sides_are_needed() {
        let mut d = draft();
        d.parties.truncate(1);
        let err = d.parse(today()).unwrap_err();
        assert_eq!(
            (err.0[0].field.as_str(), err.0[0].code),
            ("parties", "required")
        );
    }

    #[test]
    fn administrative_tracks_concern_their_right_and_entrusted_cases_need_a_procedure() {
        let mut d = draft();
        d.track = Track::AdminTrademark;
        assert_eq!(d.parse(today()).unwrap_err().0[0].field, "ip_type");
        let mut d = draft();
        d.track = Track::CourtEntrusted;
        assert_eq!(d.parse(today()).unwrap_err().0[0].field, "court_procedure");
        d.court_procedure = Some(CourtProcedure::Summary);
        assert!(d.parse(today()).is_ok());
    }

    #[test]
    fn identity_numbers_belong_to_persons_and_credit_codes_to_organisations() {
        let mut d = draft();
        d.parties[1].credit_code = Some("914403001922038216".into());
        d.parties[0].id_number = Some("11010519491231002X".into());
        let fields: Vec<String> = d
            .parse(today())
            .unwrap_err()
            .0
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["parties[0].id_number", "parties[1].credit_code"]);
    }

    #[test]
    fn mediators_open_mediation_tracks_and_courts_open_court_tracks() {
        for track in Track::ALL {
            assert_eq!(
                check_opener(Role::Mediator, *track).is_ok(),
                !track.is_court()
            );
            assert_eq!(check_opener(Role::Court, *track).is_ok(), track.is_court());
            assert!(check_opener(Role::Admin, *track).is_err());
        }
    }

    #[test]
    fn the_handler_must_handle_the_track() {
        use OrganizationKind as K;
        assert!(
            check_handler(Track::People, Some((K::MediationCommittee, Status::Active))).is_ok()
        );
        assert!(
            check_handler(
                Track::AdminPatent,
                Some((K::MediationCommittee, Status::Active))
            )
            .is_err()
        );
        assert!(
            check_handler(
                Track::CourtDelegated,
                Some((K::IndustryAssociation, Status::Active))
            )
            .is_ok()
        );
        assert_eq!(
            check_handler(Track::People, None).unwrap_err().0[0].code,
            "not_found"
        );
    }

    #[test]
    fn an_identity_number_is_a_resident_id_unless_its_document_is_named() {
        let mut d = draft();
        // A resident ID with a dropped digit is refused, not kept as some other document.
        d.parties[1].id_number = Some("11010519491231002".into());
        let err = d.parse(today()).unwrap_err();
        assert_eq!(
            (err.0[0].field.as_str(), err.0[0].code),
            ("parties[1].id_number", "invalid_format")
        );
        d.parties[1].id_type = Some(IdDocumentKind::Passport);
        d.parties[1].id_number = Some("e12345678".into());
        let case = d.parse(today()).unwrap();
        assert_eq!(
            case.parties[1].identity,
            Some(IdentityDocument {
                kind: IdDocumentKind::Passport,
                number: "E12345678".into()
            })
        );
        d.parties[1].id_number = None;
        assert_eq!(
            d.parse(today()).unwrap_err().0[0].field,
            "parties[1].id_number"
        );
        // A full-width resident ID is normalised and stored in ASCII.
        d.parties[1].id_type = None;
        d.parties[1].id_number = Some("１１０１０５１９４９１２３１００２ｘ".into());
        assert_eq!(
            d.parse(today()).unwrap().parties[1]
                .identity
                .as_ref()
                .unwrap()
                .number,
            "11010519491231002X"
        );
    }
}
