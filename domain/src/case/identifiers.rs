//! Identifiers with a public format, validated with their check characters: Chinese patent
//! application and patent numbers, trademark registration numbers, unified social credit codes
//! (GB 32100), resident identity numbers (GB 11643) and the other identity documents a person
//! may show.
//!
//! Every parser reads its input after NFKC ([`crate::text::nfkc`]): full-width digits and `Ｘ`
//! are the characters they look like, so `１１０１…` is checked like `1101…`, never stored as given.
use chrono::{Datelike, NaiveDate};

use crate::division::province_name;
use crate::text::nfkc;
use crate::validation::{Invalid, bounded_text};

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
        let compact: String = nfkc(input)
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
    let digits = nfkc(input);
    let digits = digits.as_str();
    if (1..=10).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(digits.to_owned())
    } else {
        Err(Invalid::new(
            "invalid_format",
            "a trademark registration number is 1 to 10 digits",
        ))
    }
}

/// A unified social credit code (统一社会信用代码), 18 characters, per GB 32100: the registration
/// authority (position 1) and the kind of body it registers (position 2) from the standard's
/// table, the registering authority's administrative division (positions 3–8, GB/T 2260; `100000`
/// for the national level), the body's identifier (9–17) and a check character: alphabet `0-9
/// A-Z` without I, O, S, V, Z (31 characters); weights 3ⁱ mod 31; check = 31 − (Σ mod 31), 31
/// meaning 0.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CreditCode(String);

const CREDIT_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// GB 32100 table 1: each registration authority and the body types it registers.
const REGISTRATION_TYPES: &[(u8, &[u8])] = &[
    (b'1', b"1239"),   // 机构编制: 机关, 事业单位, 中央编办直管群众团体, 其他
    (b'2', b"19"),     // 外交: 外国常驻新闻机构, 其他
    (b'3', b"123459"), // 司法行政: 律师事务所, 公证处, 基层法律服务所, 司法鉴定机构, 仲裁委员会, 其他
    (b'4', b"19"),     // 文化: 外国在华文化中心, 其他
    (b'5', b"1239"),   // 民政: 社会团体, 民办非企业单位, 基金会, 其他
    (b'6', b"129"),    // 旅游: 外国/港澳台旅游部门常驻代表机构, 其他
    (b'7', b"129"),    // 宗教: 宗教活动场所, 宗教院校, 其他
    (b'8', b"19"),     // 工会: 基层工会, 其他
    (b'9', b"123"),    // 工商: 企业, 个体工商户, 农民专业合作社
    (b'A', b"19"),     // 中央军委改革和编制办公室: 军队事业单位, 其他
    (b'N', b"1239"),   // 农业: 组级, 村级, 乡镇级集体经济组织, 其他
    (b'Y', b"1"),      // 其他
];

/// The GB 32100 check character of a credit code's first 17 characters (weights 3ⁱ mod 31,
/// check 31 − Σ mod 31, 31 meaning 0); `None` unless they are 17 characters of the code's
/// alphabet.
pub fn credit_code_check_character(first17: &str) -> Option<char> {
    let values: Option<Vec<u32>> = first17
        .bytes()
        .map(|b| {
            CREDIT_ALPHABET
                .iter()
                .position(|a| *a == b)
                .and_then(|p| u32::try_from(p).ok())
        })
        .collect();
    let values = values.filter(|v| v.len() == 17)?;
    let mut weight = 1u32;
    let mut sum = 0u32;
    for value in values {
        sum += value * weight;
        weight = weight * 3 % 31;
    }
    Some(char::from(CREDIT_ALPHABET[((31 - sum % 31) % 31) as usize]))
}

/// The GB 11643 check character (ISO 7064 MOD 11-2) of a resident identity number's first 17
/// digits; `None` unless they are 17 ASCII digits.
pub fn resident_id_check_character(first17: &str) -> Option<char> {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let bytes = first17.as_bytes();
    if bytes.len() != 17 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = bytes
        .iter()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    Some(char::from(b"10X98765432"[(sum % 11) as usize]))
}

