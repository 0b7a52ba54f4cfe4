//! Mediation cases: intake, lifecycle, settlement agreement, deadlines.
pub mod agreement;
pub mod confirmation;
pub mod deadlines;
pub mod effects;
pub mod files;
pub mod identifiers;
pub mod intake;
pub mod lifecycle;
pub mod masking;
pub mod number;
pub mod search;
pub mod stored;

use crate::organization::OrganizationKind;

/// Why an operation on a case is refused: a stable code, the rule it rests on, and a sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Refusal {
    pub code: &'static str,
    /// The rule of DOMAIN-RULES.md, when one applies (`R2`, `R5` …).
    pub rule: Option<&'static str>,
    pub message: String,
}

pub(crate) fn refuse(
    code: &'static str,
    rule: Option<&'static str>,
    message: impl Into<String>,
) -> Refusal {
    Refusal {
        code,
        rule,
        message: message.into(),
    }
}

named_enum! {
    /// The procedure a dispute comes through.
    pub enum Track {
        /// People's mediation by an IP people's-mediation committee (free of charge, R1).
        People = "people",
        /// Administrative mediation of a patent dispute by the IP authority (R19).
        AdminPatent = "admin_patent",
        /// Administrative mediation of a trademark dispute by the IP authority.
        AdminTrademark = "admin_trademark",
        /// Mediation by an industry association.
        Industry = "industry",
        /// Referred by a court before filing (委派, R15: 30 days).
        CourtDelegated = "court_delegated",
        /// Entrusted by a court after filing (委托, R15: 15 or 7 days).
        CourtEntrusted = "court_entrusted",
    }
}

impl Track {
    /// Court tracks are opened by court users and carry the referring court.
    pub fn is_court(self) -> bool {
        matches!(self, Self::CourtDelegated | Self::CourtEntrusted)
    }

    /// Whether an organisation of `kind` handles cases of this track: people's mediation by a
    /// mediation committee, administrative mediation by the IP protection centre (the IP
    /// authority's mediation arm), industry mediation by an industry association; court
    /// referrals may go to any of them.
    pub fn handled_by(self, kind: OrganizationKind) -> bool {
        use OrganizationKind as K;
        match self {
            Self::People => kind == K::MediationCommittee,
            Self::AdminPatent | Self::AdminTrademark => kind == K::IpProtectionCentre,
            Self::Industry => kind == K::IndustryAssociation,
            Self::CourtDelegated | Self::CourtEntrusted => {
                matches!(
                    kind,
                    K::MediationCommittee | K::IpProtectionCentre | K::IndustryAssociation
                )
            }
        }
    }
}

named_enum! {
    /// The kind of IP right in dispute.
    pub enum IpType {
        InventionPatent = "invention_patent",
        UtilityModel = "utility_model",
        DesignPatent = "design_patent",
        Trademark = "trademark",
        Copyright = "copyright",
        TradeSecret = "trade_secret",
        GeographicalIndication = "geographical_indication",
        PlantVariety = "plant_variety",
        IcLayoutDesign = "ic_layout_design",
        Other = "other",
    }
}

impl IpType {
    pub fn is_patent(self) -> bool {
        matches!(
            self,
            Self::InventionPatent | Self::UtilityModel | Self::DesignPatent
        )
    }
}

named_enum! {
    /// Where a case stands.
    pub enum CaseStatus {
        Submitted = "submitted",
        Accepted = "accepted",
        Declined = "declined",
        InMediation = "in_mediation",
        Settled = "settled",
        Failed = "failed",
        Withdrawn = "withdrawn",
        Performed = "performed",
        Breached = "breached",
        /// A court-referred case whose term ran out unsettled went back to the court (R15).
        Returned = "returned",
        Closed = "closed",
    }
}

named_enum! {
    /// The respondent's answer to the invitation to mediate (R2, R19).
    pub enum Consent {
        Pending = "pending",
        Given = "given",
        Refused = "refused",
    }
}

named_enum! {
    /// The court procedure a `court_entrusted` case comes from (R15: 15 or 7 days).
    pub enum CourtProcedure {
        Ordinary = "ordinary",
        Summary = "summary",
    }
}

named_enum! {
    /// Routes the parties are told of when mediation fails (R4).
    pub enum Route {
        Arbitration = "arbitration",
        Administrative = "administrative",
        Litigation = "litigation",
    }
}

named_enum! {
    /// Applicant (申请人) or respondent (被申请人).
    pub enum Side {
        Applicant = "applicant",
        Respondent = "respondent",
    }
}

named_enum! {
    /// A natural person or an organisation.
    pub enum PartyKind {
        Person = "person",
        Organization = "organization",
    }
}

named_enum! {
    /// How the parties fared with a settled agreement (R7).
    pub enum Performance {
        Performed = "performed",
        Breached = "breached",
    }
}

named_enum! {
    /// What a document attached to a case is.
    pub enum DocumentKind {
        /// Evidence a party submits (of the right, of the infringement, of the damage).
        Evidence = "evidence",
        /// A technical document (specifications, drawings, test reports) the technical
        /// investigators work from.
        Technical = "technical",
        /// A party's identity document (a scan of an ID card, a business licence, a power of
        /// attorney): personal data.
        Identity = "identity",
        /// A scan of the signed settlement agreement.
        Agreement = "agreement",
        Other = "other",
    }
}

impl DocumentKind {
    /// Whether a referral to a partner city names the document (its name and digest): not the
    /// settlement agreement's scan nor a party's identity document — a referral carries only
    /// what the receiver needs (DESIGN §4).
    pub fn travels_in_referrals(self) -> bool {
        !matches!(self, Self::Agreement | Self::Identity)
    }
}
