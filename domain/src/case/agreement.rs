//! The settlement agreement (调解协议).
//!
//! Its text is fixed by a SHA-256 digest of the text's UTF-8 bytes, so anyone holding the signed
//! document can check it. It takes effect when every party and the mediator have signed (R6) —
//! signatures, seals or fingerprints, recorded by the mediator — and nothing of it may change
//! after the first signature. An agreement that decides the ownership or validity of an IP right
//! (确权) is flagged: such agreements cannot be judicially confirmed (R12).

use crate::case::intake::Party;
use crate::case::{CaseStatus, Refusal, refuse};
use crate::validation::{Invalid, ValidationErrors, bounded_text, verbatim_text};

pub const MAX_TEXT_CHARS: usize = 100_000;
pub const MAX_TERMS: usize = 50;

/// What the parties agree to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreementContent {
    pub text: String,
    /// The obligations, one per entry (pay ¥…, stop selling …), for follow-up.
    pub terms: Vec<String>,
    /// Decides ownership or validity of an IP right (R12: not confirmable).
    pub decides_ownership_or_validity: bool,
}

impl AgreementContent {
    /// # Errors
    /// `text` blank or longer than 100 000 characters; a term blank or longer than 2000; more
    /// than 50 terms.
    pub fn parse(
        text: &str,
        terms: &[String],
        decides_ownership_or_validity: bool,
    ) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let text = errors.check("text", verbatim_text(text, MAX_TEXT_CHARS));
        if terms.len() > MAX_TERMS {
            errors.push(
                "terms",
                Invalid::new("too_many", format!("at most {MAX_TERMS} terms")),
            );
        }
        let terms: Vec<Option<String>> = terms
            .iter()
            .enumerate()
            .map(|(i, t)| errors.check(&format!("terms[{i}]"), bounded_text(t, 2000)))
            .collect();
        match (
            errors.is_empty(),
            text,
            terms.into_iter().collect::<Option<Vec<_>>>(),
        ) {
            (true, Some(text), Some(terms)) => Ok(Self {
                text,
                terms,
                decides_ownership_or_validity,
            }),
            _ => Err(errors),
        }
    }

    /// The SHA-256 of the text, lower-case hex.
    pub fn digest(&self) -> String {
        crate::sha256_hex(self.text.as_bytes())
    }
}

/// Who signs: a party (by its number in the case) or the mediator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Signer {
    Party(u32),
    Mediator,
}

named_enum! {
    /// How a signature was given (R6: signature, seal or fingerprint).
    pub enum SignatureMethod {
        Signature = "signature",
        Seal = "seal",
        Fingerprint = "fingerprint",
    }
}

/// Every party and the mediator.
pub fn required_signers(parties: &[Party]) -> Vec<Signer> {
    parties
        .iter()
        .map(|p| Signer::Party(p.number))
        .chain([Signer::Mediator])
        .collect()
}

/// The agreement can be recorded or replaced only during mediation and before anyone signed.
///
/// # Errors
/// `invalid_transition` outside mediation; `agreement_frozen` (R6) once signed.
pub fn check_record(status: CaseStatus, signatures: usize) -> Result<(), Refusal> {
    crate::case::lifecycle::check_not_closed(status)?;
    // R6 first: once anyone signed, the text is fixed whatever the case has become since.
    if signatures > 0 {
        return Err(refuse(
            "agreement_frozen",
            Some("R6"),
            "the agreement has been signed; its text can no longer change",
        ));
    }
    if status != CaseStatus::InMediation {
        return Err(refuse(
            "invalid_transition",
            None,
            "the agreement is recorded during mediation",
        ));
    }
    Ok(())
}

/// Checks a new signature and tells whether the agreement takes effect with it.
///
/// # Errors
/// `invalid_transition` outside mediation, `no_agreement`, `unknown_signer`, `already_signed`.
pub fn check_signature(
    status: CaseStatus,
    has_agreement: bool,
    required: &[Signer],
    signed: &[Signer],
    signer: Signer,
) -> Result<bool, Refusal> {
    crate::case::lifecycle::check_not_closed(status)?;
    if status != CaseStatus::InMediation {
        return Err(refuse(
            "invalid_transition",
            None,
            "signatures are recorded during mediation",
        ));
    }
    if !has_agreement {
        return Err(refuse(
            "no_agreement",
            Some("R6"),
            "record the agreement before its signatures",
        ));
    }
    if !required.contains(&signer) {
        return Err(refuse("unknown_signer", None, "no such party in this case"));
    }
    if signed.contains(&signer) {
        return Err(refuse(
            "already_signed",
            None,
            "this signature is already recorded",
        ));
    }
    // R6: effective at the last required signature.
    Ok(required.iter().all(|r| *r == signer || signed.contains(r)))
}

