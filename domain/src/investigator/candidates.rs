//! Who may be assigned to a case: exclusions with their reasons, and the ranking of the rest.
use crate::AccountId;
use crate::case::PartyKind;
use crate::case::intake::Party;
use crate::investigator::{
    ConflictKind, DeclaredConflict, Procedure, TechnicalField, normalize_name,
};

/// What is known about one investigator, relative to one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CandidateFacts {
    pub account_id: AccountId,
    pub display_name: String,
    pub fields: Vec<TechnicalField>,
    /// Assignments not ended, on cases not closed.
    pub load: u32,
    pub max_assignments: u32,
    pub conflicts: Vec<DeclaredConflict>,
    /// The procedures of this case they were ever assigned in (ended ones included).
    pub procedures_on_case: Vec<Procedure>,
    /// Holds an assignment on this case that has not ended.
    pub assigned_on_case: bool,
    /// A recusal from this case was granted.
    pub recused_from_case: bool,
}

/// Why someone is not proposed (and cannot be assigned).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exclusion {
    /// A declared relationship with a party (or a party's agent).
    Conflict {
        party_number: u32,
        party_name: String,
        relationship: String,
    },
    /// R22: served in another procedure of this case.
    ServedInOtherProcedure {
        procedure: Procedure,
    },
    AtLoadLimit {
        load: u32,
        max: u32,
    },
    AlreadyAssigned,
    /// A recusal from this case was granted (R24).
    Recused,
}

impl Exclusion {
    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Conflict { .. } => "conflict",
            Self::ServedInOtherProcedure { .. } => "served_in_other_procedure",
            Self::AtLoadLimit { .. } => "at_load_limit",
            Self::AlreadyAssigned => "already_assigned",
            Self::Recused => "recused",
        }
    }

    /// The rule it rests on.
    pub fn rule(&self) -> Option<&'static str> {
        match self {
            Self::ServedInOtherProcedure { .. } => Some("R22"),
            Self::Recused => Some("R24"),
            _ => None,
        }
    }

    /// In words.
    pub fn explain(&self) -> String {
        match self {
            Self::Conflict {
                party_number,
                party_name,
                relationship,
            } => {
                format!(
                    "declared a relationship ({relationship}) with party {party_number}, {party_name}"
                )
            }
            Self::ServedInOtherProcedure { procedure } => {
                format!("served in the {procedure} procedure of this case (R22)")
            }
            Self::AtLoadLimit { load, max } => {
                format!("already has {load} of at most {max} assignments")
            }
            Self::AlreadyAssigned => "already assigned to this case".to_owned(),
            Self::Recused => "was recused from this case (R24)".to_owned(),
        }
    }
}

fn conflicts_with(conflict: &DeclaredConflict, party: &Party) -> bool {
    let key = conflict.key();
    let same = |name: &str| normalize_name(name) == key;
    match conflict.kind {
        ConflictKind::CreditCode => party
            .credit_code
            .as_ref()
            .is_some_and(|c| c.as_str() == key),
        ConflictKind::Organization => {
            (party.kind == PartyKind::Organization && same(&party.name))
                || party
                    .agents
                    .iter()
                    .any(|a| a.firm.as_deref().is_some_and(same))
        }
        ConflictKind::Person => {
            (party.kind == PartyKind::Person && same(&party.name))
                || party.agents.iter().any(|a| same(&a.name))
        }
    }
}

