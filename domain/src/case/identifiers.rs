//! Identifiers with a public format, validated with their check characters: Chinese patent
//! application and patent numbers, trademark registration numbers, unified social credit codes
//! (GB 32100) and resident identity numbers (GB 11643).
use crate::validation::Invalid;

/// A Chinese patent application number (`201080063196.9`) or patent number
/// (`ZL201080063196.9`), check digit verified.
///
/// Since 2003 an application number is 12 digits — year (4), type (1), serial (7) — then a check
/// digit; from 1985 to 2003 it was 8 digits — year (2), type (1), serial (5). The type is 1
/// (invention), 2 (utility model), 3 (design), 8 or 9 (PCT applications entering China as an
/// invention or utility model). The check digit is `Σ dᵢ·wᵢ mod 11` with weights 2,3,4,5,6,7,8,9
/// (repeating from 2) over the digits, 10 written `X`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatentNumber {
    digits: String,
    check: char,
    granted: bool,
}

/// What kind of patent a number belongs to, from its type digit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatentKind {
    Invention,
    UtilityModel,
    Design,
}

impl PatentNumber {
    /// Accepts `CN`/`ZL` prefixes, spaces and an optional dot before the check digit.
    ///
    /// # Errors
    /// `invalid_format` or `invalid_check_digit`.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let compact: String = input
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '.')
            .collect::<String>()
            .to_uppercase();
        let (granted, rest) = match compact.strip_prefix("ZL") {
            Some(rest) => (true, rest),
            None => (false, compact.strip_prefix("CN").unwrap_or(&compact)),
        };
        let format = || {
            Invalid::new(
                "invalid_format",
                "expected a patent application or patent number such as 201080063196.9 or ZL201080063196.9",
            )
        };
        // By characters, not bytes: the last one may be any character someone typed.
        let mut chars = rest.chars();
        let check = chars.next_back().ok_or_else(format)?;
        let digits = chars.as_str();
        if !matches!(digits.len(), 8 | 12)
            || !digits.bytes().all(|b| b.is_ascii_digit())
            || !(check.is_ascii_digit() || check == 'X')
        {
            return Err(format());
        }
        let number = Self {
            digits: digits.to_owned(),
            check,
            granted,
        };
        if number.kind().is_none() {
            return Err(Invalid::new(
                "invalid_format",
                "the type digit must be 1, 2, 3, 8 or 9",
            ));
        }
        if number.expected_check() != check {
            return Err(Invalid::new(
                "invalid_check_digit",
                "the check digit does not match the number",
            ));
        }
        Ok(number)
    }

    fn expected_check(&self) -> char {
        let sum: u32 = self
            .digits
            .bytes()
            .zip([2u32, 3, 4, 5, 6, 7, 8, 9].iter().cycle())
            .map(|(b, w)| u32::from(b - b'0') * w)
            .sum();
        b"0123456789X"
            .get((sum % 11) as usize)
            .map_or('?', |b| char::from(*b))
    }

    /// The kind of patent, from the type digit.
    pub fn kind(&self) -> Option<PatentKind> {
        let type_digit = self
            .digits
            .as_bytes()
            .get(if self.digits.len() == 12 { 4 } else { 2 })?;
        match type_digit {
            b'1' | b'8' => Some(PatentKind::Invention),
            b'2' | b'9' => Some(PatentKind::UtilityModel),
            b'3' => Some(PatentKind::Design),
            _ => None,
        }
    }

    /// The normal written form: `201080063196.9`, or `ZL201080063196.9` for a granted patent.
    pub fn normalized(&self) -> String {
        format!(
            "{}{}.{}",
            if self.granted { "ZL" } else { "" },
            self.digits,
            self.check
        )
    }
}

/// A trademark registration number: digits only (e.g. `12345678`).
///
/// # Errors
/// `invalid_format` unless 1 to 10 digits.
pub fn trademark_number(input: &str) -> Result<String, Invalid> {
    let digits = input.trim();
    if (1..=10).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(digits.to_owned())
    } else {
        Err(Invalid::new(
            "invalid_format",
            "a trademark registration number is 1 to 10 digits",
        ))
    }
}

/// A unified social credit code (统一社会信用代码), 18 characters, check character verified per
/// GB 32100: alphabet `0-9 A-Z` without I, O, S, V, Z (31 characters); weights 3ⁱ mod 31;
/// check = 31 − (Σ mod 31), 31 meaning 0.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CreditCode(String);

const CREDIT_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

