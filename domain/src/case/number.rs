//! Case numbers (案号): `<ORG>-<YEAR>-<NNNNNN>`, assigned when a case is accepted. Numbers are
//! unique and increase per organisation and year; a number may be skipped, never reused.
use crate::organization::OrganizationCode;

/// `DLIPMC-2026-000123`.
pub fn case_number(organization: &OrganizationCode, year: i32, sequence: u64) -> String {
    format!("{}-{year}-{sequence:06}", organization.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_padded_to_six_digits_and_grow_beyond() {
        let org = OrganizationCode::parse("DLIPMC").unwrap();
        assert_eq!(case_number(&org, 2026, 123), "DLIPMC-2026-000123");
        assert_eq!(case_number(&org, 2026, 1_234_567), "DLIPMC-2026-1234567");
    }
}
