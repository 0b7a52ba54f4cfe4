//! Judicial confirmation (司法确认) of a settlement agreement: which courts may confirm it (R9,
//! R14), when the parties may apply (R8, R12), and the court's handling of the application (R10,
//! R13).
//!
//! ```text
//! submitted ──accept (3 d; 3 working days on admin_*)──▶ accepted ──confirm──▶ confirmed
//!     │                                              │  │  (15 d, +10 once with approval)
//!  refuse_acceptance ──▶ not_accepted                │  └──refuse (an R13 ground)──▶ refused
//!     │                                              │
//!     └──── withdraw (applicants, before the ruling) ┴──▶ withdrawn
//!     └──── void (the agreement changed) ────────────┴──▶ voided
//! ```
//! The application binds to the digest of the signed agreement: the court reviews exactly what
//! was signed, and a change of the agreement voids an application still pending.
use chrono::{DateTime, NaiveDate, Utc};

use crate::calendar::Period;
use crate::case::lifecycle::Reason;
use crate::case::{CaseStatus, IpType, Refusal, Track, refuse};
use crate::organization::{CourtLevel, Jurisdiction};
use crate::validation::{Invalid, ValidationErrors, bounded_text};
use crate::{AccountId, ApplicationId, CaseId, OrganizationId};

/// R8, R14: the parties apply within 30 days of the agreement taking effect.
pub const APPLICATION_WINDOW: Period = Period::CalendarDays(30);
/// R10: the court rules within 15 days of accepting the application…
pub const RULING_PERIOD: Period = Period::CalendarDays(15);
/// …or 25 with the court president's approval of a 10-day extension.
pub const EXTENDED_RULING_PERIOD: Period = Period::CalendarDays(25);

/// R10: the court decides on acceptance within 3 days; R14: 3 working days for administrative
/// mediation agreements.
pub fn acceptance_period(track: Track) -> Period {
    match track {
        Track::AdminPatent | Track::AdminTrademark => Period::WorkingDays(3),
        _ => Period::CalendarDays(3),
    }
}

named_enum! {
    /// Where an application stands.
    pub enum ApplicationStatus {
        /// Sent to the court, which has not yet decided whether to accept it.
        Submitted = "submitted",
        /// Accepted; the court is reviewing it (R10: ruling within 15 days).
        Accepted = "accepted",
        /// The court refused to accept it (不予受理).
        NotAccepted = "not_accepted",
        /// The ruling confirms the agreement: it is enforceable.
        Confirmed = "confirmed",
        /// The ruling refuses confirmation on an R13 ground.
        Refused = "refused",
        /// The applicants withdrew it before the ruling.
        Withdrawn = "withdrawn",
        /// The agreement changed while it was pending.
        Voided = "voided",
    }
}

impl ApplicationStatus {
    /// Still before the court: a case has at most one such application.
    pub fn is_pending(self) -> bool {
        matches!(self, Self::Submitted | Self::Accepted)
    }
}

named_enum! {
    /// R13: the grounds on which a court refuses confirmation.
    pub enum RefusalGround {
        ViolatesMandatoryLaw = "violates_mandatory_law",
        HarmsStateInterest = "harms_state_interest",
        HarmsPublicInterest = "harms_public_interest",
        HarmsThirdPartyInterest = "harms_third_party_interest",
        OffendsPublicOrder = "offends_public_order",
        NotVoluntary = "not_voluntary",
        UnclearContent = "unclear_content",
    }
}

impl RefusalGround {
    /// R13: a refusal of confirmation names its ground; `None` is refused, listing every
    /// ground there is.
    ///
    /// # Errors
    /// `required` when no ground is named.
    pub fn required(ground: Option<Self>) -> Result<Self, Invalid> {
        ground.ok_or_else(|| {
            let grounds: Vec<&str> = Self::ALL.iter().map(|g| g.as_str()).collect();
            Invalid::new(
                "required",
                format!("R13: a refusal names its ground ({})", grounds.join(", ")),
            )
        })
    }
}

named_enum! {
    /// Why a court is eligible to confirm a case's agreement (R9, R14).
    pub enum EligibilityGround {
        /// The court referred the dispute to mediation: it alone confirms (R9).
        ReferringCourt = "referring_court",
        /// A party lives (or has its seat) in the court's area (R9).
        PartyDomicile = "party_domicile",
        /// The subject of the dispute is in the court's area (R9).
        SubjectLocation = "subject_location",
        /// The mediation body sits in the court's area (R9).
        MediationBodyLocation = "mediation_body_location",
        /// Administrative mediation: the court with IP jurisdiction where the authority sits (R14).
        AuthorityLocation = "authority_location",
    }
}

