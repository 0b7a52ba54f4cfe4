//! Enumerations as they appear on the wire (snake_case strings), each mirroring a domain enum.
//! Request bodies parse them with serde; responses and the spec use poem-openapi.
use ipdr_domain::Status;
use ipdr_domain::account::Role;
use ipdr_domain::case::agreement::SignatureMethod;
use ipdr_domain::case::confirmation::{ApplicationStatus, EligibilityGround, RefusalGround};
use ipdr_domain::case::identifiers::IdDocumentKind;
use ipdr_domain::case::stored::DeadlineStatus;
use ipdr_domain::case::{
    CaseStatus, Consent, CourtProcedure, DocumentKind, IpType, PartyKind, Performance, Route, Side,
    Track,
};
use ipdr_domain::investigator::recusal::RecusalStage;
use ipdr_domain::investigator::stored::EndReason;
use ipdr_domain::investigator::{
    Affiliation, AssignmentStatus, ConflictKind, Procedure, TechnicalField,
};
use ipdr_domain::notification::{Channel, NoticeKind};
use ipdr_domain::organization::{CourtLevel, OrganizationKind};
use ipdr_domain::referral::deadlines::ClockState;
use ipdr_domain::referral::{
    AgreementStatus, DeclineReason, Direction, Milestone, Outcome, ReferralKind, ReferralStatus,
};
use poem_openapi::Enum;
use serde::Deserialize;