/// Every reason `facts` may not serve in `procedure` of a case with `parties`; empty when they may.
pub fn exclusions(
    facts: &CandidateFacts,
    parties: &[Party],
    procedure: Procedure,
) -> Vec<Exclusion> {
    let mut out = Vec::new();
    for conflict in &facts.conflicts {
        for party in parties.iter().filter(|p| conflicts_with(conflict, p)) {
            out.push(Exclusion::Conflict {
                party_number: party.number,
                party_name: party.name.clone(),
                relationship: conflict.relationship.clone(),
            });
        }
    }
    if let Some(other) = facts.procedures_on_case.iter().find(|p| **p != procedure) {
        out.push(Exclusion::ServedInOtherProcedure { procedure: *other });
    }
    if facts.recused_from_case {
        out.push(Exclusion::Recused);
    }
    if facts.assigned_on_case {
        out.push(Exclusion::AlreadyAssigned);
    }
    if facts.load >= facts.max_assignments {
        out.push(Exclusion::AtLoadLimit {
            load: facts.load,
            max: facts.max_assignments,
        });
    }
    out
}

/// A proposed investigator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub facts: CandidateFacts,
    pub field_match: bool,
}

/// The outcome for a case: proposals, best first, and the excluded with their reasons.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Assessment {
    pub candidates: Vec<Candidate>,
    pub excluded: Vec<(CandidateFacts, Vec<Exclusion>)>,
}

