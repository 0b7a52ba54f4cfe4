//! Administrative divisions (GB/T 2260): the six-digit codes that say where an organisation sits,
//! where a court has jurisdiction, and where an identity number or credit code was issued.
//!
//! A code is province (2 digits), city (2) and county (2); trailing `00` pairs leave the lower
//! levels open: `210000` is Liaoning, `210200` Dalian, `210202` Zhongshan district. Only the
//! province is checked against the standard's table; city and county codes change from year to
//! year and are taken as given.
use crate::validation::Invalid;

/// The province-level codes of GB/T 2260, with their names.
const PROVINCES: &[(&str, &str)] = &[
    ("11", "北京市"),
    ("12", "天津市"),
    ("13", "河北省"),
    ("14", "山西省"),
    ("15", "内蒙古自治区"),
    ("21", "辽宁省"),
    ("22", "吉林省"),
    ("23", "黑龙江省"),
    ("31", "上海市"),
    ("32", "江苏省"),
    ("33", "浙江省"),
    ("34", "安徽省"),
    ("35", "福建省"),
    ("36", "江西省"),
    ("37", "山东省"),
    ("41", "河南省"),
    ("42", "湖北省"),
    ("43", "湖南省"),
    ("44", "广东省"),
    ("45", "广西壮族自治区"),
    ("46", "海南省"),
    ("50", "重庆市"),
    ("51", "四川省"),
    ("52", "贵州省"),
    ("53", "云南省"),
    ("54", "西藏自治区"),
    ("61", "陕西省"),
    ("62", "甘肃省"),
    ("63", "青海省"),
    ("64", "宁夏回族自治区"),
    ("65", "新疆维吾尔自治区"),
    ("71", "台湾省"),
    ("81", "香港特别行政区"),
    ("82", "澳门特别行政区"),
];

/// The name of the province-level division `code` (two digits), if the standard has it.
pub fn province_name(code: &str) -> Option<&'static str> {
    PROVINCES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, name)| *name)
}

/// How far down a code goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DivisionLevel {
    Province,
    City,
    County,
}

/// A six-digit GB/T 2260 code whose province exists.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DivisionCode(String);

impl DivisionCode {
    /// Six ASCII digits (after NFKC) whose first two name a province.
    ///
    /// # Errors
    /// `invalid_format` unless six digits; `unknown_province` when the first two digits name no
    /// province-level division.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let code = crate::text::nfkc(input);
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Invalid::new(
                "invalid_format",
                "an administrative division code is six digits (GB/T 2260), e.g. 210202",
            ));
        }
        if province_name(&code[..2]).is_none() {
            return Err(Invalid::new(
                "unknown_province",
                format!("`{}` is not a province-level code of GB/T 2260", &code[..2]),
            ));
        }
        if &code[2..4] == "00" && &code[4..] != "00" {
            return Err(Invalid::new(
                "invalid_format",
                "a county code needs its city: digits 3-4 may not be 00 when digits 5-6 are not",
            ));
        }
        Ok(Self(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn level(&self) -> DivisionLevel {
        if self.0.ends_with("0000") {
            DivisionLevel::Province
        } else if self.0.ends_with("00") {
            DivisionLevel::City
        } else {
            DivisionLevel::County
        }
    }

    /// The significant prefix: `21` for a province, `2102` for a city, `210202` for a county.
    fn prefix(&self) -> &str {
        match self.level() {
            DivisionLevel::Province => &self.0[..2],
            DivisionLevel::City => &self.0[..4],
            DivisionLevel::County => &self.0,
        }
    }

    /// Whether `other` lies within this division (a division contains itself).
    pub fn contains(&self, other: &DivisionCode) -> bool {
        other.0.starts_with(self.prefix())
    }

    /// Whether one of the two lies within the other: a place known only to the city level
    /// (`210200`) and a district in it (`210202`) may be the same place.
    pub fn overlaps(&self, other: &DivisionCode) -> bool {
        self.contains(other) || other.contains(self)
    }

    /// The province's name.
    pub fn province_name(&self) -> &'static str {
        province_name(&self.0[..2]).unwrap_or("")
    }
}

impl std::fmt::Display for DivisionCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> DivisionCode {
        DivisionCode::parse(s).unwrap()
    }

    #[test]
    fn codes_are_six_digits_with_a_real_province() {
        assert_eq!(code("210202").level(), DivisionLevel::County);
        assert_eq!(code("２１０２００").as_str(), "210200");
        assert_eq!(code("630000").level(), DivisionLevel::Province);
        assert_eq!(code("630000").province_name(), "青海省");
        for (bad, why) in [
            ("21020", "invalid_format"),
            ("21020a", "invalid_format"),
            ("990000", "unknown_province"),
            ("100000", "unknown_province"),
            ("210002", "invalid_format"),
        ] {
            assert_eq!(DivisionCode::parse(bad).unwrap_err().code, why, "{bad}");
        }
    }

    #[test]
    fn a_city_contains_its_districts_and_overlaps_them_and_not_other_cities() {
        let (dalian, zhongshan, shenyang) = (code("210200"), code("210202"), code("210100"));
        assert!(dalian.contains(&zhongshan));
        assert!(!zhongshan.contains(&dalian));
        assert!(zhongshan.overlaps(&dalian));
        assert!(!shenyang.overlaps(&zhongshan));
        assert!(code("210000").contains(&zhongshan));
        assert!(zhongshan.contains(&zhongshan));
    }
}
