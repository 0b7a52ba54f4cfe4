//! Technical investigators (技术调查官): a pool shared by court, administration and police,
//! assigned to cases by field, with conflicts, the one-procedure rule (R22), recusal (R24) and
//! the technical opinion (R23).
pub mod candidates;
pub mod deadlines;
pub mod recusal;
pub mod stored;

use crate::account::Role;
use crate::validation::{Invalid, ValidationErrors, bounded_text, verbatim_text};

named_enum! {
    /// A technical field of expertise.
    pub enum TechnicalField {
        MechanicalEngineering = "mechanical_engineering",
        ElectricalAndElectronics = "electrical_and_electronics",
        Communications = "communications",
        ComputerAndSoftware = "computer_and_software",
        ChemistryAndChemicalEngineering = "chemistry_and_chemical_engineering",
        Materials = "materials",
        BiomedicineAndPharmaceuticals = "biomedicine_and_pharmaceuticals",
        AgricultureAndPlantVarieties = "agriculture_and_plant_varieties",
        Optics = "optics",
        Other = "other",
    }
}

named_enum! {
    /// Where an investigator comes from.
    pub enum Affiliation {
        Court = "court",
        IpAuthority = "ip_authority",
        Police = "police",
        ExpertPool = "expert_pool",
    }
}

named_enum! {
    /// The procedure of a case an investigator serves in. R22: one who served in one procedure
    /// of a case may not serve in another procedure of the same case.
    pub enum Procedure {
        /// Mediation by the handling organisation (assigned by its mediator).
        Mediation = "mediation",
        /// Judicial confirmation of the settlement (assigned by the court).
        JudicialConfirmation = "judicial_confirmation",
        /// Litigation of the dispute at the court (assigned by the court).
        Litigation = "litigation",
    }
}

named_enum! {
    /// What a declared conflict names.
    pub enum ConflictKind {
        /// An organisation by name (matches organisation parties and agents' firms).
        Organization = "organization",
        /// A person by name (matches person parties and agents).
        Person = "person",
        /// A unified social credit code (matches organisation parties exactly).
        CreditCode = "credit_code",
    }
}

named_enum! {
    /// Where an assignment stands.
    pub enum AssignmentStatus {
        Active = "active",
        /// A recusal request is pending; the investigator stops work meanwhile (R24).
        Suspended = "suspended",
        Ended = "ended",
    }
}

/// The procedure an assignment by `role` is in: a mediator assigns within mediation; a court
/// assigns within judicial confirmation or litigation, and says which.
///
/// # Errors
/// `procedure` when a mediator names a court procedure, or a court names none or mediation.
pub fn procedure_for(
    role: crate::account::Role,
    requested: Option<Procedure>,
) -> Result<Procedure, ValidationErrors> {
    use crate::account::Role;
    let invalid = |message| {
        Err(ValidationErrors::one(
            "procedure",
            Invalid::new("not_allowed", message),
        ))
    };
    match (role, requested) {
        (Role::Mediator, None | Some(Procedure::Mediation)) => Ok(Procedure::Mediation),
        (Role::Mediator, Some(_)) => invalid("a mediator assigns investigators within mediation"),
        (Role::Court, Some(p @ (Procedure::JudicialConfirmation | Procedure::Litigation))) => Ok(p),
        (Role::Court, _) => {
            invalid("a court assigns within judicial_confirmation or litigation; say which")
        }
        _ => invalid("only the case's mediators and court assign investigators"),
    }
}

/// A technical opinion's text: 1 to 100 000 characters, kept byte for byte (its digest covers it).
///
/// # Errors
/// `text` blank or too long.
pub fn opinion_text(text: &str) -> Result<String, ValidationErrors> {
    verbatim_text(text, 100_000).map_err(|e| ValidationErrors::one("text", e))
}

/// The most concurrent assignments an investigator may be given.
pub const MAX_LOAD: u32 = 100;

/// R22: names compare by [`crate::text::name_key`] (case, spacing and width ignored).
pub(crate) fn normalize_name(name: &str) -> String {
    crate::text::name_key(name)
}

/// Only accounts with the `investigator` role join the pool.
///
/// # Errors
/// `not_an_investigator` (also for no account at all).
pub fn check_pool_account(role: Option<Role>) -> Result<(), Invalid> {
    if role == Some(Role::Investigator) {
        Ok(())
    } else {
        Err(Invalid::new(
            "not_an_investigator",
            "an account with the investigator role",
        ))
    }
}