impl CreditCode {
    /// # Errors
    /// `invalid_format`, `invalid_check_character`, `invalid_registration_type` (positions
    /// 1–2 not in the standard's table) or `invalid_division_code` (positions 3–8).
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let code = nfkc(input).to_uppercase();
        let well_formed = code.len() == 18 && code.bytes().all(|b| CREDIT_ALPHABET.contains(&b));
        if !well_formed {
            return Err(Invalid::new(
                "invalid_format",
                "a unified social credit code is 18 characters of 0-9 and A-Z without I, O, S, V, Z",
            ));
        }
        if credit_code_check_character(&code[..17]) != code[17..].chars().next() {
            return Err(Invalid::new(
                "invalid_check_character",
                "the check character does not match the code (GB 32100)",
            ));
        }
        let bytes = code.as_bytes();
        let registered = REGISTRATION_TYPES
            .iter()
            .any(|(authority, types)| *authority == bytes[0] && types.contains(&bytes[1]));
        if !registered {
            return Err(Invalid::new(
                "invalid_registration_type",
                format!(
                    "`{}` is not a registration authority and body type of GB 32100 (positions 1-2)",
                    &code[..2]
                ),
            ));
        }
        let division = &code[2..8];
        let division_ok = division.bytes().all(|b| b.is_ascii_digit())
            && (division == "100000" || province_name(&division[..2]).is_some());
        if !division_ok {
            return Err(Invalid::new(
                "invalid_division_code",
                format!(
                    "`{division}` is not an administrative division code naming a province (positions 3-8, GB/T 2260)"
                ),
            ));
        }
        Ok(Self(code))
    }

    /// A code read back from storage, where only codes that passed [`Self::parse`] were put.
    /// Not re-checked: the rules may have tightened since a code was accepted, and a stored
    /// case stays readable.
    pub fn from_stored(code: String) -> Self {
        Self(code)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A resident identity number (居民身份证号码, GB 11643): the address code of the place of first
/// registration (6 digits, GB/T 2260; `81`–`83` for the residence permits of Hong Kong, Macau and
/// Taiwan residents), the birth date (8), a sequence (3) and a check character (`ISO 7064 MOD
/// 11-2`, 10 written `X`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ResidentId(String);

impl ResidentId {
    /// Checks the number as of `today` (a birth date may not lie in the future).
    ///
    /// # Errors
    /// `invalid_format` (not 17 digits and a check character), `invalid_division_code` (the
    /// address code names no province), `invalid_birth_date` (no such day, or after `today`),
    /// `invalid_check_character`.
    pub fn parse(input: &str, today: NaiveDate) -> Result<Self, Invalid> {
        let number = nfkc(input).to_uppercase();
        let bytes = number.as_bytes();
        let well_formed = bytes.len() == 18
            && bytes[..17].iter().all(u8::is_ascii_digit)
            && (bytes[17].is_ascii_digit() || bytes[17] == b'X');
        if !well_formed {
            return Err(Invalid::new(
                "invalid_format",
                "a resident identity number is 17 digits and a check digit or X (GB 11643)",
            ));
        }
        let province = &number[..2];
        if province_name(province).is_none() && province != "83" {
            return Err(Invalid::new(
                "invalid_division_code",
                format!(
                    "the address code `{}` names no province (GB/T 2260)",
                    &number[..6]
                ),
            ));
        }
        let digits = |range: std::ops::Range<usize>| number[range].parse::<u32>().unwrap_or(0);
        let birth = i32::try_from(digits(6..10))
            .ok()
            .and_then(|year| NaiveDate::from_ymd_opt(year, digits(10..12), digits(12..14)));
        match birth {
            Some(date) if date <= today => {}
            Some(_) => {
                return Err(Invalid::new(
                    "invalid_birth_date",
                    "the birth date (positions 7-14) lies in the future",
                ));
            }
            None => {
                return Err(Invalid::new(
                    "invalid_birth_date",
                    "the birth date (positions 7-14) is not a date",
                ));
            }
        }
        if resident_id_check_character(&number[..17]) != Some(char::from(bytes[17])) {
            return Err(Invalid::new(
                "invalid_check_character",
                "the check character of this resident identity number does not match (GB 11643)",
            ));
        }
        Ok(Self(number))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The birth date it carries.
    pub fn birth_date(&self) -> Option<NaiveDate> {
        let year = self.0[6..10].parse().ok()?;
        NaiveDate::from_ymd_opt(
            year,
            self.0[10..12].parse().ok()?,
            self.0[12..14].parse().ok()?,
        )
        .filter(|d| d.year() == year)
    }
}

named_enum! {
    /// The kind of identity document a person's number comes from.
    pub enum IdDocumentKind {
        /// 居民身份证 (and the residence permits of Hong Kong, Macau and Taiwan residents, which
        /// share its format): checked per GB 11643.
        ResidentId = "resident_id",
        /// A passport: 5 to 20 letters and digits.
        Passport = "passport",
        /// 港澳居民来往内地通行证: `H` or `M` and 8 (or 10) digits.
        HkMacauPermit = "hk_macau_permit",
        /// 台湾居民来往大陆通行证: 8 (or 10) digits.
        TaiwanPermit = "taiwan_permit",
        /// Any other document, kept as given (1 to 32 characters).
        Other = "other",
    }
}

/// A person's identity document: its kind and its number in normal form.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdentityDocument {
    pub kind: IdDocumentKind,
    pub number: String,
}

impl IdentityDocument {
    /// Checks `number` as a document of `kind`, as of `today`.
    ///
    /// # Errors
    /// Those of [`ResidentId::parse`] for a resident ID; `invalid_format` for a number that does
    /// not have the shape of its document.
    pub fn parse(kind: IdDocumentKind, number: &str, today: NaiveDate) -> Result<Self, Invalid> {
        let normal = nfkc(number).to_uppercase();
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        let shaped = match kind {
            IdDocumentKind::ResidentId => {
                return ResidentId::parse(number, today).map(|id| Self { kind, number: id.0 });
            }
            IdDocumentKind::Passport => {
                (5..=20).contains(&normal.len())
                    && normal.bytes().all(|b| b.is_ascii_alphanumeric())
            }
            IdDocumentKind::HkMacauPermit => {
                normal.starts_with(['H', 'M'])
                    && matches!(normal.len(), 9 | 11)
                    && all_digits(&normal[1..])
            }
            IdDocumentKind::TaiwanPermit => matches!(normal.len(), 8 | 10) && all_digits(&normal),
            IdDocumentKind::Other => {
                return bounded_text(&normal, 32).map(|number| Self { kind, number });
            }
        };
        if shaped {
            Ok(Self {
                kind,
                number: normal,
            })
        } else {
            Err(Invalid::new(
                "invalid_format",
                match kind {
                    IdDocumentKind::Passport => "a passport number is 5 to 20 letters and digits",
                    IdDocumentKind::HkMacauPermit => {
                        "a Hong Kong/Macau permit number is H or M and 8 or 10 digits"
                    }
                    _ => "a Taiwan permit number is 8 or 10 digits",
                },
            ))
        }
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
        for input in ["2010800631969中", "中", "ZL中"] {
            assert_eq!(
                PatentNumber::parse(input).unwrap_err().code,
                "invalid_format",
                "{input}"
            );
        }
    }

    #[test]
    fn full_width_identifiers_are_read_as_the_ascii_they_look_like() {
        assert_eq!(
            PatentNumber::parse("２０１０８００６３１９６．９")
                .unwrap()
                .normalized(),
            "201080063196.9"
        );
        assert_eq!(trademark_number("１２３４５６７８").unwrap(), "12345678");
        assert_eq!(
            CreditCode::parse("９１４４０３００１９２２０３８２１６")
                .unwrap()
                .as_str(),
            "914403001922038216"
        );
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        assert_eq!(
            ResidentId::parse("１１０１０５１９４９１２３１００２Ｘ", today)
                .unwrap()
                .as_str(),
            "11010519491231002X"
        );
        // …and checked: a full-width number with a wrong check character is refused.
        assert_eq!(
            ResidentId::parse("１１０１０５１９４９１２３１００２１", today)
                .unwrap_err()
                .code,
            "invalid_check_character"
        );
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
            let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap_or_default();
            for kind in IdDocumentKind::ALL {
                let _ = IdentityDocument::parse(*kind, &input, today);
            }
            let _ = trademark_number(&input);
        }
    }

    #[test]
    fn an_old_eight_digit_application_number_is_checked_with_weights_two_to_nine() {
        // 9 5 1 0 1 2 3 4 with weights 2..9: 18+15+4+0+6+14+24+36 = 117; 117 mod 11 = 7.
        assert!(PatentNumber::parse("95101234.7").is_ok());
        assert!(PatentNumber::parse("95101234.6").is_err());
    }

    /// A credit code with the given first 17 characters and its correct check character.
    fn credit_with_check(first17: &str) -> String {
        format!("{first17}{}", credit_code_check_character(first17).unwrap())
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
    fn credit_codes_name_a_registration_type_of_the_table_and_a_province() {
        let code =
            |first17: &str| CreditCode::parse(&credit_with_check(first17)).map_err(|e| e.code);
        // Every pair of the table, including authorities A, N and Y, and the national level.
        for prefix in [
            "11", "12", "13", "19", "21", "31", "35", "51", "53", "61", "62", "72", "81", "91",
            "92", "93", "A1", "A9", "N1", "N2", "N3", "N9", "Y1",
        ] {
            assert!(
                code(&format!("{prefix}210200192203821")).is_ok(),
                "{prefix}"
            );
        }
        assert_eq!(
            CreditCode::parse("1210000040001039").map_err(|e| e.code),
            Err("invalid_format"),
            "16 characters"
        );
        assert!(code("12100000400010398").is_ok()); // national level (100000)
        for prefix in ["94", "99", "10", "B1", "Y2", "A2", "N4", "38", "22"] {
            assert_eq!(
                code(&format!("{prefix}210200192203821")),
                Err("invalid_registration_type"),
                "{prefix}"
            );
        }
        assert_eq!(code("91990000192203821"), Err("invalid_division_code"));
        assert_eq!(code("9121A200192203821"), Err("invalid_division_code"));
        assert_eq!(code("91000000192203821"), Err("invalid_division_code"));
    }

    /// A resident ID with the given first 17 characters and its correct check character.
    fn with_check(first17: &str) -> String {
        format!("{first17}{}", resident_id_check_character(first17).unwrap())
    }

    #[test]
    fn resident_identity_numbers_are_checked_in_every_part() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let id = |s: &str| ResidentId::parse(s, today).map_err(|e| e.code);
        assert!(id("11010519491231002X").is_ok()); // the standard's own example
        assert_eq!(id("110105194912310021"), Err("invalid_check_character"));
        // Each with a correct check character, so only the part under test is wrong.
        assert_eq!(
            id(&with_check("11010519491331002")),
            Err("invalid_birth_date")
        ); // month 13
        assert_eq!(
            id(&with_check("11010520230230002")),
            Err("invalid_birth_date")
        ); // 30 Feb
        assert_eq!(
            id(&with_check("11010520261203002")),
            Err("invalid_birth_date")
        ); // tomorrow
        assert!(id(&with_check("11010520261202002")).is_ok()); // born today
        assert!(id(&with_check("11010520240229002")).is_ok()); // a leap day
        assert_eq!(
            id(&with_check("99010519491231002")),
            Err("invalid_division_code")
        );
        assert_eq!(
            id(&with_check("00010519491231002")),
            Err("invalid_division_code")
        );
        assert!(id(&with_check("81000019800101002")).is_ok()); // a Hong Kong residence permit
        assert!(id(&with_check("83000019800101002")).is_ok()); // a Taiwan residence permit
        // A dropped digit is not another kind of document.
        assert_eq!(id("11010519491231002"), Err("invalid_format"));
        assert_eq!(id("E12345678"), Err("invalid_format"));
        assert_eq!(
            ResidentId::parse("11010519491231002x", today)
                .unwrap()
                .as_str(),
            "11010519491231002X"
        );
    }

    #[test]
    fn other_identity_documents_have_their_own_shapes() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let doc = |kind, s: &str| IdentityDocument::parse(kind, s, today).map(|d| d.number);
        use IdDocumentKind as K;
        assert_eq!(doc(K::Passport, "e12345678"), Ok("E12345678".to_owned()));
        assert_eq!(
            doc(K::HkMacauPermit, "H12345678"),
            Ok("H12345678".to_owned())
        );
        assert_eq!(
            doc(K::HkMacauPermit, "Ｍ1234567890"),
            Ok("M1234567890".to_owned())
        );
        assert_eq!(doc(K::TaiwanPermit, "12345678"), Ok("12345678".to_owned()));
        assert_eq!(
            doc(K::Other, " 军官证 第123号 "),
            Ok("军官证 第123号".to_owned())
        );
        for (kind, bad) in [
            (K::Passport, "E12"),
            (K::Passport, "E1234-5678"),
            (K::HkMacauPermit, "X12345678"),
            (K::HkMacauPermit, "H1234567"),
            (K::TaiwanPermit, "1234567"),
            (K::ResidentId, "11010519491231002"),
        ] {
            assert_eq!(
                IdentityDocument::parse(kind, bad, today).unwrap_err().code,
                "invalid_format",
                "{kind} {bad}"
            );
        }
    }

    #[test]
    fn trademark_numbers_are_digits() {
        assert_eq!(trademark_number(" 12345678 ").unwrap(), "12345678");
        assert!(trademark_number("TM123").is_err());
    }
}