impl CreditCode {
    /// # Errors
    /// `invalid_format` or `invalid_check_character`.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let code = input.trim().to_uppercase();
        let values: Option<Vec<u32>> = code
            .bytes()
            .map(|b| {
                CREDIT_ALPHABET
                    .iter()
                    .position(|a| *a == b)
                    .and_then(|p| u32::try_from(p).ok())
            })
            .collect();
        let values = match values {
            Some(v) if v.len() == 18 => v,
            _ => {
                return Err(Invalid::new(
                    "invalid_format",
                    "a unified social credit code is 18 characters of 0-9 and A-Z without I, O, S, V, Z",
                ));
            }
        };
        let mut weight = 1u32;
        let mut sum = 0u32;
        for value in &values[..17] {
            sum += value * weight;
            weight = weight * 3 % 31;
        }
        let expected = (31 - sum % 31) % 31;
        if values[17] == expected {
            Ok(Self(code))
        } else {
            Err(Invalid::new(
                "invalid_check_character",
                "the check character does not match the code (GB 32100)",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Checks an 18-character resident identity number (居民身份证号码, GB 11643): 17 digits and a
/// check character (`ISO 7064 MOD 11-2`, 10 written `X`). Other identity documents (passports)
/// do not have this shape and are not checked.
///
/// # Errors
/// `invalid_check_character` for a resident identity number whose check fails.
pub fn check_resident_id(number: &str) -> Result<(), Invalid> {
    let bytes = number.as_bytes();
    let looks_like_resident_id = bytes.len() == 18
        && bytes[..17].iter().all(u8::is_ascii_digit)
        && (bytes[17].is_ascii_digit() || bytes[17] == b'X' || bytes[17] == b'x');
    if !looks_like_resident_id {
        return Ok(());
    }
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = bytes[..17]
        .iter()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    let expected = b"10X98765432"[(sum % 11) as usize];
    if bytes[17].to_ascii_uppercase() == expected {
        Ok(())
    } else {
        Err(Invalid::new(
            "invalid_check_character",
            "the check character of this resident identity number does not match (GB 11643)",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_patent_application_numbers_pass_and_one_digit_off_fails() {
        // Real numbers published by CNIPA.
        for (number, kind) in [
            ("201080063196.9", PatentKind::Invention),
            ("ZL 2008 2 0009767.0", PatentKind::UtilityModel),
            ("CN200820132792.8", PatentKind::UtilityModel),
            ("201110047567.0", PatentKind::Invention),
        ] {
            let parsed = PatentNumber::parse(number).unwrap_or_else(|e| panic!("{number}: {e}"));
            assert_eq!(parsed.kind(), Some(kind), "{number}");
        }
        assert_eq!(
            PatentNumber::parse("201080063196.8").unwrap_err().code,
            "invalid_check_digit"
        );
        assert_eq!(
            PatentNumber::parse("201040063196.9").unwrap_err().code,
            "invalid_format"
        ); // type 4
    }

    #[test]
    fn patent_numbers_are_normalised() {
        assert_eq!(
            PatentNumber::parse("zl 2008 2 0009767.0")
                .unwrap()
                .normalized(),
            "ZL200820009767.0"
        );
        assert_eq!(
            PatentNumber::parse("CN2010800631969").unwrap().normalized(),
            "201080063196.9"
        );
    }

    #[test]
    fn a_number_ending_in_a_multibyte_character_is_a_format_error() {
        for input in ["2010800631969中", "中", "ZL中", "201080063196.９"] {
            assert_eq!(
                PatentNumber::parse(input).unwrap_err().code,
                "invalid_format",
                "{input}"
            );
        }
    }

    proptest::proptest! {
        /// Whatever is typed, parsing answers (never panics); an answer that is a number
        /// re-parses to itself.
        #[test]
        fn any_input_parses_or_is_refused(input in "\\PC{0,20}") {
            if let Ok(number) = PatentNumber::parse(&input) {
                proptest::prop_assert_eq!(PatentNumber::parse(&number.normalized()), Ok(number));
            }
            let _ = CreditCode::parse(&input);
            let _ = check_resident_id(&input);
            let _ = trademark_number(&input);
        }
    }

    #[test]
    fn an_old_eight_digit_application_number_is_checked_with_weights_two_to_nine() {
        // 9 5 1 0 1 2 3 4 with weights 2..9: 18+15+4+0+6+14+24+36 = 117; 117 mod 11 = 7.
        assert!(PatentNumber::parse("95101234.7").is_ok());
        assert!(PatentNumber::parse("95101234.6").is_err());
    }

    #[test]
    fn real_credit_codes_pass_and_a_changed_check_character_fails() {
        for code in [
            "914403001922038216",
            "9144030071526726XG",
            "91110000802100433B",
            "91350100M000100Y43",
        ] {
            assert!(CreditCode::parse(code).is_ok(), "{code}");
        }
        assert_eq!(
            CreditCode::parse("914403001922038217").unwrap_err().code,
            "invalid_check_character"
        );
        assert_eq!(
            CreditCode::parse("91440300192203821I").unwrap_err().code,
            "invalid_format"
        );
        assert_eq!(
            CreditCode::parse("9144030019220382").unwrap_err().code,
            "invalid_format"
        );
    }

    #[test]
    fn resident_identity_numbers_are_checked_and_other_documents_pass() {
        assert!(check_resident_id("11010519491231002X").is_ok()); // the standard's own example
        assert_eq!(
            check_resident_id("110105194912310021").unwrap_err().code,
            "invalid_check_character"
        );
        assert!(check_resident_id("E12345678").is_ok()); // a passport
    }

    #[test]
    fn trademark_numbers_are_digits() {
        assert_eq!(trademark_number(" 12345678 ").unwrap(), "12345678");
        assert!(trademark_number("TM123").is_err());
    }
}
