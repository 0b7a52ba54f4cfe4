//! Personal data of parties, hidden from roles that do not need it (auditors): identity
//! numbers, phone numbers and addresses are replaced by a fixed mask that reveals neither their
//! content nor their length. Names, credit codes of organisations and the dispute stay visible.
use crate::case::intake::Party;

pub const MASK: &str = "***";

/// The party as an auditor may see it.
pub fn mask(party: &Party) -> Party {
    let hide = |v: &Option<String>| v.as_ref().map(|_| MASK.to_owned());
    Party {
        identity: party
            .identity
            .as_ref()
            .map(|d| crate::case::identifiers::IdentityDocument {
                kind: d.kind,
                number: MASK.to_owned(),
            }),
        phone: hide(&party.phone),
        address: hide(&party.address),
        agents: party
            .agents
            .iter()
            .map(|a| crate::case::intake::Agent {
                phone: hide(&a.phone),
                ..a.clone()
            })
            .collect(),
        ..party.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::intake::Agent;
    use crate::case::{PartyKind, Side};

    #[test]
    fn identity_numbers_phones_and_addresses_are_hidden_names_are_not() {
        let party = Party {
            number: 1,
            side: Side::Respondent,
            kind: PartyKind::Person,
            name: "张三".into(),
            identity: Some(crate::case::identifiers::IdentityDocument {
                kind: crate::case::identifiers::IdDocumentKind::ResidentId,
                number: "11010519491231002X".into(),
            }),
            credit_code: None,
            phone: Some("13800138000".into()),
            address: Some("大连市中山区".into()),
            agents: vec![Agent {
                name: "李律师".into(),
                phone: Some("0411-88886666".into()),
                firm: Some("某律所".into()),
            }],
        };
        let masked = mask(&party);
        let shown = format!("{masked:?}");
        for secret in [
            "11010519491231002X",
            "13800138000",
            "大连市中山区",
            "0411-88886666",
        ] {
            assert!(!shown.contains(secret), "{secret} leaked");
        }
        assert_eq!(masked.name, "张三");
        assert_eq!(masked.agents[0].firm.as_deref(), Some("某律所"));
        let identity = masked.identity.unwrap();
        assert_eq!(identity.number, MASK);
        assert_eq!(
            identity.kind,
            crate::case::identifiers::IdDocumentKind::ResidentId
        );
    }
}
