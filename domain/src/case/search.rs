//! What a case can be found by: a prefix of a party's name (or of any word of it), of a credit
//! code, of the right's identifier or title, or of the case number. Terms are lower-cased.
use std::collections::BTreeSet;

use crate::case::intake::Party;

/// The longest term kept, in characters (longer names are cut; a prefix still finds them).
const MAX_TERM_CHARS: usize = 100;

/// Normalises a query the way terms are normalised.
pub fn normalize(query: &str) -> String {
    query
        .trim()
        .to_lowercase()
        .chars()
        .take(MAX_TERM_CHARS)
        .collect()
}

/// The terms of a case at intake: its parties' names and codes and the right. (The case number,
/// given at acceptance, is added then as `normalize(number)`.)
pub fn terms(parties: &[Party], right: &str, right_title: Option<&str>) -> BTreeSet<String> {
    let mut terms = BTreeSet::new();
    let mut add = |text: &str| {
        let whole = normalize(text);
        if whole.is_empty() {
            return;
        }
        for word in whole.split_whitespace() {
            terms.insert(word.to_owned());
        }
        terms.insert(whole);
    };
    for party in parties {
        add(&party.name);
        if let Some(code) = &party.credit_code {
            add(code.as_str());
        }
    }
    add(right);
    if let Some(title) = right_title {
        add(title);
    }
    terms
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::{PartyKind, Side};

    #[test]
    fn names_words_codes_and_the_right_are_terms_in_lower_case() {
        let party = Party {
            number: 1,
            side: Side::Applicant,
            kind: PartyKind::Organization,
            name: "Dalian Sea Cucumber Co".into(),
            id_number: None,
            credit_code: crate::case::identifiers::CreditCode::parse("914403001922038216").ok(),
            phone: None,
            address: None,
            agents: vec![],
        };
        let terms = terms(&[party], "201080063196.9", Some("大连海参"));
        for expected in [
            "dalian sea cucumber co",
            "cucumber",
            "914403001922038216",
            "201080063196.9",
            "大连海参",
        ] {
            assert!(
                terms.contains(expected),
                "{expected} missing from {terms:?}"
            );
        }
        assert_eq!(normalize("DLIPMC-2026-000001"), "dlipmc-2026-000001");
    }
}