/// A court as eligibility sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CourtFacts {
    pub id: OrganizationId,
    pub level: CourtLevel,
    pub active: bool,
    pub jurisdiction: Option<Jurisdiction>,
}

/// A case as eligibility sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfirmationPlaces<'a> {
    pub track: Track,
    pub ip_type: IpType,
    pub referring_court_id: Option<OrganizationId>,
    /// The parties' addresses, where recorded.
    pub party_addresses: Vec<&'a str>,
    /// Where the subject of the dispute is (the case's city).
    pub subject_location: &'a str,
    /// Where the mediation body (or the IP authority) sits: its city as written…
    pub mediation_body_city: &'a str,
    /// …and its administrative division, when recorded.
    pub mediation_body_division: Option<&'a crate::division::DivisionCode>,
}

/// A court that may confirm, with every ground that makes it eligible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EligibleCourt {
    pub court_id: OrganizationId,
    pub grounds: Vec<EligibilityGround>,
}

/// The level at which a matter belongs (R9): technical rights (invention patents, utility
/// models, plant varieties, integrated-circuit layout designs) go to an intermediate or IP
/// court; everything else to a basic court with IP jurisdiction.
pub fn belongs_above_basic(ip_type: IpType) -> bool {
    matches!(
        ip_type,
        IpType::InventionPatent
            | IpType::UtilityModel
            | IpType::PlantVariety
            | IpType::IcLayoutDesign
    )
}

fn level_fits(level: CourtLevel, ip_type: IpType) -> bool {
    (level == CourtLevel::Basic) != belongs_above_basic(ip_type)
}

/// The courts that may confirm the agreement of a case (R9, R14), in the order given. The
/// referring court alone if the case came from a court; for administrative mediation the court
/// with jurisdiction over the IP type where the authority sits; otherwise the courts at the
/// matter's level with jurisdiction over its IP type where a party lives, the subject is or the
/// mediation body sits. Disabled courts are never eligible.
pub fn eligible_courts(case: &ConfirmationPlaces<'_>, courts: &[CourtFacts]) -> Vec<EligibleCourt> {
    use EligibilityGround as G;
    courts
        .iter()
        .filter(|court| court.active)
        .filter_map(|court| {
            let grounds = if let Some(referrer) = case.referring_court_id {
                if court.id == referrer {
                    vec![G::ReferringCourt]
                } else {
                    vec![]
                }
            } else {
                let jurisdiction = court.jurisdiction.as_ref()?;
                if !jurisdiction.ip_types.contains(&case.ip_type)
                    || !level_fits(court.level, case.ip_type)
                {
                    return None;
                }
                // R9, R14: where the body sits, by its division code when both sides have one,
                // else by name.
                let body_here = jurisdiction.covers_place(case.mediation_body_city)
                    || case
                        .mediation_body_division
                        .is_some_and(|d| jurisdiction.covers_division(d));
                let mut grounds = vec![];
                match case.track {
                    Track::AdminPatent | Track::AdminTrademark => {
                        if body_here {
                            grounds.push(G::AuthorityLocation);
                        }
                    }
                    _ => {
                        if case
                            .party_addresses
                            .iter()
                            .any(|a| jurisdiction.covers_place(a))
                        {
                            grounds.push(G::PartyDomicile);
                        }
                        if jurisdiction.covers_place(case.subject_location) {
                            grounds.push(G::SubjectLocation);
                        }
                        if body_here {
                            grounds.push(G::MediationBodyLocation);
                        }
                    }
                }
                grounds
            };
            (!grounds.is_empty()).then_some(EligibleCourt {
                court_id: court.id,
                grounds,
            })
        })
        .collect()
}

/// What the application check needs to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationFacts {
    pub status: CaseStatus,
    /// A confirmation ruling already made the agreement enforceable.
    pub enforceable: bool,
    /// The agreement took effect (R6).
    pub agreement_effective: bool,
    /// R12: the agreement decides ownership or validity of an IP right.
    pub decides_ownership_or_validity: bool,
    /// The last day of the R8 window, on the working-day calendar (R30).
    pub window_last_day: NaiveDate,
    pub today: NaiveDate,
    /// Every party of the case, by number.
    pub parties: Vec<u32>,
    /// The parties whose consent to the joint application is recorded.
    pub consenting: Vec<u32>,
    /// The court is among the eligible ones (R9, R14).
    pub court_eligible: bool,
    /// An application of the case is still before a court.
    pub pending_application: bool,
}

