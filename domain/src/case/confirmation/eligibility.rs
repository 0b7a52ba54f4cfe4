//! Which courts may confirm a case's agreement: the referring court alone; else a court where a
//! party lives, the subject is, or the mediation body sits, at the level the IP type needs (R9);
//! for administrative mediation, the court with IP jurisdiction where the authority sits (R14).

use crate::OrganizationId;
use crate::case::{IpType, Track};
use crate::organization::{CourtLevel, Jurisdiction};

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
