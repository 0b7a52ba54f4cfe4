//! Organisations of an instance: mediation bodies, courts, investigator pools, liaison offices and
//! the operator that runs the instance.
use crate::division::DivisionCode;
use crate::validation::{Invalid, ValidationErrors, bounded_text};

/// The level of a court; it decides which matters the court may confirm (R9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CourtLevel {
    /// 基层人民法院
    Basic,
    /// 中级人民法院
    Intermediate,
    /// 知识产权法院 / 知识产权法庭
    IpCourt,
}

impl CourtLevel {
    pub const ALL: [CourtLevel; 3] = [Self::Basic, Self::Intermediate, Self::IpCourt];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Basic => "basic",
            Self::Intermediate => "intermediate",
            Self::IpCourt => "ip_court",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// What an organisation is. A court always has a level, so a court without one cannot be built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrganizationKind {
    /// 知识产权人民调解委员会
    MediationCommittee,
    /// 知识产权保护中心 (also does administrative mediation)
    IpProtectionCentre,
    /// 行业协会 running industry mediation
    IndustryAssociation,
    Court(CourtLevel),
    /// The shared pool of technical investigators (技术调查官)
    InvestigatorPool,
    /// A city's office for cross-region cooperation
    LiaisonOffice,
    /// Whoever runs this IPDR instance; home of the administrators.
    Operator,
}

impl OrganizationKind {
    /// Every kind, courts once per level.
    pub const ALL: [OrganizationKind; 9] = [
        Self::MediationCommittee,
        Self::IpProtectionCentre,
        Self::IndustryAssociation,
        Self::Court(CourtLevel::Basic),
        Self::Court(CourtLevel::Intermediate),
        Self::Court(CourtLevel::IpCourt),
        Self::InvestigatorPool,
        Self::LiaisonOffice,
        Self::Operator,
    ];

    /// The stable name of the kind, without the court level.
    pub fn name(self) -> &'static str {
        match self {
            Self::MediationCommittee => "mediation_committee",
            Self::IpProtectionCentre => "ip_protection_centre",
            Self::IndustryAssociation => "industry_association",
            Self::Court(_) => "court",
            Self::InvestigatorPool => "investigator_pool",
            Self::LiaisonOffice => "liaison_office",
            Self::Operator => "operator",
        }
    }

    pub fn court_level(self) -> Option<CourtLevel> {
        match self {
            Self::Court(level) => Some(level),
            _ => None,
        }
    }

    /// Builds a kind from its name and the court level, which is required for courts and
    /// refused for everything else.
    ///
    /// # Errors
    /// Names the offending field: `kind` (unknown name) or `court_level`.
    pub fn parse(kind: &str, court_level: Option<&str>) -> Result<Self, ValidationErrors> {
        let level = match court_level.map(|l| (l, CourtLevel::parse(l))) {
            None => None,
            Some((_, Some(level))) => Some(level),
            Some((raw, None)) => {
                return Err(ValidationErrors::one(
                    "court_level",
                    Invalid::new(
                        "unknown_value",
                        format!(
                            "unknown court level `{raw}`; expected basic, intermediate or ip_court"
                        ),
                    ),
                ));
            }
        };
        let simple = [
            Self::MediationCommittee,
            Self::IpProtectionCentre,
            Self::IndustryAssociation,
            Self::InvestigatorPool,
            Self::LiaisonOffice,
            Self::Operator,
        ];
        match (kind, level) {
            ("court", Some(level)) => Ok(Self::Court(level)),
            ("court", None) => Err(ValidationErrors::one(
                "court_level",
                Invalid::new(
                    "required",
                    "a court needs its level: basic, intermediate or ip_court",
                ),
            )),
            (name, level) => match simple.into_iter().find(|k| k.name() == name) {
                Some(_) if level.is_some() => Err(ValidationErrors::one(
                    "court_level",
                    Invalid::new("not_allowed", "only courts have a court level"),
                )),
                Some(found) => Ok(found),
                None => Err(ValidationErrors::one(
                    "kind",
                    Invalid::new(
                        "unknown_value",
                        format!("unknown organisation kind `{name}`"),
                    ),
                )),
            },
        }
    }
}

/// A short, unique, upper-case code for an organisation, used in case numbers (`DLIPMC-2026-000123`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OrganizationCode(String);