/// Whether the parties may apply for confirmation now.
///
/// # Errors
/// In the order a mediator would fix them: `invalid_transition` (not settled),
/// `already_confirmed`, `not_confirmable` (R12), `confirmation_window_closed` (R8),
/// `application_pending`, `ineligible_court` (R9), `joint_application_required` (R8).
pub fn check_application(facts: &ApplicationFacts) -> Result<(), Refusal> {
    if facts.status != CaseStatus::Settled || !facts.agreement_effective {
        return Err(refuse(
            "invalid_transition",
            Some("R8"),
            "only a settled case's effective agreement can be sent for judicial confirmation",
        ));
    }
    if facts.enforceable {
        return Err(refuse(
            "already_confirmed",
            None,
            "the agreement has already been judicially confirmed",
        ));
    }
    // R12: an agreement deciding ownership or validity of an IP right (确权) is not confirmable.
    if facts.decides_ownership_or_validity {
        return Err(refuse(
            "not_confirmable",
            Some("R12"),
            "the agreement decides ownership or validity of an IP right and cannot be judicially confirmed",
        ));
    }
    // R8: within 30 days of the agreement taking effect (last day moved off a day off, R30).
    if facts.today > facts.window_last_day {
        return Err(refuse(
            "confirmation_window_closed",
            Some("R8"),
            format!(
                "the 30-day window for judicial confirmation ended on {}",
                facts.window_last_day
            ),
        ));
    }
    if facts.pending_application {
        return Err(refuse(
            "application_pending",
            None,
            "an application for this case is already before a court; withdraw it first",
        ));
    }
    if !facts.court_eligible {
        return Err(refuse(
            "ineligible_court",
            Some("R9"),
            "this court may not confirm the agreement; choose one of the eligible courts",
        ));
    }
    // R8: the parties apply jointly — each one's consent is recorded.
    match missing_consents(&facts.parties, &facts.consenting) {
        None => Ok(()),
        Some(missing) => Err(refuse(
            "joint_application_required",
            Some("R8"),
            format!("the parties apply jointly: record the consent of party {missing}"),
        )),
    }
}

/// The parties (of `parties`) whose consent is not among `consenting`, listed for a message;
/// `None` when every party consented.
pub fn missing_consents(parties: &[u32], consenting: &[u32]) -> Option<String> {
    let missing: Vec<String> = parties
        .iter()
        .filter(|p| !consenting.contains(p))
        .map(u32::to_string)
        .collect();
    (!missing.is_empty()).then(|| missing.join(", "))
}

/// The parties' consents as requested: party numbers, each once.
///
/// # Errors
/// `consents` empty; `consents[i]` repeated.
pub fn parse_consents(parties: &[u32]) -> Result<Vec<u32>, ValidationErrors> {
    let mut errors = ValidationErrors::default();
    let consents = consenting_parties(
        parties,
        "record each party's consent to the joint application (R8)",
        &mut errors,
    );
    if errors.is_empty() {
        Ok(consents)
    } else {
        Err(errors)
    }
}

/// The parties listed under `consents` (each once; at least one, else `required` says what
/// to record), collecting the errors in `errors`.
pub(crate) fn consenting_parties(
    parties: &[u32],
    required: &str,
    errors: &mut ValidationErrors,
) -> Vec<u32> {
    if parties.is_empty() {
        errors.push("consents", Invalid::new("required", required));
    }
    let mut seen = Vec::with_capacity(parties.len());
    for (i, party) in parties.iter().enumerate() {
        if seen.contains(party) {
            errors.push(
                &format!("consents[{i}]"),
                Invalid::new("duplicate", "listed twice"),
            );
        } else {
            seen.push(*party);
        }
    }
    seen
}

/// A ruling's number (裁定书案号), e.g. （2026）辽02民特123号.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RulingNumber(String);