/// The signers still to sign: every required one (R6) not among `signed`, in order.
pub fn unsigned(parties: &[Party], signed: &[Signer]) -> Vec<Signer> {
    required_signers(parties)
        .into_iter()
        .filter(|s| !signed.contains(s))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digest_is_the_sha256_of_the_text() {
        let content = AgreementContent::parse("abc", &[], false).unwrap();
        assert_eq!(
            content.digest(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn the_agreement_is_frozen_at_the_first_signature_r6() {
        assert!(check_record(CaseStatus::InMediation, 0).is_ok());
        // Still frozen after the last signature settled the case.
        assert_eq!(
            check_record(CaseStatus::Settled, 3).unwrap_err().code,
            "agreement_frozen"
        );
        let frozen = check_record(CaseStatus::InMediation, 1).unwrap_err();
        assert_eq!((frozen.code, frozen.rule), ("agreement_frozen", Some("R6")));
        assert_eq!(
            check_record(CaseStatus::Accepted, 0).unwrap_err().code,
            "invalid_transition"
        );
    }

    #[test]
    fn it_takes_effect_at_the_last_required_signature_whatever_the_order() {
        let required = [Signer::Party(1), Signer::Party(2), Signer::Mediator];
        let mut signed = vec![];
        for signer in [Signer::Mediator, Signer::Party(2), Signer::Party(1)] {
            let effective =
                check_signature(CaseStatus::InMediation, true, &required, &signed, signer).unwrap();
            signed.push(signer);
            assert_eq!(effective, signed.len() == 3);
        }
    }

    #[test]
    fn strangers_and_second_signatures_are_refused() {
        let required = [Signer::Party(1), Signer::Mediator];
        let check = |signed: &[Signer], signer| {
            check_signature(CaseStatus::InMediation, true, &required, signed, signer)
        };
        assert_eq!(
            check(&[], Signer::Party(3)).unwrap_err().code,
            "unknown_signer"
        );
        assert_eq!(
            check(&[Signer::Party(1)], Signer::Party(1))
                .unwrap_err()
                .code,
            "already_signed"
        );
        let none = check_signature(
            CaseStatus::InMediation,
            false,
            &required,
            &[],
            Signer::Mediator,
        );
        assert_eq!(none.unwrap_err().code, "no_agreement");
    }

    #[test]
    fn text_and_terms_are_bounded() {
        let long = "字".repeat(MAX_TEXT_CHARS + 1);
        assert_eq!(
            AgreementContent::parse(&long, &[], false).unwrap_err().0[0].field,
            "text"
        );
        assert_eq!(
            AgreementContent::parse("  ", &[], false).unwrap_err().0[0].field,
            "text"
        );
        let err = AgreementContent::parse("协议", &[String::new()], false).unwrap_err();
        assert_eq!(err.0[0].field, "terms[0]");
    }

    #[test]
    fn the_unsigned_are_the_required_signers_not_yet_signed() {
        use crate::case::intake::Party;
        use crate::case::{PartyKind, Side};
        let party = |number| Party {
            number,
            side: Side::Applicant,
            kind: PartyKind::Organization,
            name: "甲".into(),
            identity: None,
            credit_code: None,
            phone: None,
            address: None,
            agents: Vec::new(),
        };
        let parties = [party(1), party(2)];
        assert_eq!(
            unsigned(&parties, &[]),
            [Signer::Party(1), Signer::Party(2), Signer::Mediator]
        );
        assert_eq!(
            unsigned(&parties, &[Signer::Mediator, Signer::Party(1)]),
            [Signer::Party(2)]
        );
        assert_eq!(
            unsigned(
                &parties,
                &[Signer::Party(2), Signer::Party(1), Signer::Mediator]
            ),
            []
        );
    }
}