/// Ranks the pool for `field`: those who have the field first, then by load (lightest first),
/// then by name; everyone with a reason not to serve is set apart with it.
pub fn assess(
    pool: Vec<CandidateFacts>,
    parties: &[Party],
    field: TechnicalField,
    procedure: Procedure,
) -> Assessment {
    let mut assessment = Assessment::default();
    for facts in pool {
        let reasons = exclusions(&facts, parties, procedure);
        if reasons.is_empty() {
            let field_match = facts.fields.contains(&field);
            assessment.candidates.push(Candidate { facts, field_match });
        } else {
            assessment.excluded.push((facts, reasons));
        }
    }
    assessment.candidates.sort_by(|a, b| {
        b.field_match
            .cmp(&a.field_match)
            .then(a.facts.load.cmp(&b.facts.load))
            .then_with(|| a.facts.display_name.cmp(&b.facts.display_name))
    });
    assessment
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::Side;
    use crate::case::identifiers::CreditCode;
    use crate::case::intake::Agent;
    use proptest::prelude::*;
    use uuid::Uuid;

    fn parties() -> Vec<Party> {
        vec![
            Party {
                number: 1,
                side: Side::Applicant,
                kind: PartyKind::Organization,
                name: "华为技术有限公司".into(),
                identity: None,
                credit_code: CreditCode::parse("914403001922038216").ok(),
                phone: None,
                address: None,
                agents: vec![Agent {
                    name: "李律师".into(),
                    phone: None,
                    firm: Some("大连某律师事务所".into()),
                }],
            },
            Party {
                number: 2,
                side: Side::Respondent,
                kind: PartyKind::Person,
                name: "张 三".into(),
                identity: None,
                credit_code: None,
                phone: None,
                address: None,
                agents: vec![],
            },
        ]
    }

    fn facts(n: u128, fields: &[TechnicalField], load: u32) -> CandidateFacts {
        CandidateFacts {
            account_id: Uuid::from_u128(n).into(),
            display_name: format!("investigator {n}"),
            fields: fields.to_vec(),
            load,
            max_assignments: 3,
            conflicts: vec![],
            procedures_on_case: vec![],
            assigned_on_case: false,
            recused_from_case: false,
        }
    }

    fn conflict(kind: ConflictKind, value: &str) -> DeclaredConflict {
        DeclaredConflict::parse(kind, value, "前雇主").unwrap()
    }

    #[test]
    fn declared_conflicts_match_codes_names_agents_and_firms() {
        let p = parties();
        for (kind, value, party) in [
            (ConflictKind::CreditCode, "914403001922038216", 1),
            (ConflictKind::Organization, " 华为技术有限公司", 1),
            (ConflictKind::Organization, "大连某律师事务所", 1),
            (ConflictKind::Person, "李律师", 1),
            (ConflictKind::Person, "张  三", 2),
            // R22: a name matches however it is spaced or typed.
            (ConflictKind::Person, "张三", 2),
            (ConflictKind::Person, "张\u{3000}三", 2),
            (ConflictKind::Organization, "华为技术 有限公司", 1),
            (ConflictKind::Organization, "华为技术有限公司\u{3000}", 1),
        ] {
            let mut f = facts(1, &[TechnicalField::Communications], 0);
            f.conflicts = vec![conflict(kind, value)];
            let reasons = exclusions(&f, &p, Procedure::Mediation);
            assert!(
                matches!(reasons.as_slice(), [Exclusion::Conflict { party_number, .. }] if *party_number == party),
                "{kind} {value}: {reasons:?}"
            );
        }
        let mut unrelated = facts(1, &[], 0);
        unrelated.conflicts = vec![
            conflict(ConflictKind::Person, "王五"),
            conflict(ConflictKind::Organization, "张三"),
        ];
        assert!(
            exclusions(&unrelated, &p, Procedure::Mediation).is_empty(),
            "a person's name is not an organisation"
        );
    }

    #[test]
    fn serving_in_another_procedure_of_the_case_excludes_r22() {
        let mut f = facts(1, &[], 0);
        f.procedures_on_case = vec![Procedure::Mediation];
        let reasons = exclusions(&f, &parties(), Procedure::JudicialConfirmation);
        assert_eq!(
            reasons,
            [Exclusion::ServedInOtherProcedure {
                procedure: Procedure::Mediation
            }]
        );
        assert_eq!(reasons[0].rule(), Some("R22"));
    }

    #[test]
    fn the_load_limit_excludes() {
        assert_eq!(
            exclusions(&facts(1, &[], 3), &parties(), Procedure::Mediation),
            [Exclusion::AtLoadLimit { load: 3, max: 3 }]
        );
        assert!(exclusions(&facts(1, &[], 2), &parties(), Procedure::Mediation).is_empty());
    }

    #[test]
    fn candidates_rank_by_field_then_load_and_the_excluded_keep_their_reasons() {
        let mut conflicted = facts(4, &[TechnicalField::Communications], 0);
        conflicted.conflicts = vec![conflict(ConflictKind::CreditCode, "914403001922038216")];
        let pool = vec![
            facts(1, &[TechnicalField::Optics], 0),
            facts(2, &[TechnicalField::Communications], 2),
            facts(
                3,
                &[TechnicalField::Communications, TechnicalField::Optics],
                1,
            ),
            conflicted,
        ];
        let a = assess(
            pool,
            &parties(),
            TechnicalField::Communications,
            Procedure::Mediation,
        );
        let order: Vec<u128> = a
            .candidates
            .iter()
            .map(|c| c.facts.account_id.as_uuid().as_u128())
            .collect();
        assert_eq!(order, [3, 2, 1]);
        assert_eq!(a.excluded.len(), 1);
        assert_eq!(a.excluded[0].1[0].code(), "conflict");
    }

    proptest! {
        #[test]
        fn no_one_with_a_reason_is_ever_proposed(
            load in 0u32..5, max in 1u32..5, served in prop::option::of(0usize..3),
            conflicted in any::<bool>(), assigned in any::<bool>(), recused in any::<bool>(),
        ) {
            let mut f = facts(1, &[TechnicalField::Other], load);
            f.max_assignments = max;
            f.procedures_on_case = served.map(|i| vec![Procedure::ALL[i]]).unwrap_or_default();
            if conflicted {
                f.conflicts = vec![conflict(ConflictKind::Person, "张 三")];
            }
            f.assigned_on_case = assigned;
            f.recused_from_case = recused;
            let should_exclude = load >= max
                || conflicted
                || assigned
                || recused
                || served.is_some_and(|i| Procedure::ALL[i] != Procedure::Mediation);
            let a = assess(vec![f], &parties(), TechnicalField::Other, Procedure::Mediation);
            prop_assert_eq!(a.candidates.is_empty(), should_exclude);
            prop_assert_eq!(a.excluded.len(), usize::from(should_exclude));
        }
    }
}