impl RulingNumber {
    /// # Errors
    /// Blank, longer than 64 characters, or containing control characters.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        bounded_text(input, 64).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Who approved an extension of the review (R10: the court president), by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approver(String);

impl Approver {
    /// # Errors
    /// Blank, longer than 100 characters, or containing control characters.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        bounded_text(input, 100).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

named_enum! {
    /// The operations on an application.
    pub enum ApplicationActionKind {
        Submit = "apply_for_confirmation",
        Accept = "accept_application",
        RefuseAcceptance = "refuse_acceptance",
        Extend = "extend_review",
        Confirm = "confirm_agreement",
        Refuse = "refuse_confirmation",
        Withdraw = "withdraw_application",
        Void = "void_application",
    }
}

/// An operation on an application with what it records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApplicationAction {
    Accept,
    RefuseAcceptance {
        reason: Reason,
    },
    /// R10: +10 days with the court president's approval, once.
    Extend {
        approved_by: Approver,
        reason: Reason,
    },
    Confirm {
        ruling_number: RulingNumber,
        ruling_date: NaiveDate,
    },
    /// R13: refusal names its ground.
    Refuse {
        ground: RefusalGround,
        reason: Option<Reason>,
    },
    Withdraw {
        reason: Reason,
    },
    /// The agreement changed (the case went back to mediation).
    Void,
}

impl ApplicationAction {
    pub fn kind(&self) -> ApplicationActionKind {
        use ApplicationActionKind as K;
        match self {
            Self::Accept => K::Accept,
            Self::RefuseAcceptance { .. } => K::RefuseAcceptance,
            Self::Extend { .. } => K::Extend,
            Self::Confirm { .. } => K::Confirm,
            Self::Refuse { .. } => K::Refuse,
            Self::Withdraw { .. } => K::Withdraw,
            Self::Void => K::Void,
        }
    }
}

/// What the machine needs to know about an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApplicationState {
    pub status: ApplicationStatus,
    /// The review has been extended (R10 allows it once).
    pub extended: bool,
    /// The day the court accepted it.
    pub accepted_on: Option<NaiveDate>,
}

/// Deadlines an application step opens (with its start day) and meets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationDeadlines {
    /// (subject suffix, period, start day).
    pub open: Vec<(&'static str, Period, NaiveDate)>,
    pub meet: Vec<&'static str>,
}

/// The subject suffix of the R10 acceptance deadline (`<application id>/acceptance`).
pub const ACCEPTANCE: &str = "acceptance";
/// The subject suffix of the R10 ruling deadline (`<application id>/ruling`).
pub const RULING: &str = "ruling";

/// Applies `action` on `today`: the new status and the R10 deadlines it opens and meets.
///
/// # Errors
/// `invalid_transition` from a state that does not allow it; `already_extended` (R10);
/// `ruling_date_out_of_range` for a ruling dated before acceptance or in the future.
pub fn apply(
    state: &ApplicationState,
    action: &ApplicationAction,
    today: NaiveDate,
) -> Result<(ApplicationStatus, ApplicationDeadlines), Refusal> {
    use ApplicationStatus as S;
    let kind = action.kind();
    let deadlines = |open: Vec<(&'static str, Period, NaiveDate)>, meet: Vec<&'static str>| {
        ApplicationDeadlines { open, meet }
    };
    match (state.status, action) {
        (S::Submitted, ApplicationAction::Accept) => Ok((
            S::Accepted,
            deadlines(vec![(RULING, RULING_PERIOD, today)], vec![ACCEPTANCE]),
        )),
        (S::Submitted, ApplicationAction::RefuseAcceptance { .. }) => {
            Ok((S::NotAccepted, deadlines(vec![], vec![ACCEPTANCE])))
        }
        (S::Accepted, ApplicationAction::Extend { .. }) if state.extended => Err(refuse(
            "already_extended",
            Some("R10"),
            "the review can be extended once, by 10 days",
        )),
        (S::Accepted, ApplicationAction::Extend { .. }) => {
            let accepted_on = state.accepted_on.unwrap_or(today);
            Ok((
                S::Accepted,
                deadlines(vec![(RULING, EXTENDED_RULING_PERIOD, accepted_on)], vec![]),
            ))
        }
        (S::Accepted, ApplicationAction::Confirm { ruling_date, .. }) => {
            let earliest = state.accepted_on.unwrap_or(today);
            if *ruling_date < earliest || *ruling_date > today {
                return Err(refuse(
                    "ruling_date_out_of_range",
                    None,
                    format!("the ruling is dated between the acceptance ({earliest}) and today"),
                ));
            }
            Ok((S::Confirmed, deadlines(vec![], vec![RULING])))
        }
        (S::Accepted, ApplicationAction::Refuse { .. }) => {
            Ok((S::Refused, deadlines(vec![], vec![RULING])))
        }
        (S::Submitted | S::Accepted, ApplicationAction::Withdraw { .. }) => {
            Ok((S::Withdrawn, deadlines(vec![], vec![ACCEPTANCE, RULING])))
        }
        (S::Submitted | S::Accepted, ApplicationAction::Void) => {
            Ok((S::Voided, deadlines(vec![], vec![ACCEPTANCE, RULING])))
        }
        (status, _) => Err(refuse(
            "invalid_transition",
            None,
            format!(
                "{} is not possible while the application is {}",
                kind.as_str(),
                status.as_str()
            ),
        )),
    }
}

/// R10: an extension of the review and who approved it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extension {
    pub approved_by: String,
    pub reason: String,
}