/// Declares a wire enum with the same variants as a domain enum, and both conversions.
macro_rules! mirror_enum {
    ($(#[$doc:meta])* $wire:ident <=> $domain:ident { $($variant:ident),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Enum, Deserialize, serde::Serialize, Debug, Clone, Copy, PartialEq, Eq)]
        #[oai(rename_all = "snake_case")]
        #[serde(rename_all = "snake_case")]
        pub enum $wire {
            $($variant),+
        }

        impl From<$wire> for $domain {
            fn from(wire: $wire) -> Self {
                match wire {
                    $($wire::$variant => $domain::$variant),+
                }
            }
        }

        impl From<$domain> for $wire {
            fn from(domain: $domain) -> Self {
                match domain {
                    $($domain::$variant => $wire::$variant),+
                }
            }
        }
    };
}

mirror_enum!(
    /// What a notice says happened: a deadline approaching or breached, an assignment, a
    /// recusal, a confirmation application received or decided, a case returned to its court,
    /// a referral received, answered, asked about or reported on.
    NoticeKindName <=> NoticeKind {
        DeadlineApproaching, DeadlineBreached, CaseAssigned, InvestigatorAssigned,
        RecusalRequested, RecusalDecided, ApplicationReceived, ApplicationDecided,
        CaseReturnedToCourt, ReferralReceived, ReferralAnswered, ReferralInformationRequested,
        ReferralOutcomeReported,
    }
);

mirror_enum!(
    /// How a notice reaches its recipient: `in_app` (the console and this API), `email`,
    /// `webhook` (an organisation's).
    ChannelName <=> Channel { InApp, Email, Webhook }
);

mirror_enum!(
    /// One role per account: `admin` manages the instance and reads no case contents; `mediator`,
    /// `court`, `investigator`, `liaison` do the work; `auditor` reads statistics and the audit trail.
    RoleName <=> Role { Admin, Mediator, Court, Investigator, Liaison, Auditor }
);

mirror_enum!(
    /// Whether an account or organisation may act.
    StatusName <=> Status { Active, Disabled }
);

mirror_enum!(
    /// A court's level: `basic` (基层), `intermediate` (中级), `ip_court` (知识产权法院).
    CourtLevelName <=> CourtLevel { Basic, Intermediate, IpCourt }
);

mirror_enum!(
    /// The procedure a dispute comes through: `people` (people's mediation), `admin_patent`,
    /// `admin_trademark` (administrative mediation by the IP authority), `industry`,
    /// `court_delegated` (referred by a court before filing), `court_entrusted` (after filing).
    TrackName <=> Track { People, AdminPatent, AdminTrademark, Industry, CourtDelegated, CourtEntrusted }
);

mirror_enum!(
    /// The kind of IP right in dispute.
    IpTypeName <=> IpType {
        InventionPatent, UtilityModel, DesignPatent, Trademark, Copyright, TradeSecret,
        GeographicalIndication, PlantVariety, IcLayoutDesign, Other
    }
);

mirror_enum!(
    /// Where a case stands in its lifecycle.
    CaseStatusName <=> CaseStatus {
        Submitted, Accepted, Declined, InMediation, Settled, Failed, Withdrawn, Performed, Breached,
        Returned, Closed
    }
);

mirror_enum!(
    /// Where an application for judicial confirmation stands: `submitted` (awaiting the court's
    /// acceptance, R10), `accepted` (under review), `not_accepted`, `confirmed`, `refused` (R13),
    /// `withdrawn` (by the applicants), `voided` (the agreement changed).
    ApplicationStatusName <=> ApplicationStatus {
        Submitted, Accepted, NotAccepted, Confirmed, Refused, Withdrawn, Voided
    }
);

mirror_enum!(
    /// R13: why a court refuses to confirm an agreement.
    RefusalGroundName <=> RefusalGround {
        ViolatesMandatoryLaw, HarmsStateInterest, HarmsPublicInterest, HarmsThirdPartyInterest,
        OffendsPublicOrder, NotVoluntary, UnclearContent
    }
);

mirror_enum!(
    /// Why a court may confirm a case's agreement (R9, R14).
    EligibilityGroundName <=> EligibilityGround {
        ReferringCourt, PartyDomicile, SubjectLocation, MediationBodyLocation, AuthorityLocation
    }
);

mirror_enum!(
    /// The respondent's answer to the invitation to mediate: `pending` until recorded.
    ConsentName <=> Consent { Pending, Given, Refused }
);

mirror_enum!(
    /// The court procedure an entrusted case comes from (R15: 15 days ordinary, 7 summary).
    CourtProcedureName <=> CourtProcedure { Ordinary, Summary }
);

mirror_enum!(
    /// A route the parties were told of when mediation failed (R4).
    RouteName <=> Route { Arbitration, Administrative, Litigation }
);

mirror_enum!(
    /// Applicant or respondent.
    SideName <=> Side { Applicant, Respondent }
);

mirror_enum!(
    /// A natural person or an organisation.
    PartyKindName <=> PartyKind { Person, Organization }
);

mirror_enum!(
    /// How an agreement fared (R7).
    PerformanceName <=> Performance { Performed, Breached }
);

mirror_enum!(
    /// How a signature was given (R6).
    SignatureMethodName <=> SignatureMethod { Signature, Seal, Fingerprint }
);

mirror_enum!(
    /// A person's identity document: `resident_id` (居民身份证, checked per GB 11643),
    /// `passport`, `hk_macau_permit` (港澳居民来往内地通行证), `taiwan_permit`
    /// (台湾居民来往大陆通行证), `other`.
    IdDocumentKindName <=> IdDocumentKind {
        ResidentId, Passport, HkMacauPermit, TaiwanPermit, Other
    }
);

mirror_enum!(
    /// Where a referral clock stands today: `running`, `paused` (information awaited),
    /// `overdue` (running past its last day), `met` (ended by its last day), `lapsed` (ended
    /// after it).
    ClockStateName <=> ClockState { Running, Paused, Overdue, Met, Lapsed }
);

mirror_enum!(
    /// What a document is.
    DocumentKindName <=> DocumentKind { Evidence, Technical, Identity, Agreement, Other }
);

mirror_enum!(
    /// `open` while the deadline runs; `met` when it closed by its last day, `lapsed` when it
    /// closed after it (the period ran out, or the act came late).
    DeadlineStatusName <=> DeadlineStatus { Open, Met, Lapsed }
);

mirror_enum!(
    /// A technical field of expertise.
    TechnicalFieldName <=> TechnicalField {
        MechanicalEngineering, ElectricalAndElectronics, Communications, ComputerAndSoftware,
        ChemistryAndChemicalEngineering, Materials, BiomedicineAndPharmaceuticals,
        AgricultureAndPlantVarieties, Optics, Other
    }
);

mirror_enum!(
    /// Where an investigator comes from: `court`, `ip_authority`, `police`, `expert_pool`.
    AffiliationName <=> Affiliation { Court, IpAuthority, Police, ExpertPool }
);

mirror_enum!(
    /// The procedure of a case an investigator serves in (R22: only one per case).
    ProcedureName <=> Procedure { Mediation, JudicialConfirmation, Litigation }
);

mirror_enum!(
    /// What a declared conflict names: an `organization` or `person` by name, or a `credit_code`.
    ConflictKindName <=> ConflictKind { Organization, Person, CreditCode }
);

mirror_enum!(
    /// `active`, `suspended` (recusal pending, R24) or `ended`.
    AssignmentStatusName <=> AssignmentStatus { Active, Suspended, Ended }
);

mirror_enum!(
    /// How far a recusal has gone (R24: one reconsideration).
    RecusalStageName <=> RecusalStage { None, Requested, Rejected, ReconsiderationRequested, Final, Granted }
);

mirror_enum!(
    /// Why an assignment ended.
    EndReasonName <=> EndReason { Recused, Released }
);

/// What an organisation is. Courts also carry a `court_level`.
#[derive(Enum, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum OrganizationKindName {
    MediationCommittee,
    IpProtectionCentre,
    IndustryAssociation,
    Court,
    InvestigatorPool,
    LiaisonOffice,
    Operator,
}

