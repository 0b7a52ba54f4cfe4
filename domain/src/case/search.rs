//! What a case can be found by: a prefix of a party's name (or of any word of it), of a credit
//! code, of the right's identifier or title, or of the case number. Terms are normalised as
//! names compare (NFKC, lower case, `张 三` written `张三`).
use std::collections::BTreeSet;

use crate::case::intake::Party;

/// The longest term kept, in characters (longer names are cut; a prefix still finds them).
const MAX_TERM_CHARS: usize = 100;

/// Normalises a query the way terms are normalised: as names compare
/// ([`crate::text::name_key`]: NFKC, lower case, no spaces inside CJK names), cut to the
/// longest term kept.
pub fn normalize(query: &str) -> String {
    crate::text::name_key(query)
        .chars()
        .take(MAX_TERM_CHARS)
        .collect()
}

/// The terms a text is found by: each of its words, the whole of it as written (words apart),
/// and the whole as names compare (`张 三` as `张三`), so that a query found by [`normalize`]
/// matches whether it has CJK characters or not (`" or 1=1`, `张 三` and `" or 1=1 张三` all
/// find `" OR 1=1 张三`).
pub fn text_terms(text: &str) -> BTreeSet<String> {
    let cut = |s: &str| s.chars().take(MAX_TERM_CHARS).collect::<String>();
    let folded = crate::text::fold(text);
    let mut terms = BTreeSet::new();
    if folded.is_empty() {
        return terms;
    }
    for word in folded.split(' ') {
        terms.insert(cut(word));
    }
    terms.insert(cut(&folded));
    terms.insert(normalize(text));
    terms
}

/// The terms of a case at intake: its parties' names and codes and the right. (The case number,
/// given at acceptance, is added then as `normalize(number)`.)
pub fn terms(parties: &[Party], right: &str, right_title: Option<&str>) -> BTreeSet<String> {
    let mut terms = BTreeSet::new();
    let mut add = |text: &str| terms.extend(text_terms(text));
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
            identity: None,
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

    #[test]
    fn chinese_names_are_one_term_however_they_are_spaced_and_queries_alike() {
        let party = |name: &str| Party {
            number: 1,
            side: Side::Respondent,
            kind: PartyKind::Person,
            name: name.into(),
            identity: None,
            credit_code: None,
            phone: None,
            address: None,
            agents: vec![],
        };
        for written in ["张 三", "张\u{3000}三", "ＺＨＡＮＧ San"] {
            let found = terms(&[party(written)], "x", None);
            let query = normalize(if written.starts_with('张') {
                "张三"
            } else {
                "zhang"
            });
            assert!(
                found.iter().any(|t| t.starts_with(&query)),
                "{written:?}: {query} finds none of {found:?}"
            );
        }
        assert_eq!(normalize(" 张\u{3000}三 "), "张三");
    }

    #[test]
    fn mixed_text_is_found_by_a_latin_prefix_and_by_its_chinese_name_alike() {
        let found = text_terms("\" OR 1=1 -- 张三");
        for query in ["\" or 1=1", "张三", "张 三", "\" or 1=1 -- 张三"] {
            let query = normalize(query);
            assert!(
                found.iter().any(|t| t.starts_with(&query)),
                "{query:?} finds none of {found:?}"
            );
        }
        assert!(!found.iter().any(|t| t.starts_with(&normalize("李四"))));
    }
}