/// An application for judicial confirmation as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Application {
    pub id: ApplicationId,
    pub case_id: CaseId,
    /// The court it is addressed to.
    pub court_id: OrganizationId,
    /// The mediation organisation handling the case.
    pub organization_id: OrganizationId,
    /// The digest of the signed agreement the court reviews.
    pub agreement_digest: String,
    pub status: ApplicationStatus,
    /// The parties whose consent to the joint application was recorded (R8).
    pub consents: Vec<u32>,
    pub note: Option<String>,
    pub submitted_by: AccountId,
    pub submitted_at: DateTime<Utc>,
    pub accepted_on: Option<NaiveDate>,
    pub extension: Option<Extension>,
    pub ruling_number: Option<String>,
    pub ruling_date: Option<NaiveDate>,
    pub refusal_ground: Option<RefusalGround>,
    /// Why acceptance was refused, it was withdrawn or voided; the refusal's words.
    pub reason: Option<String>,
    /// When it left the court's desk (any final status).
    pub ended_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
}

impl Application {
    pub fn state(&self) -> ApplicationState {
        ApplicationState {
            status: self.status,
            extended: self.extension.is_some(),
            accepted_on: self.accepted_on,
        }
    }

    /// The application after `action` moved it to `to` on `today` at `now`.
    pub fn after(
        &self,
        action: &ApplicationAction,
        to: ApplicationStatus,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Self {
        let mut next = Self {
            status: to,
            ..self.clone()
        };
        match action {
            ApplicationAction::Accept => next.accepted_on = Some(today),
            ApplicationAction::RefuseAcceptance { reason }
            | ApplicationAction::Withdraw { reason } => {
                next.reason = Some(reason.as_str().to_owned());
            }
            ApplicationAction::Extend {
                approved_by,
                reason,
            } => {
                next.extension = Some(Extension {
                    approved_by: approved_by.as_str().to_owned(),
                    reason: reason.as_str().to_owned(),
                });
            }
            ApplicationAction::Confirm {
                ruling_number,
                ruling_date,
            } => {
                next.ruling_number = Some(ruling_number.as_str().to_owned());
                next.ruling_date = Some(*ruling_date);
            }
            ApplicationAction::Refuse { ground, reason } => {
                next.refusal_ground = Some(*ground);
                next.reason = reason.as_ref().map(|r| r.as_str().to_owned());
            }
            ApplicationAction::Void => {
                next.reason = Some("the settlement agreement was changed".to_owned());
            }
        }
        if !to.is_pending() {
            next.ended_at = Some(now);
        }
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_without_a_ground_lists_every_r13_ground() {
        assert_eq!(
            RefusalGround::required(Some(RefusalGround::NotVoluntary)),
            Ok(RefusalGround::NotVoluntary)
        );
        let Err(missing) = RefusalGround::required(None) else {
            panic!("a refusal without a ground was accepted");
        };
        assert_eq!(missing.code, "required");
        let listed = missing
            .message
            .strip_prefix("R13: a refusal names its ground (")
            .and_then(|m| m.strip_suffix(')'))
            .unwrap();
        let listed: Vec<&str> = listed.split(", ").collect();
        let every: Vec<&str> = [
            RefusalGround::ViolatesMandatoryLaw,
            RefusalGround::HarmsStateInterest,
            RefusalGround::HarmsPublicInterest,
            RefusalGround::HarmsThirdPartyInterest,
            RefusalGround::OffendsPublicOrder,
            RefusalGround::NotVoluntary,
            RefusalGround::UnclearContent,
        ]
        .into_iter()
        .map(|g| {
            // A new ground fails to compile here until it is listed above.
            match g {
                RefusalGround::ViolatesMandatoryLaw
                | RefusalGround::HarmsStateInterest
                | RefusalGround::HarmsPublicInterest
                | RefusalGround::HarmsThirdPartyInterest
                | RefusalGround::OffendsPublicOrder
                | RefusalGround::NotVoluntary
                | RefusalGround::UnclearContent => g.as_str(),
            }
        })
        .collect();
        assert_eq!(listed, every);
        assert_eq!(listed.len(), RefusalGround::ALL.len());
    }
    use uuid::Uuid;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn court(level: CourtLevel, areas: &[&str], ip_types: &[IpType]) -> CourtFacts {
        CourtFacts {
            id: Uuid::now_v7().into(),
            level,
            active: true,
            jurisdiction: Some(Jurisdiction {
                areas: areas.iter().map(|a| (*a).to_owned()).collect(),
                divisions: vec![],
                ip_types: ip_types.to_vec(),
            }),
        }
    }

    fn places(track: Track, ip_type: IpType) -> ConfirmationPlaces<'static> {
        ConfirmationPlaces {
            track,
            ip_type,
            referring_court_id: None,
            party_addresses: vec!["辽宁省大连市甘井子区软件园路1号", "山东省威海市环翠区"],
            subject_location: "大连",
            mediation_body_city: "大连",
            mediation_body_division: None,
        }
    }

    #[test]
    fn the_basic_court_where_the_body_sits_is_found_by_division_code_r9() {
        // A committee of the city of Dalian (210200); a basic court of its Zhongshan district
        // (210202), whose jurisdiction names no place a party's address or the city contains.
        let mut zhongshan = court(CourtLevel::Basic, &["中山区"], &[IpType::Trademark]);
        let mut shenyang = court(CourtLevel::Basic, &["和平区"], &[IpType::Trademark]);
        for (c, code) in [(&mut zhongshan, "210202"), (&mut shenyang, "210102")] {
            if let Some(j) = c.jurisdiction.as_mut() {
                j.divisions = vec![crate::division::DivisionCode::parse(code).unwrap()];
            }
        }
        let dalian = crate::division::DivisionCode::parse("210200").unwrap();
        let mut case = places(Track::People, IpType::Trademark);
        case.party_addresses = vec![];
        let courts = [zhongshan.clone(), shenyang];
        assert_eq!(
            eligible_courts(&case, &courts),
            [],
            "by name alone: nowhere"
        );
        case.mediation_body_division = Some(&dalian);
        assert_eq!(
            eligible_courts(&case, &courts),
            [EligibleCourt {
                court_id: zhongshan.id,
                grounds: vec![EligibilityGround::MediationBodyLocation]
            }]
        );
        case.track = Track::AdminTrademark;
        assert_eq!(
            eligible_courts(&case, &courts)[0].grounds,
            [EligibilityGround::AuthorityLocation]
        );
    }

    #[test]
    fn basic_courts_of_a_party_the_subject_or_the_mediation_body_are_eligible() {
        let ganjingzi = court(CourtLevel::Basic, &["甘井子区"], &[IpType::Trademark]);
        let huancui = court(CourtLevel::Basic, &["环翠区"], &[IpType::Trademark]);
        let dalian_mid = court(CourtLevel::Intermediate, &["大连"], &[IpType::Trademark]);
        let no_trademarks = court(CourtLevel::Basic, &["大连"], &[IpType::Copyright]);
        let elsewhere = court(CourtLevel::Basic, &["西宁"], &[IpType::Trademark]);
        let courts = [
            ganjingzi.clone(),
            huancui.clone(),
            dalian_mid,
            no_trademarks,
            elsewhere,
        ];
        let found = eligible_courts(&places(Track::People, IpType::Trademark), &courts);
        assert_eq!(
            found,
            [
                EligibleCourt {
                    court_id: ganjingzi.id,
                    grounds: vec![EligibilityGround::PartyDomicile]
                },
                EligibleCourt {
                    court_id: huancui.id,
                    grounds: vec![EligibilityGround::PartyDomicile]
                },
            ]
        );
    }

    #[test]
    fn invention_patents_belong_to_intermediate_and_ip_courts() {
        let basic = court(CourtLevel::Basic, &["大连"], &[IpType::InventionPatent]);
        let mid = court(
            CourtLevel::Intermediate,
            &["大连"],
            &[IpType::InventionPatent],
        );
        let found = eligible_courts(
            &places(Track::People, IpType::InventionPatent),
            &[basic, mid.clone()],
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].court_id, mid.id);
        assert_eq!(
            found[0].grounds,
            [
                EligibilityGround::PartyDomicile,
                EligibilityGround::SubjectLocation,
                EligibilityGround::MediationBodyLocation
            ]
        );
    }