/// A validated investigator profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileInput {
    pub fields: Vec<TechnicalField>,
    pub affiliation: Affiliation,
    pub max_assignments: u32,
}

impl ProfileInput {
    /// # Errors
    /// `fields` empty, `max_assignments` outside 1..=100.
    pub fn parse(
        mut fields: Vec<TechnicalField>,
        affiliation: Affiliation,
        max_assignments: u32,
    ) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        fields.sort_unstable();
        fields.dedup();
        if fields.is_empty() {
            errors.push(
                "fields",
                Invalid::new("required", "at least one technical field"),
            );
        }
        if !(1..=MAX_LOAD).contains(&max_assignments) {
            errors.push(
                "max_assignments",
                Invalid::new("out_of_range", format!("1 to {MAX_LOAD}")),
            );
        }
        if errors.is_empty() {
            Ok(Self {
                fields,
                affiliation,
                max_assignments,
            })
        } else {
            Err(errors)
        }
    }
}

/// A conflict an investigator declares: someone they are related to, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclaredConflict {
    pub kind: ConflictKind,
    /// As declared (shown back).
    pub value: String,
    /// E.g. 前雇主 (former employer), 亲属 (relative), 持股 (shareholding).
    pub relationship: String,
}

impl DeclaredConflict {
    /// # Errors
    /// Names `value` (a credit code is checked per GB 32100) or `relationship`.
    pub fn parse(
        kind: ConflictKind,
        value: &str,
        relationship: &str,
    ) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let value = match kind {
            ConflictKind::CreditCode => errors.check(
                "value",
                crate::case::identifiers::CreditCode::parse(value).map(|c| c.as_str().to_owned()),
            ),
            _ => errors.check("value", bounded_text(value, 200)),
        };
        let relationship = errors.check("relationship", bounded_text(relationship, 200));
        match (value, relationship) {
            (Some(value), Some(relationship)) => Ok(Self {
                kind,
                value,
                relationship,
            }),
            _ => Err(errors),
        }
    }

    /// The form compared with parties.
    pub fn key(&self) -> String {
        match self.kind {
            ConflictKind::CreditCode => self.value.to_uppercase(),
            _ => normalize_name(&self.value),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_profile_needs_a_field_and_a_sane_limit() {
        let err = ProfileInput::parse(vec![], Affiliation::Court, 0).unwrap_err();
        let fields: Vec<_> = err.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["fields", "max_assignments"]);
        let ok = ProfileInput::parse(
            vec![
                TechnicalField::Optics,
                TechnicalField::Materials,
                TechnicalField::Optics,
            ],
            Affiliation::Police,
            3,
        )
        .unwrap();
        assert_eq!(
            ok.fields,
            [TechnicalField::Materials, TechnicalField::Optics]
        );
    }

    #[test]
    fn mediators_assign_within_mediation_and_courts_say_which_procedure() {
        use crate::account::Role;
        assert_eq!(
            procedure_for(Role::Mediator, None),
            Ok(Procedure::Mediation)
        );
        assert!(procedure_for(Role::Mediator, Some(Procedure::Litigation)).is_err());
        assert_eq!(
            procedure_for(Role::Court, Some(Procedure::Litigation)),
            Ok(Procedure::Litigation)
        );
        assert!(procedure_for(Role::Court, None).is_err());
        assert!(procedure_for(Role::Court, Some(Procedure::Mediation)).is_err());
        assert!(procedure_for(Role::Auditor, None).is_err());
    }

    #[test]
    fn conflicts_on_credit_codes_are_checked_and_names_normalised() {
        assert!(
            DeclaredConflict::parse(ConflictKind::CreditCode, "914403001922038217", "前雇主")
                .is_err()
        );
        let c = DeclaredConflict::parse(
            ConflictKind::Organization,
            "  Huawei   Technologies ",
            "前雇主",
        )
        .unwrap();
        assert_eq!(c.key(), "huawei technologies");
        let spaced = DeclaredConflict::parse(ConflictKind::Person, "张\u{3000}三", "亲属").unwrap();
        assert_eq!(spaced.key(), "张三");
    }
}