impl OrganizationCode {
    /// Accepts 2–16 ASCII letters and digits starting with a letter; lower case is upper-cased.
    ///
    /// # Errors
    /// `invalid_format` for anything else.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let code = input.trim().to_ascii_uppercase();
        let well_formed = (2..=16).contains(&code.len())
            && code.starts_with(|c: char| c.is_ascii_uppercase())
            && code
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
        if well_formed {
            Ok(Self(code))
        } else {
            Err(Invalid::new(
                "invalid_format",
                "must be 2 to 16 letters or digits, starting with a letter (e.g. DLIPMC)",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The full name of an organisation, e.g. 大连市知识产权人民调解委员会.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganizationName(String);

impl OrganizationName {
    pub const MAX_CHARS: usize = 200;

    /// # Errors
    /// Blank, longer than 200 characters, or containing control characters.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        bounded_text(input, Self::MAX_CHARS).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The city an organisation sits in (大连, Dalian, 西宁 …), as written by the admin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct City(String);

impl City {
    pub const MAX_CHARS: usize = 64;

    /// # Errors
    /// Blank, longer than 64 characters, or containing control characters.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        bounded_text(input, Self::MAX_CHARS).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a court has jurisdiction over (R9, R14): the places — as written in addresses (大连市,
/// 甘井子区, Dalian), matched against parties' addresses and the dispute's city, and as
/// administrative divisions (GB/T 2260), matched against where a mediation body sits — and the
/// kinds of IP right. An administrator maintains it; a court without it is eligible for nothing
/// but the cases it referred.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Jurisdiction {
    pub areas: Vec<String>,
    pub divisions: Vec<DivisionCode>,
    pub ip_types: Vec<crate::case::IpType>,
}

impl Jurisdiction {
    pub const MAX_AREAS: usize = 50;

    /// Validates the places: 1 to 50 in all, names of 1 to 64 characters and GB/T 2260 codes,
    /// no repeats.
    ///
    /// # Errors
    /// `areas`, `areas[i]`, `divisions[i]` at fault; `ip_types` repeated.
    pub fn parse(
        areas: &[String],
        divisions: &[String],
        ip_types: &[crate::case::IpType],
    ) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let places = areas.len() + divisions.len();
        if places == 0 || places > Self::MAX_AREAS {
            errors.push(
                "areas",
                Invalid::new(
                    "invalid_length",
                    format!("1 to {} places (areas and divisions)", Self::MAX_AREAS),
                ),
            );
        }
        let mut codes: Vec<DivisionCode> = Vec::with_capacity(divisions.len());
        for (i, raw) in divisions.iter().enumerate() {
            let field = format!("divisions[{i}]");
            if let Some(code) = errors.check(&field, DivisionCode::parse(raw)) {
                if codes.contains(&code) {
                    errors.push(&field, Invalid::new("duplicate", "listed twice"));
                } else {
                    codes.push(code);
                }
            }
        }
        let mut parsed: Vec<String> = Vec::with_capacity(areas.len());
        for (i, area) in areas.iter().enumerate() {
            let field = format!("areas[{i}]");
            if let Some(area) = errors.check(&field, bounded_text(area, City::MAX_CHARS)) {
                if parsed
                    .iter()
                    .any(|a| a.to_lowercase() == area.to_lowercase())
                {
                    errors.push(&field, Invalid::new("duplicate", "listed twice"));
                } else {
                    parsed.push(area);
                }
            }
        }
        let mut types = ip_types.to_vec();
        types.sort_unstable();
        types.dedup();
        if types.len() != ip_types.len() {
            errors.push(
                "ip_types",
                Invalid::new("duplicate", "an IP type is listed twice"),
            );
        }
        if errors.is_empty() {
            Ok(Self {
                areas: parsed,
                divisions: codes,
                ip_types: types,
            })
        } else {
            Err(errors)
        }
    }

    /// Whether the division `code` and one of the court's divisions lie one within the other
    /// (a body known to sit in Dalian, 210200, and a court of its Zhongshan district, 210202).
    pub fn covers_division(&self, code: &DivisionCode) -> bool {
        self.divisions.iter().any(|d| d.overlaps(code))
    }

    /// Whether `place` (a city or an address) lies in one of the areas: the place names the area.
    pub fn covers_place(&self, place: &str) -> bool {
        let place = place.to_lowercase();
        self.areas
            .iter()
            .any(|area| place.contains(&area.to_lowercase()))
    }
}

/// An organisation as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organization {
    pub id: crate::OrganizationId,
    pub code: OrganizationCode,
    pub name: OrganizationName,
    pub kind: OrganizationKind,
    pub city: City,
    /// Where it sits (GB/T 2260), if recorded: decides "the court where the mediation body
    /// sits" (R9, R14).
    pub division: Option<DivisionCode>,
    pub status: crate::Status,
    /// The R16 target of a mediation committee in days; `None` means the default (30).
    pub people_mediation_days: Option<u32>,
    /// Courts only: what the court has jurisdiction over (R9, R14).
    pub jurisdiction: Option<Jurisdiction>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// R16 targets an administrator may set: 1 to 365 days.
///
/// # Errors
/// Outside that range.
pub fn people_mediation_days(days: u32) -> Result<u32, Invalid> {
    if (1..=365).contains(&days) {
        Ok(days)
    } else {
        Err(Invalid::new("out_of_range", "1 to 365 days"))
    }
}

/// The organisation a request names in `organization_id` must exist, be active and be of a
/// kind that fits; `misfit` says why a kind does not.
///
/// # Errors
/// An `organization_id` field error: `not_found`, `disabled`, or `misfit`'s.
pub fn check_named(
    organization: Option<(OrganizationKind, crate::Status)>,
    misfit: impl FnOnce(OrganizationKind) -> Option<Invalid>,
) -> Result<(), ValidationErrors> {
    let invalid = match organization {
        None => Invalid::new("not_found", "no such organisation"),
        Some((_, crate::Status::Disabled)) => {
            Invalid::new("disabled", "the organisation is disabled")
        }
        Some((kind, crate::Status::Active)) => match misfit(kind) {
            Some(invalid) => invalid,
            None => return Ok(()),
        },
    };
    Err(ValidationErrors::one("organization_id", invalid))
}

/// A validated request to create an organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrganization {
    pub code: OrganizationCode,
    pub name: OrganizationName,
    pub kind: OrganizationKind,
    pub city: City,
    pub division: Option<DivisionCode>,
}

impl NewOrganization {
    /// Validates every field and reports all that are wrong at once.
    ///
    /// # Errors
    /// One entry per bad field (`code`, `name`, `kind`, `court_level`, `city`, `division_code`).
    pub fn parse(
        code: &str,
        name: &str,
        kind: &str,
        court_level: Option<&str>,
        city: &str,
        division: Option<&str>,
    ) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let code = errors.check("code", OrganizationCode::parse(code));
        let name = errors.check("name", OrganizationName::parse(name));
        let kind = OrganizationKind::parse(kind, court_level)
            .map_err(|e| errors.0.extend(e.0))
            .ok();
        let city = errors.check("city", City::parse(city));
        let division = division.map(|d| errors.check("division_code", DivisionCode::parse(d)));
        match (code, name, kind, city, division) {
            (Some(code), Some(name), Some(kind), Some(city), division @ (None | Some(Some(_)))) => {
                Ok(Self {
                    code,
                    name,
                    kind,
                    city,
                    division: division.flatten(),
                })
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_round_trips_through_its_name_and_level() {
        for kind in OrganizationKind::ALL {
            let level = kind.court_level().map(CourtLevel::as_str);
            assert_eq!(OrganizationKind::parse(kind.name(), level), Ok(kind));
        }
    }

    #[test]
    fn a_court_without_a_level_is_refused_on_court_level() {
        let err = OrganizationKind::parse("court", None).unwrap_err();
        assert_eq!(err.0[0].field, "court_level");
        assert_eq!(err.0[0].code, "required");
    }

    #[test]
    fn a_level_on_anything_but_a_court_is_refused() {
        let err = OrganizationKind::parse("mediation_committee", Some("basic")).unwrap_err();
        assert_eq!(
            (err.0[0].field.as_str(), err.0[0].code),
            ("court_level", "not_allowed")
        );
    }

    #[test]
    fn unknown_kinds_and_levels_name_their_field() {
        assert_eq!(
            OrganizationKind::parse("bank", None).unwrap_err().0[0].field,
            "kind"
        );
        assert_eq!(
            OrganizationKind::parse("court", Some("supreme"))
                .unwrap_err()
                .0[0]
                .field,
            "court_level"
        );
    }

    #[test]
    fn codes_are_upper_cased_and_shape_checked() {
        assert_eq!(
            OrganizationCode::parse(" dlipmc ").unwrap().as_str(),
            "DLIPMC"
        );
        for bad in ["", "D", "1ABC", "DL-IP", "ABCDEFGHIJKLMNOPQ", "大连"] {
            assert!(OrganizationCode::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn new_organization_reports_every_bad_field() {
        let err = NewOrganization::parse("x", "", "court", None, " ", Some("99")).unwrap_err();
        let fields: Vec<_> = err.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["code", "name", "court_level", "city", "division_code"]
        );
        let ok = NewOrganization::parse(
            "DLIPMC",
            "调委会",
            "mediation_committee",
            None,
            "大连",
            Some("210200"),
        )
        .unwrap();
        assert_eq!(
            ok.division.map(|d| d.to_string()),
            Some("210200".to_owned())
        );
    }

    #[test]
    fn a_jurisdiction_lists_places_by_name_or_by_division_code() {
        let names = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let j = Jurisdiction::parse(&[], &names(&["210202"]), &[crate::case::IpType::Trademark])
            .unwrap();
        let dalian = DivisionCode::parse("210200").unwrap();
        let shenyang = DivisionCode::parse("210100").unwrap();
        assert!(j.covers_division(&dalian));
        assert!(!j.covers_division(&shenyang));
        assert!(!j.covers_place("大连"));
        let err = Jurisdiction::parse(&[], &names(&["210202", "210202", "2102"]), &[]).unwrap_err();
        let fields: Vec<_> = err.0.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            fields,
            [
                ("divisions[1]", "duplicate"),
                ("divisions[2]", "invalid_format")
            ]
        );
        assert_eq!(
            Jurisdiction::parse(&[], &[], &[]).unwrap_err().0[0].field,
            "areas"
        );
    }
}