    #[test]
    fn administrative_mediation_goes_to_the_court_where_the_authority_sits() {
        let mid = court(
            CourtLevel::Intermediate,
            &["大连"],
            &[IpType::InventionPatent],
        );
        let weihai = court(
            CourtLevel::Intermediate,
            &["威海"],
            &[IpType::InventionPatent],
        );
        let found = eligible_courts(
            &places(Track::AdminPatent, IpType::InventionPatent),
            &[mid.clone(), weihai],
        );
        assert_eq!(
            found,
            [EligibleCourt {
                court_id: mid.id,
                grounds: vec![EligibilityGround::AuthorityLocation]
            }]
        );
    }

    #[test]
    fn a_referred_case_goes_back_to_its_court_alone_and_disabled_courts_never_count() {
        let referrer = court(CourtLevel::Basic, &[], &[]);
        let other = court(CourtLevel::Basic, &["大连"], &[IpType::Trademark]);
        let mut case = places(Track::CourtDelegated, IpType::Trademark);
        case.referring_court_id = Some(referrer.id);
        let found = eligible_courts(&case, &[referrer.clone(), other]);
        assert_eq!(
            found,
            [EligibleCourt {
                court_id: referrer.id,
                grounds: vec![EligibilityGround::ReferringCourt]
            }]
        );
        let disabled = CourtFacts {
            active: false,
            ..referrer
        };
        assert!(eligible_courts(&case, &[disabled]).is_empty());
    }