impl OrganizationKindName {
    /// The domain's name for the kind.
    pub fn name(self) -> &'static str {
        match self {
            Self::MediationCommittee => "mediation_committee",
            Self::IpProtectionCentre => "ip_protection_centre",
            Self::IndustryAssociation => "industry_association",
            Self::Court => "court",
            Self::InvestigatorPool => "investigator_pool",
            Self::LiaisonOffice => "liaison_office",
            Self::Operator => "operator",
        }
    }
}

impl From<OrganizationKind> for OrganizationKindName {
    fn from(kind: OrganizationKind) -> Self {
        match kind {
            OrganizationKind::MediationCommittee => Self::MediationCommittee,
            OrganizationKind::IpProtectionCentre => Self::IpProtectionCentre,
            OrganizationKind::IndustryAssociation => Self::IndustryAssociation,
            OrganizationKind::Court(_) => Self::Court,
            OrganizationKind::InvestigatorPool => Self::InvestigatorPool,
            OrganizationKind::LiaisonOffice => Self::LiaisonOffice,
            OrganizationKind::Operator => Self::Operator,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_names_match_the_domain_for_every_kind() {
        for kind in OrganizationKind::ALL {
            assert_eq!(OrganizationKindName::from(kind).name(), kind.name());
        }
    }

    /// Every mirrored enum must spell its values as the domain does.
    macro_rules! assert_mirrors {
        ($($wire:ident <=> $domain:ident),+ $(,)?) => {$(
            for value in $domain::ALL.iter().copied() {
                let wire = poem_openapi::types::ToJSON::to_json(&$wire::from(value));
                assert_eq!(wire, Some(serde_json::Value::from(value.as_str())), "{}", stringify!($wire));
                let back: $wire = serde_json::from_value(serde_json::Value::from(value.as_str())).unwrap();
                assert_eq!($domain::from(back), value);
            }
        )+};
    }

    #[test]
    fn every_mirrored_enum_spells_the_domain_names() {
        assert_mirrors!(
            TrackName <=> Track, IpTypeName <=> IpType, CaseStatusName <=> CaseStatus,
            ConsentName <=> Consent, CourtProcedureName <=> CourtProcedure, RouteName <=> Route,
            SideName <=> Side, PartyKindName <=> PartyKind, PerformanceName <=> Performance,
            SignatureMethodName <=> SignatureMethod, DocumentKindName <=> DocumentKind,
            DeadlineStatusName <=> DeadlineStatus, IdDocumentKindName <=> IdDocumentKind,
            ClockStateName <=> ClockState,
            TechnicalFieldName <=> TechnicalField, AffiliationName <=> Affiliation,
            ProcedureName <=> Procedure, ConflictKindName <=> ConflictKind,
            AssignmentStatusName <=> AssignmentStatus, RecusalStageName <=> RecusalStage,
            EndReasonName <=> EndReason, ApplicationStatusName <=> ApplicationStatus,
            RefusalGroundName <=> RefusalGround, EligibilityGroundName <=> EligibilityGround,
            NoticeKindName <=> NoticeKind, ChannelName <=> Channel,
        );
    }

    #[test]
    fn wire_names_are_the_domain_names() {
        for role in Role::ALL {
            let json =
                serde_json::to_value(poem_openapi::types::ToJSON::to_json(&RoleName::from(role)))
                    .unwrap();
            assert_eq!(json, role.as_str());
        }
        for level in CourtLevel::ALL {
            let json = poem_openapi::types::ToJSON::to_json(&CourtLevelName::from(level));
            assert_eq!(json, Some(serde_json::Value::from(level.as_str())));
        }
    }
}

mirror_enum!(
    /// What a referral asks of the partner: `clue_transfer`, `case_transfer`,
    /// `investigation_assistance`, `joint_mediation`, `document_service`, `crime_transfer`
    /// (a suspected crime, with the R26 deadlines).
    ReferralKindName <=> ReferralKind {
        ClueTransfer, CaseTransfer, InvestigationAssistance, JointMediation, DocumentService,
        CrimeTransfer
    }
);

mirror_enum!(
    /// Where a referral stands, the same on both nodes.
    ReferralStatusName <=> ReferralStatus {
        Sent, Acknowledged, InformationRequested, Accepted, Declined, Concluded
    }
);

mirror_enum!(
    /// Which way a referral goes, seen from this node.
    DirectionName <=> Direction { Outgoing, Incoming }
);

mirror_enum!(
    /// A cooperation agreement's status; `expired` is read from its dates, never set.
    CooperationAgreementStatusName <=> AgreementStatus { Draft, Active, Suspended, Expired }
);

mirror_enum!(
    /// Why a referral is declined.
    DeclineReasonName <=> DeclineReason { NoJurisdiction, OutOfScope, Duplicate }
);

mirror_enum!(
    /// How a referral ended at the receiving node.
    OutcomeName <=> Outcome { Mediated, Penalised, ConfirmedByCourt, Closed, Transferred }
);

mirror_enum!(
    /// A crime transfer's R26 milestones, reported with progress.
    MilestoneName <=> Milestone { TransferredToPolice, PoliceDecided }
);