    fn facts() -> ApplicationFacts {
        ApplicationFacts {
            status: CaseStatus::Settled,
            enforceable: false,
            agreement_effective: true,
            decides_ownership_or_validity: false,
            window_last_day: day(2026, 3, 2),
            today: day(2026, 3, 2),
            parties: vec![1, 2],
            consenting: vec![2, 1],
            court_eligible: true,
            pending_application: false,
        }
    }

    #[test]
    fn an_application_on_the_last_day_is_accepted_and_the_next_day_refused() {
        assert_eq!(check_application(&facts()), Ok(()));
        let late = ApplicationFacts {
            today: day(2026, 3, 3),
            ..facts()
        };
        let refusal = check_application(&late).unwrap_err();
        assert_eq!(
            (refusal.code, refusal.rule),
            ("confirmation_window_closed", Some("R8"))
        );
    }

    #[test]
    fn each_precondition_is_refused_with_its_rule() {
        let cases: [(ApplicationFacts, &str, Option<&str>); 6] = [
            (
                ApplicationFacts {
                    status: CaseStatus::InMediation,
                    ..facts()
                },
                "invalid_transition",
                Some("R8"),
            ),
            (
                ApplicationFacts {
                    enforceable: true,
                    ..facts()
                },
                "already_confirmed",
                None,
            ),
            (
                ApplicationFacts {
                    decides_ownership_or_validity: true,
                    ..facts()
                },
                "not_confirmable",
                Some("R12"),
            ),
            (
                ApplicationFacts {
                    pending_application: true,
                    ..facts()
                },
                "application_pending",
                None,
            ),
            (
                ApplicationFacts {
                    court_eligible: false,
                    ..facts()
                },
                "ineligible_court",
                Some("R9"),
            ),
            (
                ApplicationFacts {
                    consenting: vec![1],
                    ..facts()
                },
                "joint_application_required",
                Some("R8"),
            ),
        ];
        for (facts, code, rule) in cases {
            let refusal = check_application(&facts).unwrap_err();
            assert_eq!((refusal.code, refusal.rule), (code, rule), "{facts:?}");
        }
    }

    #[test]
    fn consents_are_required_and_listed_once() {
        assert_eq!(parse_consents(&[2, 1]), Ok(vec![2, 1]));
        assert_eq!(parse_consents(&[]).unwrap_err().0[0].field, "consents");
        assert_eq!(
            parse_consents(&[1, 1]).unwrap_err().0[0].field,
            "consents[1]"
        );
    }

    fn state(status: ApplicationStatus) -> ApplicationState {
        ApplicationState {
            status,
            extended: false,
            accepted_on: Some(day(2026, 3, 4)),
        }
    }

    fn reason() -> Reason {
        Reason::parse("理由").unwrap()
    }

    #[test]
    fn acceptance_opens_the_ruling_period_and_one_extension_makes_it_25_days() {
        let today = day(2026, 3, 4);
        let (to, d) = apply(
            &state(ApplicationStatus::Submitted),
            &ApplicationAction::Accept,
            today,
        )
        .unwrap();
        assert_eq!(to, ApplicationStatus::Accepted);
        assert_eq!(d.open, [(RULING, RULING_PERIOD, today)]);
        assert_eq!(d.meet, [ACCEPTANCE]);
        let extend = ApplicationAction::Extend {
            approved_by: Approver::parse("院长 张三").unwrap(),
            reason: reason(),
        };
        let (_, d) = apply(
            &state(ApplicationStatus::Accepted),
            &extend,
            day(2026, 3, 10),
        )
        .unwrap();
        assert_eq!(d.open, [(RULING, EXTENDED_RULING_PERIOD, today)]);
        let twice = ApplicationState {
            extended: true,
            ..state(ApplicationStatus::Accepted)
        };
        let refusal = apply(&twice, &extend, day(2026, 3, 10)).unwrap_err();
        assert_eq!(
            (refusal.code, refusal.rule),
            ("already_extended", Some("R10"))
        );
    }

    #[test]
    fn a_ruling_is_dated_between_acceptance_and_today() {
        let confirm = |d| ApplicationAction::Confirm {
            ruling_number: RulingNumber::parse("（2026）辽0211民特1号").unwrap(),
            ruling_date: d,
        };
        let accepted = state(ApplicationStatus::Accepted);
        let today = day(2026, 3, 20);
        assert!(apply(&accepted, &confirm(day(2026, 3, 4)), today).is_ok());
        assert!(apply(&accepted, &confirm(today), today).is_ok());
        for bad in [day(2026, 3, 3), day(2026, 3, 21)] {
            assert_eq!(
                apply(&accepted, &confirm(bad), today).unwrap_err().code,
                "ruling_date_out_of_range"
            );
        }
    }

    #[test]
    fn every_status_and_action_follows_the_diagram() {
        use ApplicationStatus as S;
        let actions = [
            ApplicationAction::Accept,
            ApplicationAction::RefuseAcceptance { reason: reason() },
            ApplicationAction::Extend {
                approved_by: Approver::parse("院长").unwrap(),
                reason: reason(),
            },
            ApplicationAction::Confirm {
                ruling_number: RulingNumber::parse("1").unwrap(),
                ruling_date: day(2026, 3, 4),
            },
            ApplicationAction::Refuse {
                ground: RefusalGround::UnclearContent,
                reason: None,
            },
            ApplicationAction::Withdraw { reason: reason() },
            ApplicationAction::Void,
        ];
        let expected = |from: S, kind: ApplicationActionKind| -> Option<S> {
            use ApplicationActionKind as K;
            match (from, kind) {
                (S::Submitted, K::Accept) => Some(S::Accepted),
                (S::Submitted, K::RefuseAcceptance) => Some(S::NotAccepted),
                (S::Accepted, K::Extend) => Some(S::Accepted),
                (S::Accepted, K::Confirm) => Some(S::Confirmed),
                (S::Accepted, K::Refuse) => Some(S::Refused),
                (S::Submitted | S::Accepted, K::Withdraw) => Some(S::Withdrawn),
                (S::Submitted | S::Accepted, K::Void) => Some(S::Voided),
                _ => None,
            }
        };
        for from in ApplicationStatus::ALL {
            for action in &actions {
                let got = apply(&state(*from), action, day(2026, 3, 5)).map(|(to, _)| to);
                match expected(*from, action.kind()) {
                    Some(to) => assert_eq!(got, Ok(to), "{from} × {}", action.kind()),
                    None => assert_eq!(
                        got.unwrap_err().code,
                        "invalid_transition",
                        "{from} × {}",
                        action.kind()
                    ),
                }
            }
        }
    }

    #[test]
    fn admin_tracks_have_three_working_days_to_accept() {
        assert_eq!(
            acceptance_period(Track::AdminTrademark),
            Period::WorkingDays(3)
        );
        assert_eq!(acceptance_period(Track::People), Period::CalendarDays(3));
    }
}
